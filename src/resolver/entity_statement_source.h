// EntityStatementSource: where the resolver gets Entity Configurations and
// Subordinate Statements from. The HTTP source fetches them; a caching
// source can wrap it later without changing the resolver.
#pragma once

#include "common/entity_id.h"
#include "common/error.h"

#include <string>
#include <string_view>

namespace inmor::resolver {

/// Supplies Entity Statements as compact JWTs, unverified. Errors with code
/// kTemporarilyUnavailable are transient (trying again later may succeed);
/// every other code is a permanent failure whose message names the URL and
/// the cause. Implementations must be safe to call from several threads.
class EntityStatementSource {
public:
    virtual ~EntityStatementSource() = default;

    /// The Entity Configuration of `entity_id`, from
    /// `<entity_id>/.well-known/openid-federation`.
    virtual Result<std::string> fetch_entity_configuration(const EntityId& entity_id) const = 0;

    /// The Subordinate Statement about `subject` from the superior's
    /// `federation_fetch_endpoint`.
    virtual Result<std::string> fetch_subordinate_statement(std::string_view fetch_endpoint,
                                                            const EntityId& subject) const = 0;
};

}  // namespace inmor::resolver
