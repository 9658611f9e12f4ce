// Pattern matching of the admin API's routes.
#include "admin/api/api_router.h"

#include "common/hex.h"

#include <set>
#include <stdexcept>

namespace inmor::admin::api {
namespace {

bool is_placeholder(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    if (path.starts_with('/')) path.remove_prefix(1);
    if (path.empty()) return segments;
    while (true) {
        const auto slash = path.find('/');
        segments.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

std::string decode_path_segment(std::string_view segment) {
    std::string decoded;
    decoded.reserve(segment.size());
    for (std::size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] == '%' && i + 2 < segment.size() && hex_digit_value(segment[i + 1]) >= 0 &&
            hex_digit_value(segment[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_digit_value(segment[i + 1]) * 16 + hex_digit_value(segment[i + 2]));
            i += 2;
        } else {
            decoded += segment[i];
        }
    }
    return decoded;
}

ApiRouter::ApiRouter(std::vector<ApiRoute> routes) : routes_(std::move(routes)) {
    std::set<std::pair<std::string, std::string>> seen;
    for (const ApiRoute& route : routes_) {
        if (!route.pattern.starts_with('/')) {
            throw std::invalid_argument("API route pattern must start with '/': " + route.pattern);
        }
        if (!seen.emplace(route.method, route.pattern).second) {
            throw std::invalid_argument("API route registered twice: " + route.method + " " +
                                        route.pattern);
        }
        Compiled compiled;
        compiled.segments = split_path(route.pattern);
        for (const std::string& segment : compiled.segments) {
            if (segment.empty() || segment == "{}") {
                throw std::invalid_argument("API route pattern has an empty segment: " +
                                            route.pattern);
            }
            if (!is_placeholder(segment)) ++compiled.literal_count;
        }
        compiled_.push_back(std::move(compiled));
    }
}

RouteLookup ApiRouter::find(std::string_view method, std::string_view path) const {
    if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
    const std::vector<std::string> segments = split_path(path);
    const std::string_view route_method = method == "HEAD" ? std::string_view("GET") : method;

    RouteLookup best;
    std::size_t best_literals = 0;
    std::set<std::string> allowed;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const Compiled& compiled = compiled_[i];
        if (compiled.segments.size() != segments.size()) continue;

        std::map<std::string, std::string> params;
        bool matches = true;
        for (std::size_t s = 0; s < segments.size() && matches; ++s) {
            const std::string& expected = compiled.segments[s];
            if (is_placeholder(expected)) {
                matches = !segments[s].empty();
                params[expected.substr(1, expected.size() - 2)] = decode_path_segment(segments[s]);
            } else {
                matches = expected == segments[s];
            }
        }
        if (!matches) continue;

        allowed.insert(routes_[i].method);
        if (routes_[i].method != route_method) continue;
        if (best.route == nullptr || compiled.literal_count > best_literals) {
            best.route = &routes_[i];
            best.path_params = std::move(params);
            best_literals = compiled.literal_count;
        }
    }

    if (best.route == nullptr && !allowed.empty()) {
        if (allowed.count("GET")) allowed.insert("HEAD");
        for (const std::string& name : allowed) best.allow += (best.allow.empty() ? "" : ", ") + name;
    }
    return best;
}

}  // namespace inmor::admin::api
