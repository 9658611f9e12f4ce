// ApiRouter: finds the ApiRoute for a method and a path under /api/v1,
// matching `{name}` placeholders, preferring literal segments.
#pragma once

#include "admin/api/api_route.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace inmor::admin::api {

/// The outcome of a lookup: a route with its placeholders; or no route
/// with `allow` listing the methods the path takes (405); or neither (404).
struct RouteLookup {
    const ApiRoute* route = nullptr;
    std::map<std::string, std::string> path_params;
    std::string allow;
};

class ApiRouter {
public:
    /// Takes the route table. Throws std::invalid_argument at start-up for
    /// a pattern not starting with '/', an empty segment or placeholder
    /// name, or two routes with the same method and pattern.
    explicit ApiRouter(std::vector<ApiRoute> routes);

    /// Finds the route for `method` and `path` (the part after /api/v1,
    /// not decoded). HEAD finds GET routes. A path matching several
    /// patterns goes to the one with the most literal segments, so
    /// "/subordinates/fetch-config" wins over "/subordinates/{id}".
    /// Placeholder values are percent-decoded. One trailing slash is ignored.
    RouteLookup find(std::string_view method, std::string_view path) const;

    const std::vector<ApiRoute>& routes() const { return routes_; }

private:
    struct Compiled {
        std::vector<std::string> segments;  ///< literal text, or "{name}"
        std::size_t literal_count = 0;
    };

    std::vector<ApiRoute> routes_;
    std::vector<Compiled> compiled_;
};

/// Splits "/a/b/c" into {"a", "b", "c"}; "/" gives no segment.
std::vector<std::string> split_path(std::string_view path);

/// Percent-decodes one path segment ('+' stays '+'); invalid escapes stay as sent.
std::string decode_path_segment(std::string_view segment);

}  // namespace inmor::admin::api
