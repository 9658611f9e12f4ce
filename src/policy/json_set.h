// JSON equality and set operations over JSON arrays, as the operators need
// them. Equality ignores member order in objects and compares numbers by value.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace inmor::policy {

/// True when `first` and `second` are the same JSON value. Numbers compare by
/// value, so 1 equals 1.0. Arrays compare element by element in order, and
/// objects compare member by member regardless of member order.
bool json_equal(const boost::json::value& first, const boost::json::value& second);

/// True when `values` contains an element equal to `element`.
bool contains(const boost::json::array& values, const boost::json::value& element);

/// True when every element of `part` is in `whole`.
bool is_subset(const boost::json::array& part, const boost::json::array& whole);

/// `first` followed by the elements of `second` that it does not contain yet.
boost::json::array set_union(const boost::json::array& first, const boost::json::array& second);

/// The elements of `first` that are also in `second`, in the order of `first`.
boost::json::array set_intersection(const boost::json::array& first,
                                    const boost::json::array& second);

}  // namespace inmor::policy
