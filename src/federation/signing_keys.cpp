// Reading the anchor's key files.
#include "federation/signing_keys.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace inmor::federation {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> json_files_in(const fs::path& directory) {
    std::vector<std::string> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(directory, error)) {
        if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

Result<SigningKeys> load_signing_keys(const Config& config) {
    auto private_text = read_configured_file(config.private_key, "private_key");
    if (!private_text) return private_text.error();
    auto private_key = jose::Jwk::parse(*private_text, jose::KeyPart::kPrivate);
    if (!private_key) {
        return Error::invalid_request("private_key: " + config.private_key + ": " +
                                      private_key.error().message());
    }
    if (private_key->kid().empty()) {
        return Error::invalid_request("private_key: " + config.private_key + ": no kid member");
    }
    SigningKeys keys{*private_key, {}, 0, {}};

    struct stat info {};
    if (::stat(config.private_key.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
        keys.warnings.push_back("private key file readable by group or others path=" +
                                config.private_key);
    }

    std::error_code error;
    if (!fs::is_directory(config.public_keys_dir, error)) {
        return Error::invalid_request("public_keys_dir: not a readable directory: " +
                                      config.public_keys_dir);
    }
    for (const auto& path : json_files_in(config.public_keys_dir)) {
        auto text = read_configured_file(path, "public_keys_dir");
        if (!text) return text.error();
        auto key = jose::Jwk::parse(*text, jose::KeyPart::kPublic);
        if (!key) {
            return Error::invalid_request("public_keys_dir: " + path + ": " +
                                          key.error().message());
        }
        if (auto added = keys.verification_keys.add(*key); !added) {
            return Error::invalid_request("public_keys_dir: " + path + ": " +
                                          added.error().message());
        }
        ++keys.public_key_files;
    }
    if (!keys.verification_keys.find(keys.private_key.kid())) {
        (void)keys.verification_keys.add(keys.private_key.public_key());
    }
    return keys;
}

}  // namespace inmor::federation
