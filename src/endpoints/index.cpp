// GET /: a small HTML page naming the anchor and linking its endpoints.
#include "endpoints/endpoints.h"

#include "http/error_response.h"

namespace inmor::endpoints {
namespace {

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace

http::Response handle_index(const EndpointContext& context, const http::Request&) {
    const Config& config = *context.config;
    const std::string name = config.federation.organization_name.empty()
                                 ? config.domain
                                 : config.federation.organization_name;
    // Counts are informative here: a store failure shows as "unknown".
    auto subordinates = context.data->subordinate_ids();
    const std::string subordinate_count =
        subordinates ? std::to_string((*subordinates)->size()) : "unknown";

    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    html += "<title>" + escape_html(name) + "</title></head><body>\n";
    html += "<h1>" + escape_html(name) + "</h1>\n";
    html += "<p>Trust anchor <code>" + escape_html(config.domain) + "</code></p>\n<ul>\n";
    for (const char* path : {"/.well-known/openid-federation", "/list", "/historical_keys",
                             "/collection", "/status", "/health"}) {
        html += "<li><a href=\"" + std::string(path) + "\">" + path + "</a></li>\n";
    }
    html += "</ul>\n<p>Subordinates: " + subordinate_count +
            ". Public keys: " + std::to_string(context.public_key_count) + ".</p>\n";
    html += "<p>inmor " + escape_html(context.version) + "</p>\n</body></html>\n";

    http::Response response;
    response.content_type = http::content_type::kHtml;
    response.body = std::move(html);
    return response;
}

}  // namespace inmor::endpoints
