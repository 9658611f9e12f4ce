// Building and signing the anchor's entity configuration and historical keys.
#include "admin/publication.h"

#include "common/entity_id.h"
#include "common/json.h"
#include "jose/jws.h"

#include <algorithm>
#include <filesystem>

namespace inmor::admin {
namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;

constexpr UnixSeconds kSecondsPerHour = 3600;

// Key members that must never appear in federation_entity metadata, because
// federation keys live only in the top-level `jwks` claim.
constexpr std::string_view kForbiddenFederationEntityMembers[] = {"jwks", "jwks_uri",
                                                                   "signed_jwks_uri"};

Result<bj::object> read_json_object_file(const std::string& path, std::string_view key) {
    auto text = read_configured_file(path, key);
    if (!text) return text.error();
    auto parsed = parse_json_object(*text, std::string(key) + " (" + path + ")");
    if (!parsed) return parsed.error();
    return *parsed;
}

Result<bj::object> federation_entity_metadata(const Config& config) {
    bj::object metadata = federation_endpoints(config.domain);
    metadata["organization_name"] = config.federation.organization_name;

    const std::string& file = config.federation.federation_entity_metadata_file;
    if (file.empty()) return metadata;

    auto extra = read_json_object_file(file, "federation.federation_entity_metadata_file");
    if (!extra) return extra.error();
    for (const auto& [name, value] : *extra) {
        const bool forbidden = std::find(std::begin(kForbiddenFederationEntityMembers),
                                         std::end(kForbiddenFederationEntityMembers),
                                         name) != std::end(kForbiddenFederationEntityMembers);
        if (forbidden) {
            return Error::invalid_request("federation.federation_entity_metadata_file: " +
                                          std::string(name) +
                                          " is not allowed in federation_entity metadata");
        }
        if (value.is_null()) {
            return Error::invalid_request("federation.federation_entity_metadata_file: " +
                                          std::string(name) + " must not be null");
        }
        metadata[name] = value;
    }
    return metadata;
}

bj::object trust_mark_issuers(const Config& config,
                              const std::vector<std::string>& issued_types) {
    bj::object issuers;
    for (const auto& [type, entity_ids] : config.federation.trusted_trust_mark_issuers) {
        bj::array list;
        for (const auto& id : entity_ids) list.emplace_back(id);
        issuers[type] = std::move(list);
    }

    // This anchor issues its own active types, so it is a recognised issuer.
    for (const auto& type : issued_types) {
        bj::array& list = issuers[type].is_array() ? issuers[type].as_array()
                                                   : issuers[type].emplace_array();
        const bool listed = std::any_of(list.begin(), list.end(), [&](const bj::value& id) {
            return id.is_string() && id.as_string() == config.federation.trust_mark_issuer;
        });
        if (!listed) list.emplace_back(config.federation.trust_mark_issuer);
    }
    return issuers;
}

Result<bj::object> trust_mark_owners(const Config& config) {
    bj::object owners;
    for (const auto& [type, owner] : config.federation.trust_mark_owners) {
        const std::string key = "federation.trust_mark_owners." + type;
        auto sub = EntityId::parse(owner.sub, config.allow_http);
        if (!sub) return sub.error().with_context(key + ".sub");

        auto jwks = read_json_object_file(owner.jwks_file, key + ".jwks_file");
        if (!jwks) return jwks.error();
        auto keys = jose::JwkSet::from_json(*jwks);
        if (!keys) return keys.error().with_context(key + ".jwks_file");

        owners[type] = bj::object{{"sub", owner.sub}, {"jwks", keys->public_json()}};
    }
    return owners;
}

bj::array held_trust_marks(const Config& config) {
    bj::array marks;
    for (const auto& held : config.federation.trust_marks) {
        marks.emplace_back(
            bj::object{{"trust_mark_type", held.trust_mark_type}, {"trust_mark", held.trust_mark}});
    }
    return marks;
}

}  // namespace

