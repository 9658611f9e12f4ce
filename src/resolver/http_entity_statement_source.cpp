// Fetching Entity Statements through the guarded HTTP client.
#include "resolver/http_entity_statement_source.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace inmor::resolver {

namespace {

// The media type without parameters, lowercased.
std::string bare_media_type(std::string_view content_type) {
    const std::size_t semicolon = content_type.find(';');
    std::string_view type = content_type.substr(0, semicolon);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
        type.remove_suffix(1);
    }
    std::string lowered(type);
    for (char& c : lowered) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lowered;
}

// NOTE: the upstream Retry-After (failure.retry_after) is dropped, because
// Error has no field for it. A resolve endpoint picks its own Retry-After.
Error translate(const fetch::FetchError& failure) {
    const std::string kind(fetch::fetch_error_kind_name(failure.kind));
    std::string message = "fetch of " + failure.url + " failed (" + kind + "): " +
                          failure.message;
    if (failure.transient()) {
        return Error::unavailable(std::move(message));
    }
    return Error(ErrorCode::kInvalidTrustChain, std::move(message));
}

}  // namespace

std::string subordinate_statement_url(std::string_view fetch_endpoint, const EntityId& subject) {
    std::string url(fetch_endpoint);
    url += fetch_endpoint.find('?') == std::string_view::npos ? '?' : '&';
    url += "sub=";
    url += boost::urls::encode(subject.str(), boost::urls::unreserved_chars);
    return url;
}

Result<std::string> HttpEntityStatementSource::fetch_entity_configuration(
    const EntityId& entity_id) const {
    return fetch_statement(entity_id.configuration_url());
}

Result<std::string> HttpEntityStatementSource::fetch_subordinate_statement(
    std::string_view fetch_endpoint, const EntityId& subject) const {
    return fetch_statement(subordinate_statement_url(fetch_endpoint, subject));
}

Result<std::string> HttpEntityStatementSource::fetch_statement(std::string url) const {
    auto response = fetcher_.get(url, std::string(kEntityStatementMediaType), true);
    if (!response) {
        return translate(response.error());
    }

    const std::string media_type = bare_media_type(response->content_type);
    if (media_type != kEntityStatementMediaType) {
        return Error(ErrorCode::kInvalidTrustChain,
                     "fetch of " + url + " returned Content-Type \"" + response->content_type +
                         "\", expected " + std::string(kEntityStatementMediaType));
    }

    // A compact JWS has no surrounding whitespace, but a trailing newline is common.
    std::string body = std::move(response->body);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) {
        body.pop_back();
    }
    return body;
}

}  // namespace inmor::resolver
