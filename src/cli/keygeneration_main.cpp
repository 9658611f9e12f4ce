// inmor-keygeneration: writes a signing key pair (private.json and
// publickeys/{kid}.json) or moves a public key to historical_keys/.
#include "common/clock.h"
#include "common/json.h"
#include "jose/jwk.h"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace jose = inmor::jose;

constexpr mode_t kPrivateKeyMode = 0600;
constexpr mode_t kPublicKeyMode = 0644;

struct Options {
    std::string type;
    std::string output;
    std::string retire;
    std::string revoked;
    bool force = false;
};

std::runtime_error system_failure(const std::string& action, const fs::path& path) {
    return std::runtime_error(action + " " + path.string() + ": " + std::strerror(errno));
}

void write_all(int descriptor, const std::string& text, const fs::path& path) {
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t count = ::write(descriptor, text.data() + written, text.size() - written);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            throw system_failure("cannot write", path);
        }
        written += static_cast<std::size_t>(count);
    }
}

// Writes `text` to a temporary file in the target's directory with `mode`
// set before any byte is written, then renames it into place, so readers
// never see a partial key and a private key is never readable by others.
// Without `replace`, an existing target is left alone and is an error.
void write_file_atomically(const fs::path& path, const std::string& text, mode_t mode,
                           bool replace) {
    std::string temporary = path.string() + ".tmp.XXXXXX";
    const int descriptor = ::mkstemp(temporary.data());
    if (descriptor < 0) {
        throw system_failure("cannot create a temporary file for", path);
    }

    try {
        if (::fchmod(descriptor, mode) != 0) {
            throw system_failure("cannot set the mode of", temporary);
        }
        write_all(descriptor, text, temporary);
        if (::fsync(descriptor) != 0) {
            throw system_failure("cannot flush", temporary);
        }
    } catch (...) {
        ::close(descriptor);
        ::unlink(temporary.c_str());
        throw;
    }
    ::close(descriptor);

    // RENAME_NOREPLACE makes the existence check and the rename one step.
    const unsigned int flags = replace ? 0U : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, path.c_str(), flags) != 0) {
        const int rename_errno = errno;
        ::unlink(temporary.c_str());
        errno = rename_errno;
        if (rename_errno == EEXIST) {
            throw std::runtime_error(path.string() +
                                     " already exists; pass --force to replace it");
        }
        throw system_failure("cannot move the new file to", path);
    }

    // Flush the directory entry too, so the rename survives a crash.
    const int directory = ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(),
                                 O_RDONLY | O_DIRECTORY);
    if (directory >= 0) {
        ::fsync(directory);
        ::close(directory);
    }
}

std::string read_file(const fs::path& path) {
    std::ifstream input(path, std::ios::binary);
    if (!input) {
        throw std::runtime_error("cannot open " + path.string());
    }
    std::ostringstream text;
    text << input.rdbuf();
    return text.str();
}

std::string kid_of(const jose::Jwk& key) {
    return key.kid().empty() ? key.thumbprint() : key.kid();
}

// A kid becomes a file name, so it may not leave the target directory.
void check_kid_is_file_name(const std::string& kid) {
    if (kid.empty() || kid == "." || kid == ".." || kid.find('/') != std::string::npos) {
        throw std::runtime_error("kid \"" + kid + "\" cannot be used as a file name");
    }
}

