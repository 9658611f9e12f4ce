// Names of the JWS signature algorithms.
#include "jose/algorithm.h"

#include <array>
#include <utility>

namespace inmor::jose {
namespace {

constexpr std::array<std::pair<JwsAlgorithm, std::string_view>, 10> kAlgorithmNames{{
    {JwsAlgorithm::kRs256, "RS256"},
    {JwsAlgorithm::kRs384, "RS384"},
    {JwsAlgorithm::kRs512, "RS512"},
    {JwsAlgorithm::kPs256, "PS256"},
    {JwsAlgorithm::kPs384, "PS384"},
    {JwsAlgorithm::kPs512, "PS512"},
    {JwsAlgorithm::kEs256, "ES256"},
    {JwsAlgorithm::kEs384, "ES384"},
    {JwsAlgorithm::kEs512, "ES512"},
    {JwsAlgorithm::kEdDsa, "EdDSA"},
}};

}  // namespace

std::string_view algorithm_name(JwsAlgorithm algorithm) {
    for (const auto& [value, name] : kAlgorithmNames) {
        if (value == algorithm) {
            return name;
        }
    }
    return "unknown";
}

std::optional<JwsAlgorithm> parse_algorithm(std::string_view name) {
    if (name == "Ed25519" || name == "Ed448") {
        return JwsAlgorithm::kEdDsa;
    }
    for (const auto& [value, known_name] : kAlgorithmNames) {
        if (known_name == name) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace inmor::jose
