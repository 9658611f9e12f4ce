// HttpEntityStatementSource: Entity Statements fetched over the guarded
// outbound HTTP client.
#pragma once

#include "fetch/http_fetcher.h"
#include "resolver/entity_statement_source.h"

#include <string>
#include <string_view>

namespace inmor::resolver {

/// The media type of Entity Configurations and Subordinate Statements.
inline constexpr std::string_view kEntityStatementMediaType = "application/entity-statement+jwt";

/// Fetches statements with a fetch::HttpFetcher, which it does not own.
/// Transient fetch failures (5xx, 429, timeouts, failed connections) become
/// kTemporarilyUnavailable. Guard refusals, other HTTP statuses, a wrong
/// Content-Type and oversized bodies become kInvalidTrustChain, and the
/// message keeps the fetcher's reason.
class HttpEntityStatementSource final : public EntityStatementSource {
public:
    explicit HttpEntityStatementSource(const fetch::HttpFetcher& fetcher) : fetcher_(fetcher) {}

    Result<std::string> fetch_entity_configuration(const EntityId& entity_id) const override;

    Result<std::string> fetch_subordinate_statement(std::string_view fetch_endpoint,
                                                    const EntityId& subject) const override;

private:
    Result<std::string> fetch_statement(std::string url) const;

    const fetch::HttpFetcher& fetcher_;
};

/// The fetch request URL for `subject`: `fetch_endpoint` with the query
/// parameter `sub` added, its value percent-encoded (every character outside
/// the RFC 3986 unreserved set).
std::string subordinate_statement_url(std::string_view fetch_endpoint, const EntityId& subject);

}  // namespace inmor::resolver
