// Set operations over JSON arrays that keep the order of the first operand.
#include "policy/json_set.h"

#include <algorithm>

namespace inmor::policy {

namespace bj = boost::json;

namespace {

double number_as_double(const bj::value& number) {
    if (number.is_double()) {
        return number.get_double();
    }
    return number.is_int64() ? static_cast<double>(number.get_int64())
                             : static_cast<double>(number.get_uint64());
}

bool arrays_equal(const bj::array& first, const bj::array& second) {
    return first.size() == second.size() &&
           std::equal(first.begin(), first.end(), second.begin(), json_equal);
}

bool objects_equal(const bj::object& first, const bj::object& second) {
    if (first.size() != second.size()) {
        return false;
    }
    for (const auto& [key, value] : first) {
        const bj::value* other = second.if_contains(key);
        if (!other || !json_equal(value, *other)) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool json_equal(const bj::value& first, const bj::value& second) {
    // Integers of either signedness already compare by value in Boost.JSON,
    // but an integer never equals a double there.
    if (first.is_number() && second.is_number()) {
        if (first.is_double() || second.is_double()) {
            return number_as_double(first) == number_as_double(second);
        }
        return first == second;
    }
    if (first.is_array() && second.is_array()) {
        return arrays_equal(first.get_array(), second.get_array());
    }
    if (first.is_object() && second.is_object()) {
        return objects_equal(first.get_object(), second.get_object());
    }
    return first == second;
}

bool contains(const bj::array& values, const bj::value& element) {
    return std::any_of(values.begin(), values.end(),
                       [&element](const bj::value& value) { return json_equal(value, element); });
}

bool is_subset(const bj::array& part, const bj::array& whole) {
    return std::all_of(part.begin(), part.end(),
                       [&whole](const bj::value& element) { return contains(whole, element); });
}

bj::array set_union(const bj::array& first, const bj::array& second) {
    bj::array result = first;
    for (const bj::value& element : second) {
        if (!contains(result, element)) {
            result.push_back(element);
        }
    }
    return result;
}

bj::array set_intersection(const bj::array& first, const bj::array& second) {
    bj::array result;
    for (const bj::value& element : first) {
        if (contains(second, element)) {
            result.push_back(element);
        }
    }
    return result;
}

}  // namespace inmor::policy