bj::object federation_endpoints(const std::string& domain) {
    std::string base = domain;
    if (!base.empty() && base.back() == '/') base.pop_back();
    return {
        {"federation_fetch_endpoint", base + "/fetch"},
        {"federation_list_endpoint", base + "/list"},
        {"federation_resolve_endpoint", base + "/resolve"},
        {"federation_trust_mark_status_endpoint", base + "/trust_mark_status"},
        {"federation_trust_mark_list_endpoint", base + "/trust_mark_list"},
        {"federation_trust_mark_endpoint", base + "/trust_mark"},
        {"federation_historical_keys_endpoint", base + "/historical_keys"},
        {"federation_collection_endpoint", base + "/collection"},
    };
}

Result<bj::object> build_entity_configuration(const Config& config,
                                              const jose::JwkSet& public_keys,
                                              const std::vector<std::string>& issued_types,
                                              UnixSeconds now) {
    auto federation_entity = federation_entity_metadata(config);
    if (!federation_entity) return federation_entity.error();
    auto owners = trust_mark_owners(config);
    if (!owners) return owners.error();

    bj::object claims;
    claims["iss"] = config.domain;
    claims["sub"] = config.domain;
    claims["iat"] = now;
    claims["exp"] = now + config.federation.entity_configuration_lifetime * kSecondsPerHour;
    claims["jwks"] = public_keys.public_json();
    claims["metadata"] = bj::object{{"federation_entity", std::move(*federation_entity)}};

    // Optional claims appear only when they carry something: an empty
    // authority_hints would wrongly mark a top-level anchor as subordinate.
    if (auto marks = held_trust_marks(config); !marks.empty()) {
        claims["trust_marks"] = std::move(marks);
    }
    if (auto issuers = trust_mark_issuers(config, issued_types); !issuers.empty()) {
        claims["trust_mark_issuers"] = std::move(issuers);
    }
    if (!owners->empty()) {
        claims["trust_mark_owners"] = std::move(*owners);
    }
    if (!config.federation.authority_hints.empty()) {
        bj::array hints;
        for (const auto& hint : config.federation.authority_hints) hints.emplace_back(hint);
        claims["authority_hints"] = std::move(hints);
    }
    return claims;
}

Result<bj::object> build_historical_keys(const Config& config, UnixSeconds now) {
    bj::array keys;
    std::error_code error;
    if (fs::is_directory(config.historical_keys_dir, error)) {
        std::vector<std::string> files;
        for (const auto& entry : fs::directory_iterator(config.historical_keys_dir, error)) {
            if (entry.path().extension() == ".json") files.push_back(entry.path().string());
        }
        std::sort(files.begin(), files.end());

        for (const auto& path : files) {
            auto key = read_json_object_file(path, "historical_keys_dir");
            if (!key) return key.error();
            // A retired key without `exp` would not tell verifiers when it stopped being valid.
            if (!key->contains("kid") || !key->contains("exp")) {
                return Error::invalid_request("historical_keys_dir: " + path +
                                              ": a retired key needs kid and exp");
            }
            auto parsed = jose::Jwk::from_json(*key, jose::KeyPart::kPublic);
            if (!parsed) return parsed.error().with_context("historical_keys_dir: " + path);
            keys.emplace_back(parsed->public_json());
        }
    }

    return bj::object{{"iss", config.domain}, {"iat", now}, {"keys", std::move(keys)}};
}

Result<std::string> sign_entity_configuration(const jose::Jwk& signing_key,
                                              const bj::object& claims) {
    return jose::sign_jws(signing_key, claims, {{"typ", "entity-statement+jwt"}});
}

Result<std::string> sign_historical_keys(const jose::Jwk& signing_key,
                                         const bj::object& claims) {
    return jose::sign_jws(signing_key, claims, {{"typ", "jwk-set+jwt"}});
}

}  // namespace inmor::admin
