// JSON equality by canonical form, and set operations over JSON arrays that
// keep the order of the first operand.
#include "policy/json_set.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace inmor::policy {

namespace bj = boost::json;

namespace {

// Decimal text that is the same for every representation of one number:
// 1, 1.0 and 1e0 all give "1".
std::string canonical_number(const bj::value& number) {
    if (number.is_int64()) {
        return std::to_string(number.get_int64());
    }
    if (number.is_uint64()) {
        return std::to_string(number.get_uint64());
    }

    // An integral double converts exactly to the integer with the same value.
    const double value = number.get_double();
    if (std::trunc(value) == value) {
        if (value >= 0 && value < 18446744073709551616.0) {
            return std::to_string(static_cast<std::uint64_t>(value));
        }
        if (value < 0 && value >= -9223372036854775808.0) {
            return std::to_string(static_cast<std::int64_t>(value));
        }
    }
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, written.ptr);
}

void append_canonical(const bj::value& value, std::string& out);

void append_canonical_object(const bj::object& object, std::string& out) {
    std::vector<const bj::key_value_pair*> members;
    for (const bj::key_value_pair& member : object) {
        members.push_back(&member);
    }
    std::sort(members.begin(), members.end(), [](const auto* left, const auto* right) {
        return left->key() < right->key();
    });

    out.push_back('{');
    for (const bj::key_value_pair* member : members) {
        out.append(bj::serialize(bj::string_view(member->key()))).push_back(':');
        append_canonical(member->value(), out);
        out.push_back(',');
    }
    out.push_back('}');
}

// Member order is sorted and numbers are canonical, so two values have the
// same canonical form exactly when json_equal holds.
void append_canonical(const bj::value& value, std::string& out) {
    if (value.is_number()) {
        out.append("n").append(canonical_number(value));
    } else if (value.is_array()) {
        out.push_back('[');
        for (const bj::value& element : value.get_array()) {
            append_canonical(element, out);
            out.push_back(',');
        }
        out.push_back(']');
    } else if (value.is_object()) {
        append_canonical_object(value.get_object(), out);
    } else {
        out.append(bj::serialize(value));
    }
}

std::string canonical_form(const bj::value& value) {
    std::string out;
    append_canonical(value, out);
    return out;
}

// Membership test over JSON values that must outlive the index, in expected
// constant time per lookup. Strings, the common element type, are looked up
// by their text; other values by their canonical form.
class ArrayIndex {
public:
    explicit ArrayIndex(const bj::array& values) {
        for (const bj::value& value : values) {
            insert(value);
        }
    }

    void insert(const bj::value& value) {
        if (value.is_string()) {
            strings_.insert(std::string_view(value.get_string()));
        } else {
            others_.insert(canonical_form(value));
        }
    }

    bool contains(const bj::value& element) const {
        if (element.is_string()) {
            return strings_.contains(std::string_view(element.get_string()));
        }
        return others_.contains(canonical_form(element));
    }

private:
    std::unordered_set<std::string_view> strings_;
    std::unordered_set<std::string> others_;
};

}  // namespace

bool json_equal(const bj::value& first, const bj::value& second) {
    if (first.is_string() && second.is_string()) {
        return first.get_string() == second.get_string();
    }
    return canonical_form(first) == canonical_form(second);
}

bool contains(const bj::array& values, const bj::value& element) {
    if (element.is_string()) {
        return std::any_of(values.begin(), values.end(), [&element](const bj::value& value) {
            return value.is_string() && value.get_string() == element.get_string();
        });
    }
    // The element may be a large object from the metadata, so its canonical
    // form is built once rather than once per value.
    const std::string wanted = canonical_form(element);
    return std::any_of(values.begin(), values.end(), [&wanted](const bj::value& value) {
        return !value.is_string() && canonical_form(value) == wanted;
    });
}

bool is_subset(const bj::array& part, const bj::array& whole) {
    const ArrayIndex index(whole);
    return std::all_of(part.begin(), part.end(),
                       [&index](const bj::value& element) { return index.contains(element); });
}

bj::array set_union(const bj::array& first, const bj::array& second) {
    // The index refers to the elements of `first` and `second`, never to
    // those of `result`, which move when it grows.
    ArrayIndex present(first);
    bj::array result = first;
    for (const bj::value& element : second) {
        if (!present.contains(element)) {
            present.insert(element);
            result.push_back(element);
        }
    }
    return result;
}

bj::array set_intersection(const bj::array& first, const bj::array& second) {
    const ArrayIndex index(second);
    bj::array result;
    for (const bj::value& element : first) {
        if (index.contains(element)) {
            result.push_back(element);
        }
    }
    return result;
}

}  // namespace inmor::policy
