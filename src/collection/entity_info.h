// Entity Info of the Entity Collection endpoint, read from a verified Entity
// Configuration's `metadata`: the entity types and the UI information.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace inmor::collection {

/// The informational metadata parameters copied into `ui_infos`, each also
/// with its language-tagged variants ("display_name#en").
inline constexpr const char* kUiClaims[] = {"display_name",    "description", "keywords",
                                            "logo_uri",        "policy_uri",  "information_uri",
                                            "organization_name"};

/// The entity types of `metadata`: its member names, in order.
std::vector<std::string> entity_types_of(const boost::json::object& metadata);

/// `ui_infos`: entity type -> the UI claims its metadata carries. String
/// values are copied, and for `keywords` an array of strings. A relying
/// party or OAuth client without `display_name` gets its `client_name` (and
/// each tagged variant) as `display_name`. Types with no UI claim are left
/// out, so the result may be empty.
boost::json::object ui_infos_of(const boost::json::object& metadata);

}  // namespace inmor::collection
