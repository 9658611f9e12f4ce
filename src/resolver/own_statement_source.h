// OwnStatementSource: the anchor's own Entity Configuration and the
// Subordinate Statements it issued, read from its federation store instead
// of over HTTP; everything else from another source.
#pragma once

#include "common/entity_id.h"
#include "common/error.h"
#include "resolver/entity_statement_source.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace inmor::resolver {

/// Reads of the anchor's published statements. Absent values are empty.
struct OwnStatements {
    /// The anchor's entity configuration JWT (`inmor:entity_id`).
    std::function<Result<std::optional<std::string>>()> entity_configuration;
    /// The subordinate statement about an entity (`inmor:subordinates`).
    std::function<Result<std::optional<std::string>>(std::string_view entity_id)>
        subordinate_statement;
};

/// Serves the configuration of `own_id` and the statements its fetch
/// endpoint would serve from `own`, so resolving the anchor's own
/// subordinates never sends a request to itself. The resolver verifies these
/// statements like fetched ones. The fetch endpoint is recognised by the
/// `federation_fetch_endpoint` of the stored configuration. Requests for
/// other entities, and for the anchor while nothing is stored, go to
/// `upstream`. Thread-safe when `own` and `upstream` are.
///
/// A subordinate's own Entity Configuration is still fetched from the
/// subordinate: the copy in `inmor:subordinates:jwt` is only what the admin
/// fetched last, and may be outdated or expired.
class OwnStatementSource final : public EntityStatementSource {
public:
    OwnStatementSource(EntityId own_id, OwnStatements own, const EntityStatementSource& upstream)
        : own_id_(std::move(own_id)), own_(std::move(own)), upstream_(upstream) {}

    Result<std::string> fetch_entity_configuration(const EntityId& entity_id) const override;

    Result<std::string> fetch_subordinate_statement(std::string_view fetch_endpoint,
                                                    const EntityId& subject) const override;

private:
    /// The fetch endpoint named in the stored configuration, if any.
    std::optional<std::string> own_fetch_endpoint() const;

    EntityId own_id_;
    OwnStatements own_;
    const EntityStatementSource& upstream_;
};

}  // namespace inmor::resolver
