// Entity Identifier validation.
#include "common/entity_id.h"

#include <boost/url/parse.hpp>

namespace inmor {

bool is_unsafe_key_part(std::string_view text) {
    if (text.empty() || text.size() > kMaxEntityIdBytes) {
        return true;
    }
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return true;
        }
    }
    return false;
}

Result<EntityId> EntityId::parse(std::string_view text, bool allow_http) {
    if (is_unsafe_key_part(text)) {
        return Error::invalid_request(
            "entity identifier must be 1 to 2048 bytes without control characters");
    }

    auto url = boost::urls::parse_absolute_uri(text);
    if (!url) {
        return Error::invalid_request("entity identifier is not an absolute URL");
    }

    const auto scheme = url->scheme_id();
    const bool http_allowed = allow_http && scheme == boost::urls::scheme::http;
    if (scheme != boost::urls::scheme::https && !http_allowed) {
        return Error::invalid_request("entity identifier must use https");
    }
    if (url->encoded_host().empty()) {
        return Error::invalid_request("entity identifier must have a host");
    }
    if (url->has_userinfo()) {
        return Error::invalid_request("entity identifier must not contain user info");
    }
    if (url->has_query() || url->has_fragment()) {
        return Error::invalid_request("entity identifier must not contain a query or fragment");
    }
    return EntityId(std::string(text));
}

std::string EntityId::configuration_url() const {
    std::string url = value_;
    if (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url + "/.well-known/openid-federation";
}

}  // namespace inmor
