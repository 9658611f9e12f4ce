// A small command-line front end to the JOSE layer, called by the interop
// scripts that check our tokens and keys against jwcrypto and npm's jose.
//   jose_interop_tool generate TYPE DIR        DIR/private.json, DIR/public.json
//   jose_interop_tool sign PRIVATE_JWK TYP      payload JSON on stdin, token out
//   jose_interop_tool verify KEYS TYP          token on stdin, payload JSON out
//   jose_interop_tool thumbprint JWK           RFC 7638 thumbprint out
// KEYS is a JWK Set or a single public JWK. Failures exit 1 with the error.
#include "common/clock.h"
#include "common/json.h"
#include "jose/jwk.h"
#include "jose/jws.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

namespace jose = inmor::jose;
namespace json = boost::json;

std::string read_file(const std::string& path) {
    std::ifstream input(path, std::ios::binary);
    if (!input) {
        throw std::runtime_error("cannot open " + path);
    }
    std::ostringstream text;
    text << input.rdbuf();
    return text.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream output(path, std::ios::binary | std::ios::trunc);
    output << text << "\n";
    if (!output) {
        throw std::runtime_error("cannot write " + path);
    }
}

std::string read_stdin() {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
}

template <class T>
T value_or_throw(inmor::Result<T> result) {
    if (!result) {
        throw std::runtime_error(result.error().message() + " " + result.error().detail());
    }
    return std::move(*result);
}

int generate(const std::string& type, const std::string& directory) {
    const jose::Jwk key = value_or_throw(jose::Jwk::generate(type));
    write_file(directory + "/private.json", inmor::to_json(key.to_json()));
    write_file(directory + "/public.json", inmor::to_json(key.public_json()));
    return 0;
}

int sign(const std::string& key_path, const std::string& typ) {
    const jose::Jwk key =
        value_or_throw(jose::Jwk::parse(read_file(key_path), jose::KeyPart::kPrivate));
    const json::object payload = value_or_throw(inmor::parse_json_object(read_stdin(), "payload"));
    std::cout << value_or_throw(jose::sign_jws(key, payload, {{"typ", typ}})) << "\n";
    return 0;
}

jose::JwkSet load_keys(const std::string& path) {
    const json::object document = value_or_throw(inmor::parse_json_object(read_file(path), "keys"));
    if (document.contains("keys")) {
        return value_or_throw(jose::JwkSet::from_json(document));
    }
    jose::JwkSet set;
    auto added = set.add(value_or_throw(jose::Jwk::from_json(document, jose::KeyPart::kPublic)));
    if (!added) {
        throw std::runtime_error(added.error().message());
    }
    return set;
}

int verify(const std::string& keys_path, const std::string& typ) {
    std::string token = read_stdin();
    // Shells and pipes add a newline; the token itself never ends in one.
    while (!token.empty() && token.back() == '\n') {
        token.pop_back();
    }
    const jose::VerifiedJws verified =
        value_or_throw(jose::verify_jws(token, load_keys(keys_path), typ, inmor::system_clock()));
    std::cout << inmor::to_json(verified.payload()) << "\n";
    return 0;
}

int thumbprint(const std::string& key_path) {
    const json::object members =
        value_or_throw(inmor::parse_json_object(read_file(key_path), "JWK"));
    const auto part = members.contains("d") ? jose::KeyPart::kPrivate : jose::KeyPart::kPublic;
    std::cout << value_or_throw(jose::Jwk::from_json(members, part)).thumbprint() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string command = argc > 1 ? argv[1] : "";
    try {
        if (command == "generate" && argc == 4) {
            return generate(argv[2], argv[3]);
        }
        if (command == "sign" && argc == 4) {
            return sign(argv[2], argv[3]);
        }
        if (command == "verify" && argc == 4) {
            return verify(argv[2], argv[3]);
        }
        if (command == "thumbprint" && argc == 3) {
            return thumbprint(argv[2]);
        }
    } catch (const std::exception& error) {
        std::cerr << "jose_interop_tool: " << error.what() << "\n";
        return 1;
    }
    std::cerr << "usage: jose_interop_tool generate TYPE DIR | sign JWK TYP | verify KEYS TYP | "
                 "thumbprint JWK\n";
    return 2;
}
