// Entity types and UI information from Entity Configuration metadata.
#include "collection/entity_info.h"

#include <boost/json/array.hpp>

#include <string_view>

namespace inmor::collection {
namespace {

/// Strips the language tag from a claim name: "display_name#en" -> "display_name".
std::string_view base_name(std::string_view name) {
    return name.substr(0, name.find('#'));
}

bool is_ui_claim(std::string_view name) {
    const std::string_view base = base_name(name);
    for (const char* claim : kUiClaims) {
        if (base == claim) return true;
    }
    return false;
}

bool is_string_array(const boost::json::value& value) {
    if (!value.is_array()) return false;
    for (const auto& item : value.as_array()) {
        if (!item.is_string()) return false;
    }
    return true;
}

/// Checks that `value` has the JSON type the claim `name` takes.
bool accepted_value(std::string_view name, const boost::json::value& value) {
    if (base_name(name) == "keywords") return is_string_array(value) || value.is_string();
    return value.is_string();
}

bool names_clients(std::string_view entity_type) {
    return entity_type == "openid_relying_party" || entity_type == "oauth_client";
}

/// Adds `client_name` and its tagged variants as `display_name` where the
/// metadata has no display name in that language.
void add_client_names(const boost::json::object& metadata, boost::json::object& ui) {
    for (const auto& [name, value] : metadata) {
        const std::string_view key = name;
        if (base_name(key) != "client_name" || !value.is_string()) continue;
        std::string display = "display_name";
        display += key.substr(std::string_view("client_name").size());
        if (!ui.contains(display)) ui[display] = value;
    }
}

}  // namespace

std::vector<std::string> entity_types_of(const boost::json::object& metadata) {
    std::vector<std::string> types;
    types.reserve(metadata.size());
    for (const auto& [type, value] : metadata) types.emplace_back(type);
    return types;
}

boost::json::object ui_infos_of(const boost::json::object& metadata) {
    boost::json::object ui_infos;
    for (const auto& [type, value] : metadata) {
        if (!value.is_object()) continue;

        boost::json::object ui;
        for (const auto& [name, claim] : value.as_object()) {
            if (is_ui_claim(name) && accepted_value(name, claim)) ui[name] = claim;
        }
        if (names_clients(type)) add_client_names(value.as_object(), ui);

        if (!ui.empty()) ui_infos[type] = std::move(ui);
    }
    return ui_infos;
}

}  // namespace inmor::collection
