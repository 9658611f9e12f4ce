// Parsing and checking of trust chain constraints.
#include "federation/chain_constraints.h"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace inmor::federation {

namespace json = boost::json;

namespace {

Error invalid(std::string_view where, std::string_view problem) {
    return Error::invalid_request("constraints." + std::string(where) + ": " +
                                  std::string(problem));
}

std::string lowercase(std::string_view text) {
    std::string lowered(text);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lowered;
}

Result<std::vector<std::string>> read_strings(const json::value& value, std::string_view where) {
    if (!value.is_array()) {
        return invalid(where, "must be an array of strings");
    }
    std::vector<std::string> strings;
    for (const json::value& entry : value.get_array()) {
        if (!entry.is_string() || entry.get_string().empty()) {
            return invalid(where, "entries must be non-empty strings");
        }
        strings.emplace_back(entry.get_string());
    }
    return strings;
}

Result<NamingConstraints> read_naming_constraints(const json::value& value) {
    if (!value.is_object()) {
        return invalid("naming_constraints", "must be an object");
    }

    NamingConstraints naming;
    const json::object& members = value.get_object();
    if (const json::value* permitted = members.if_contains("permitted")) {
        auto entries = read_strings(*permitted, "naming_constraints.permitted");
        if (!entries) {
            return entries.error();
        }
        naming.permitted = std::move(*entries);
    }
    if (const json::value* excluded = members.if_contains("excluded")) {
        auto entries = read_strings(*excluded, "naming_constraints.excluded");
        if (!entries) {
            return entries.error();
        }
        naming.excluded = std::move(*entries);
    }
    return naming;
}

}  // namespace

Result<ChainConstraints> ChainConstraints::from_json(const json::value& claim) {
    if (!claim.is_object()) {
        return Error::invalid_request("constraints: must be an object");
    }
    const json::object& members = claim.get_object();
    ChainConstraints constraints;

    if (const json::value* length = members.if_contains("max_path_length")) {
        const auto* as_int = length->if_int64();
        const auto* as_uint = length->if_uint64();
        if (as_int != nullptr && *as_int >= 0) {
            constraints.max_path_length = *as_int;
        } else if (as_uint != nullptr) {
            constraints.max_path_length = INT64_MAX;
        } else {
            return invalid("max_path_length", "must be a non-negative integer");
        }
    }

    if (const json::value* naming = members.if_contains("naming_constraints")) {
        auto parsed = read_naming_constraints(*naming);
        if (!parsed) {
            return parsed.error();
        }
        constraints.naming_constraints = std::move(*parsed);
    }

    // NOTE: a list naming federation_entity breaks a MUST NOT on the issuer's
    // side but changes nothing here, so it is accepted rather than rejected.
    if (const json::value* types = members.if_contains("allowed_entity_types")) {
        auto parsed = read_strings(*types, "allowed_entity_types");
        if (!parsed) {
            return parsed.error();
        }
        constraints.allowed_entity_types = std::move(*parsed);
    }
    return constraints;
}

bool ChainConstraints::permits_path_length(std::size_t intermediates_below) const {
    if (!max_path_length) {
        return true;
    }
    return static_cast<std::uint64_t>(intermediates_below) <=
           static_cast<std::uint64_t>(*max_path_length);
}

Result<void> ChainConstraints::check_naming(const EntityId& entity_id) const {
    if (!naming_constraints) {
        return {};
    }
    const std::string host = entity_host(entity_id);

    for (const std::string& excluded : naming_constraints->excluded) {
        if (host_matches_name_constraint(host, excluded)) {
            return Error(ErrorCode::kInvalidTrustChain,
                         entity_id.str() + ": host matches excluded naming constraint \"" +
                             excluded + "\"");
        }
    }

    if (!naming_constraints->permitted) {
        return {};
    }
    for (const std::string& permitted : *naming_constraints->permitted) {
        if (host_matches_name_constraint(host, permitted)) {
            return {};
        }
    }
    return Error(ErrorCode::kInvalidTrustChain,
                 entity_id.str() + ": host matches no permitted naming constraint");
}

bool ChainConstraints::allows_entity_type(std::string_view entity_type) const {
    if (entity_type == kFederationEntityType || !allowed_entity_types) {
        return true;
    }
    const auto& allowed = *allowed_entity_types;
    return std::find(allowed.begin(), allowed.end(), entity_type) != allowed.end();
}

bool host_matches_name_constraint(std::string_view host, std::string_view constraint) {
    const std::string lowered_host = lowercase(host);
    const std::string lowered_constraint = lowercase(constraint);
    if (lowered_constraint.empty()) {
        return false;
    }

    // ".example.com": a proper subdomain, at least one label to the left.
    if (lowered_constraint.front() == '.') {
        return lowered_host.size() > lowered_constraint.size() &&
               lowered_host.ends_with(lowered_constraint) &&
               lowered_host[lowered_host.size() - lowered_constraint.size() - 1] != '.';
    }
    return lowered_host == lowered_constraint;
}

std::string entity_host(const EntityId& entity_id) {
    auto url = boost::urls::parse_absolute_uri(entity_id.str());
    if (!url) {
        return {};
    }
    std::string host(url->encoded_host());
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return lowercase(host);
}

std::vector<std::string> remove_disallowed_entity_types(json::object& metadata,
                                                        const ChainConstraints& constraints) {
    std::vector<std::string> removed;
    for (const auto& member : metadata) {
        if (!constraints.allows_entity_type(member.key())) {
            removed.emplace_back(member.key());
        }
    }
    for (const std::string& entity_type : removed) {
        metadata.erase(entity_type);
    }
    return removed;
}

}  // namespace inmor::federation