int generate_key(const Options& options) {
    const fs::path output(options.output);
    const fs::path private_path = output / "private.json";

    // Checked first so a refused run does not burn time on RSA generation;
    // the rename below checks again without a window.
    if (!options.force && fs::exists(private_path)) {
        std::cerr << "inmor-keygeneration: " << private_path.string()
                  << " already exists; pass --force to replace it (tokens signed with the old "
                     "key stop verifying once its public key is removed)\n";
        return 1;
    }

    auto key = jose::Jwk::generate(options.type);
    if (!key) {
        throw std::runtime_error(key.error().message() + " " + key.error().detail());
    }
    const std::string kid = kid_of(*key);
    fs::create_directories(output / "publickeys");
    const fs::path public_path = output / "publickeys" / (kid + ".json");

    // The private key goes first: its no-replace rename is what decides
    // whether this run may proceed, so a refused run leaves no new files.
    write_file_atomically(private_path, inmor::to_json(key->to_json()) + "\n", kPrivateKeyMode,
                          options.force);
    write_file_atomically(public_path, inmor::to_json(key->public_json()) + "\n",
                          kPublicKeyMode, true);

    std::cout << "generated key type=" << options.type << " kid=" << kid
              << " private=" << private_path.string() << " public=" << public_path.string()
              << "\n";
    return 0;
}

int retire_key(const Options& options) {
    const fs::path source(options.retire);
    auto key = jose::Jwk::parse(read_file(source), jose::KeyPart::kPublic);
    if (!key) {
        throw std::runtime_error(source.string() + ": " + key.error().message());
    }
    const std::string kid = kid_of(*key);
    check_kid_is_file_name(kid);

    // Historical Keys: each retired key carries `exp`, and a revoked one
    // also `revoked: {revoked_at, reason}`.
    const inmor::UnixSeconds now = inmor::system_clock().now();
    auto retired = key->with_member("kid", json::string(kid));
    if (retired) {
        retired = retired->with_member("exp", now);
    }
    if (retired && !options.revoked.empty()) {
        retired = retired->with_member(
            "revoked", json::object{{"revoked_at", now}, {"reason", json::string(options.revoked)}});
    }
    if (!retired) {
        throw std::runtime_error(retired.error().message());
    }

    const fs::path target_directory = fs::path(options.output) / "historical_keys";
    fs::create_directories(target_directory);
    const fs::path target = target_directory / (kid + ".json");
    write_file_atomically(target, inmor::to_json(retired->public_json()) + "\n", kPublicKeyMode,
                          options.force);

    std::cout << "retired key kid=" << kid << " exp=" << now
              << (options.revoked.empty() ? "" : " revoked=" + options.revoked)
              << " file=" << target.string() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{
        "Generates the trust anchor's signing key pair: OUTPUT/private.json (mode 0600) and "
        "OUTPUT/publickeys/KID.json (mode 0644), where KID is the RFC 7638 thumbprint. With "
        "--retire, writes a retired public key to OUTPUT/historical_keys/KID.json instead.",
        "inmor-keygeneration"};

    auto* type = app.add_option("--type", options.type,
                                "Key algorithm: RS256 or PS256 (RSA 2048), ES256, ES384 or "
                                "ES512 (P-256, P-384, P-521), Ed25519 or Ed448")
                     ->check(CLI::IsMember(
                         {"RS256", "PS256", "ES256", "ES384", "ES512", "Ed25519", "Ed448"}));
    app.add_option("--output", options.output, "Directory to write the key files into")
        ->required();
    app.add_flag("--force", options.force,
                 "Replace an existing private.json (or historical key file)");
    auto* retire = app.add_option("--retire", options.retire,
                                  "Public key file (publickeys/KID.json) to retire")
                       ->check(CLI::ExistingFile);
    app.add_option("--revoked", options.revoked,
                   "Mark the retired key revoked, with this reason: unspecified, compromised "
                   "or superseded")
        ->check(CLI::IsMember({"unspecified", "compromised", "superseded"}))
        ->needs(retire);
    type->excludes(retire);

    CLI11_PARSE(app, argc, argv);
    if (options.type.empty() && options.retire.empty()) {
        std::cerr << "inmor-keygeneration: pass --type to generate a key or --retire to "
                     "retire one\n";
        return 2;
    }

    try {
        return options.retire.empty() ? generate_key(options) : retire_key(options);
    } catch (const std::exception& error) {
        std::cerr << "inmor-keygeneration: " << error.what() << "\n";
        return 1;
    }
}
