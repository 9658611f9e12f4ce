// Fetching a subordinate's entity configuration through the guarded fetcher
// and checking it before the anchor signs a statement about it: the
// signature with the registered keys, this anchor in `authority_hints`, and
// the metadata policy.
#pragma once

#include "admin/admin_action.h"
#include "admin/subordinate_repository.h"
#include "federation/entity_statement.h"
#include "fetch/fetch_error.h"
#include "jose/jwk.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace inmor::admin {

/// A checked entity configuration and the subordinate statement built from it.
struct CheckedEntity {
    std::string entity_configuration;  ///< the JWT as fetched
    boost::json::object claims;        ///< the subordinate statement to sign
    UnixSeconds expires_at = 0;
};

/// Maps a fetch failure to the status that fits it, naming the entity: 400
/// for an invalid URL of the entity itself, 422 for an address the guard
/// rejects or an invalid redirect target, 502 otherwise.
ActionError fetch_failed(const std::string& entityid, const fetch::FetchError& error);

/// Fetches `{entityid}/.well-known/openid-federation` (a trailing slash of
/// the identifier dropped first) through the guarded fetcher.
ActionResult<std::string> fetch_entity_configuration(const AdminServices& services,
                                                     const std::string& entityid);

/// Decodes `jwt` and checks that it is the entity configuration of
/// `entityid`; 422 otherwise. Nothing in it is trusted yet.
ActionResult<federation::UnverifiedEntityStatement> decode_entity_configuration(
    const AdminServices& services, const std::string& entityid, const std::string& jwt);

/// Verifies `jwt` with `keys`, the keys the operator registered; 422 naming
/// `jwks` when the signature does not verify.
ActionResult<void> verify_with_keys(const AdminServices& services, const std::string& entityid,
                                    const std::string& jwt, const jose::JwkSet& keys);

/// Parses a registered JWK Set; 400 naming `jwks`.
ActionResult<jose::JwkSet> registered_keys(const boost::json::object& jwks);

/// Fetches the configuration (unless `fetched_jwt` is given), verifies it
/// with `keys`, requires this anchor in its `authority_hints`, and checks
/// that the anchor's policy merged with the subordinate's own
/// (`additional_claims.metadata_policy`) applies to its metadata after the
/// forced metadata. Then it builds the statement: additional claims, `iss`,
/// `sub`, `iat`, `exp` (valid_for hours, at most the configured lifetime),
/// `jwks` (the keys of `input.jwks`), `metadata` (the forced metadata, when
/// any), `metadata_policy` (when not empty) and `source_endpoint`.
ActionResult<CheckedEntity> check_entity(const AdminServices& services,
                                         const SubordinateInput& input,
                                         const jose::JwkSet& keys,
                                         const std::optional<std::string>& fetched_jwt = {});

/// Fetches the entity configuration of `entityid` without verifying it, for
/// the operator to look at before adding the entity: `{entity_configuration:
/// {jwt, payload}, metadata, jwks, authority_hints, trust_marks}`. Each entity
/// type's `jwks_uri` is fetched too and its keys added to that type's
/// metadata as `jwks` (when it has none). 400 for an invalid entity
/// identifier, 422 for a rejected address, an invalid `jwks_uri` or an
/// unreadable statement, 502 when the entity cannot be fetched.
ActionResult<boost::json::object> preview_entity_configuration(const AdminServices& services,
                                                               const std::string& entityid);

}  // namespace inmor::admin
