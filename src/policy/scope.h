// The `scope` client metadata parameter: a space-separated string that the
// operators treat as an array of values (section "Notes on Operators").
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include <string_view>

namespace inmor::policy {

/// True for the parameter processed as space-separated values ("scope").
/// Applies under every entity type; only OAuth clients define it.
bool is_space_separated_parameter(std::string_view parameter);

/// The non-empty tokens of a space-separated string, in order.
boost::json::array split_scope(std::string_view scope);

/// The string elements of `values` joined by single spaces. The caller
/// guarantees every element is a string.
boost::json::string join_scope(const boost::json::array& values);

}  // namespace inmor::policy
