// Set operations over JSON arrays that keep the order of the first operand.
#include "policy/json_set.h"

#include <algorithm>

namespace inmor::policy {

namespace bj = boost::json;

bool contains(const bj::array& values, const bj::value& element) {
    return std::find(values.begin(), values.end(), element) != values.end();
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
