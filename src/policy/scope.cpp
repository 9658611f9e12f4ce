// Conversion of `scope` between its wire form and the array the operators see.
#include "policy/scope.h"

#include <boost/json/value.hpp>

#include <algorithm>

namespace inmor::policy {

namespace bj = boost::json;

bool is_space_separated_parameter(std::string_view parameter) {
    return parameter == "scope";
}

bj::array split_scope(std::string_view scope) {
    bj::array tokens;
    std::size_t start = 0;
    while (start < scope.size()) {
        const std::size_t end = std::min(scope.find(' ', start), scope.size());
        // Repeated spaces yield no empty tokens.
        if (end > start) {
            tokens.emplace_back(scope.substr(start, end - start));
        }
        start = end + 1;
    }
    return tokens;
}

bj::string join_scope(const bj::array& values) {
    bj::string joined;
    for (const bj::value& value : values) {
        if (!joined.empty()) {
            joined.push_back(' ');
        }
        joined.append(value.get_string());
    }
    return joined;
}

}  // namespace inmor::policy
