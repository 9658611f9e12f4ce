// TrustMarkStatusClient: checks whether a verified Trust Mark is still active,
// from this anchor's own state for marks it issued, otherwise from the
// issuer's status endpoint through the guarded fetcher.
#pragma once

#include "common/clock.h"
#include "common/entity_id.h"
#include "federation/entity_statement.h"
#include "fetch/http_fetcher.h"
#include "resolver/entity_statement_source.h"
#include "resolver/trust_chain_resolver.h"

#include <functional>
#include <string_view>

namespace inmor::resolver {

/// The `typ` of a Trust Mark status response.
inline constexpr std::string_view kTrustMarkStatusJwtType = "trust-mark-status-response+jwt";

/// Whether a mark this anchor issued is still the active one (stored, not
/// revoked, not replaced).
using LocalTrustMarkState = std::function<Result<bool>(const federation::TrustMark& mark)>;

/// A TrustMarkStatusChecker for resolve.
///
/// Marks whose `iss` is `local_issuer` are checked with `local_state`, with
/// no request. For any other issuer its Entity Configuration comes from
/// `source` (the resolver's, so usually cached) and is verified as
/// self-signed. Then the mark is POSTed to the
/// `federation_trust_mark_status_endpoint` of its federation_entity
/// metadata, and the answer must be a trust-mark-status-response+jwt signed
/// with the issuer's keys, naming the same mark, with status `active`. An
/// issuer that publishes no status endpoint keeps its marks, checked by
/// signature, time and delegation only (spec section "Validating a Trust
/// Mark" lets the status endpoint be optional).
class TrustMarkStatusClient final : public TrustMarkStatusChecker {
public:
    TrustMarkStatusClient(const fetch::HttpFetcher& fetcher, const EntityStatementSource& source,
                          const Clock& clock, federation::StatementOptions options,
                          EntityId local_issuer, LocalTrustMarkState local_state)
        : fetcher_(fetcher),
          source_(source),
          clock_(clock),
          options_(options),
          local_issuer_(std::move(local_issuer)),
          local_state_(std::move(local_state)) {}

    Result<void> check_status(const federation::TrustMark& mark) const override;

private:
    Result<void> check_local(const federation::TrustMark& mark) const;
    Result<void> check_remote(const federation::TrustMark& mark) const;

    const fetch::HttpFetcher& fetcher_;
    const EntityStatementSource& source_;
    const Clock& clock_;
    federation::StatementOptions options_;
    EntityId local_issuer_;
    LocalTrustMarkState local_state_;
};

}  // namespace inmor::resolver
