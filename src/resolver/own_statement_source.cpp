// The anchor's own statements, from its store.
#include "resolver/own_statement_source.h"

#include "jose/jws.h"

namespace inmor::resolver {

namespace json = boost::json;

Result<std::string> OwnStatementSource::fetch_entity_configuration(
    const EntityId& entity_id) const {
    if (entity_id != own_id_) {
        return upstream_.fetch_entity_configuration(entity_id);
    }
    auto stored = own_.entity_configuration();
    if (!stored) {
        return stored.error().with_context("entity configuration of " + own_id_.str());
    }
    if (!*stored) {
        return Error::unavailable("entity configuration of " + own_id_.str() +
                                  ": not published yet");
    }
    return std::move(**stored);
}

Result<std::string> OwnStatementSource::fetch_subordinate_statement(
    std::string_view fetch_endpoint, const EntityId& subject) const {
    const auto own_endpoint = own_fetch_endpoint();
    if (!own_endpoint || *own_endpoint != fetch_endpoint) {
        return upstream_.fetch_subordinate_statement(fetch_endpoint, subject);
    }
    auto stored = own_.subordinate_statement(subject.str());
    if (!stored) {
        return stored.error().with_context("subordinate statement by " + own_id_.str() +
                                           " about " + subject.str());
    }
    if (!*stored) {
        return Error(ErrorCode::kInvalidTrustChain,
                     "subordinate statement by " + own_id_.str() + " about " + subject.str() +
                         ": " + subject.str() + " is not a subordinate of " + own_id_.str());
    }
    return std::move(**stored);
}

// The stored configuration is this anchor's own publication, so its payload
// is read without verification just to learn the endpoint's URL.
std::optional<std::string> OwnStatementSource::own_fetch_endpoint() const {
    auto stored = own_.entity_configuration();
    if (!stored || !*stored) {
        return std::nullopt;
    }
    auto decoded = jose::decode_unverified(**stored);
    if (!decoded) {
        return std::nullopt;
    }
    const json::object& payload = decoded->payload();
    const auto* metadata = payload.if_contains("metadata");
    if (!metadata || !metadata->is_object()) return std::nullopt;
    const auto* entity = metadata->as_object().if_contains("federation_entity");
    if (!entity || !entity->is_object()) return std::nullopt;
    const auto* endpoint = entity->as_object().if_contains("federation_fetch_endpoint");
    if (!endpoint || !endpoint->is_string()) return std::nullopt;
    return std::string(endpoint->as_string());
}

}  // namespace inmor::resolver
