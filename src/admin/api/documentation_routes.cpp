// /openapi.json and /docs: an OpenAPI 3.1 document generated from the route
// table, and a page that renders it with its own inline script and style.
#include "admin/api/admin_routes.h"
#include "common/json.h"

#include <boost/json/array.hpp>

#include <algorithm>
#include <memory>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// "/users/{id}" with GET gives "get_users_id".
std::string operation_id(const ApiRoute& route) {
    std::string id = lowercase(route.method) + "_";
    for (char c : route.pattern) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            id += c;
        } else if (c == '/' || c == '-' || c == '_') {
            if (!id.ends_with('_')) id += '_';
        }
    }
    while (id.ends_with('_')) id.pop_back();
    return id;
}

json::array path_parameters(const std::string& pattern) {
    json::array parameters;
    std::size_t open = pattern.find('{');
    while (open != std::string::npos) {
        const std::size_t close = pattern.find('}', open);
        if (close == std::string::npos) break;
        parameters.push_back(json::object{{"name", pattern.substr(open + 1, close - open - 1)},
                                          {"in", "path"},
                                          {"required", true},
                                          {"schema", {{"type", "string"}}}});
        open = pattern.find('{', close);
    }
    return parameters;
}

json::object operation(const ApiRoute& route) {
    const json::object error_content{
        {"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}};
    json::object responses{
        {"200", {{"description", "Success"}, {"content", {{"application/json", json::object{}}}}}},
        {"default", {{"description", "Error with a message naming the field"},
                     {"content", error_content}}}};

    const std::string tag = route.pattern.substr(1, route.pattern.find('/', 1) - 1);
    json::object op{{"operationId", operation_id(route)},
                    {"summary", route.summary},
                    {"tags", json::array{json::string(tag)}},
                    {"responses", std::move(responses)}};
    json::array parameters = path_parameters(route.pattern);
    if (!parameters.empty()) op["parameters"] = std::move(parameters);
    // The /auth/ routes are how a client gets a session, so they need none.
    if (route.pattern.starts_with("/auth/")) op["security"] = json::array{};
    if (route.method == "POST" || route.method == "PUT" || route.method == "PATCH") {
        op["requestBody"] = {
            {"required", false},
            {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    }
    return op;
}

json::object components() {
    json::object security_schemes{
        {"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}},
        {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "sessionid"},
                     {"description", "Login session; writes also need the csrftoken cookie's "
                                     "value in the X-CSRFToken header"}}}};
    json::object error_schema{
        {"type", "object"},
        {"required", json::array{"message"}},
        {"properties", {{"message", {{"type", "string"}}},
                        {"id", {{"type", "integer"},
                                {"description", "The existing object's id on a duplicate"}}}}}};
    return json::object{{"securitySchemes", std::move(security_schemes)},
                        {"schemas", {{"Error", std::move(error_schema)}}}};
}

// The inline page: the OpenAPI document is embedded as JSON, and a short
// script lists the operations grouped by tag. No file loads from elsewhere.
constexpr std::string_view kPageHead = R"HTML(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inmor admin API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:1rem 1.5rem}
header h1{margin:0;font-size:1.3rem}
main{max-width:960px;margin:0 auto;padding:1rem 1.5rem}
h2{margin:1.6rem 0 .5rem;font-size:1.1rem;text-transform:capitalize}
details{background:#fff;border:1px solid #d5d9e0;border-radius:6px;margin:.35rem 0}
summary{cursor:pointer;padding:.5rem .75rem;display:flex;gap:.75rem;align-items:baseline}
.method{font:700 .8rem monospace;min-width:4.2rem;text-align:center;border-radius:4px;
padding:.15rem .3rem;color:#fff}
.GET{background:#2f6fb3}.POST{background:#2e8b57}.PUT{background:#b7791f}
.DELETE{background:#c0392b}.PATCH{background:#6c5ce7}
.path{font-family:monospace;font-weight:600;white-space:nowrap}
.brief{color:#5a6473;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.body{padding:0 .75rem .75rem;border-top:1px solid #eef0f3}
code,pre{font-family:monospace;background:#eef0f3;border-radius:4px;padding:.1rem .3rem}
pre{padding:.6rem;overflow:auto}
input{font:inherit;padding:.35rem .5rem;width:100%;max-width:24rem;box-sizing:border-box}
</style></head><body>
<header><h1>Inmor trust anchor admin API</h1></header>
<main>
<p>Every route is under <code>/api/v1</code>. Authenticate with the <code>X-API-Key</code>
header, or sign in through <code>/auth/login</code>; writes with a session send the
<code>csrftoken</code> cookie's value in <code>X-CSRFToken</code>. Errors are
<code>{"message": ..., "id": N}</code>; lists are <code>{"count": N, "items": [...]}</code>
with <code>limit</code> (default 100) and <code>offset</code>.
The machine-readable description is <a href="openapi.json">openapi.json</a>.</p>
<label for="filter">Filter routes</label><br><input id="filter" type="search">
<div id="routes"></div>
</main>
<script id="spec" type="application/json">)HTML";

constexpr std::string_view kPageTail = R"HTML(</script>
<script>
(function () {
  var spec = JSON.parse(document.getElementById('spec').textContent);
  var root = document.getElementById('routes');
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var groups = {};
  Object.keys(spec.paths).forEach(function (path) {
    Object.keys(spec.paths[path]).forEach(function (method) {
      var op = spec.paths[path][method];
      var tag = (op.tags && op.tags[0]) || 'other';
      (groups[tag] = groups[tag] || []).push({path: path, method: method.toUpperCase(), op: op});
    });
  });
  function render(filter) {
    root.textContent = '';
    Object.keys(groups).sort().forEach(function (tag) {
      var rows = groups[tag].filter(function (row) {
        var text = (row.method + ' ' + row.path + ' ' + row.op.summary).toLowerCase();
        return !filter || text.indexOf(filter) >= 0;
      });
      if (!rows.length) return;
      root.appendChild(element('h2', '', tag));
      rows.forEach(function (row) {
        var details = element('details');
        var summary = element('summary');
        summary.appendChild(element('span', 'method ' + row.method, row.method));
        summary.appendChild(element('span', 'path', '/api/v1' + row.path));
        summary.appendChild(element('span', 'brief', row.op.summary));
        details.appendChild(summary);
        var body = element('div', 'body');
        body.appendChild(element('p', '', row.op.summary));
        var auth = row.op.security && row.op.security.length === 0
          ? 'No authentication needed.' : 'Needs X-API-Key or a session.';
        body.appendChild(element('p', '', auth));
        (row.op.parameters || []).forEach(function (parameter) {
          body.appendChild(element('p', '', 'Path parameter: ' + parameter.name));
        });
        body.appendChild(element('pre', '', 'operationId: ' + row.op.operationId));
        details.appendChild(body);
        root.appendChild(details);
      });
    });
  }
  document.getElementById('filter').addEventListener('input', function (event) {
    render(event.target.value.trim().toLowerCase());
  });
  render('');
})();
</script></body></html>
)HTML";

}  // namespace

/// Builds the OpenAPI 3.1 document of `routes`.
json::object openapi_document(const std::vector<ApiRoute>& routes) {
    json::object paths;
    for (const ApiRoute& route : routes) {
        json::value& path = paths[route.pattern];
        if (!path.is_object()) path = json::object{};
        path.as_object()[lowercase(route.method)] = operation(route);
    }
    return json::object{
        {"openapi", "3.1.0"},
        {"info", {{"title", "Inmor trust anchor admin API"}, {"version", admin_version()}}},
        {"servers", json::array{json::object{{"url", "/api/v1"}}}},
        {"security", json::array{json::object{{"apiKey", json::array{}}},
                                 json::object{{"session", json::array{}}}}},
        {"paths", std::move(paths)},
        {"components", components()}};
}

std::vector<ApiRoute> documentation_routes(const std::vector<ApiRoute>& routes) {
    std::vector<ApiRoute> documented = routes;
    documented.push_back({"GET", "/openapi.json", nullptr, "This API as an OpenAPI 3.1 document"});
    documented.push_back({"GET", "/docs", nullptr, "A browsable page describing this API"});

    // Built once: the table does not change while the admin runs.
    const auto document = std::make_shared<const std::string>(
        inmor::to_json(json::value(openapi_document(documented))));
    std::string spec_script = *document;
    // "</" inside a script element would end it early.
    for (std::size_t at = spec_script.find("</"); at != std::string::npos;
         at = spec_script.find("</", at + 3)) {
        spec_script.replace(at, 2, "<\\/");
    }
    const auto page = std::make_shared<const std::string>(std::string(kPageHead) + spec_script +
                                                          std::string(kPageTail));

    documented[documented.size() - 2].handler = [document](const ApiCall&) {
        http::Response response;
        response.content_type = std::string(http::content_type::kJson);
        response.body = *document;
        return response;
    };
    documented[documented.size() - 1].handler = [page](const ApiCall&) {
        http::Response response;
        response.content_type = std::string(http::content_type::kHtml);
        response.body = *page;
        response.add_header("Content-Security-Policy",
                            "default-src 'none'; script-src 'unsafe-inline'; "
                            "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
                            "frame-ancestors 'none'");
        return response;
    };
    return documented;
}

}  // namespace inmor::admin::api
