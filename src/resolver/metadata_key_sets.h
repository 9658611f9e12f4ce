// MetadataKeySets: the `jwks_uri` and `signed_jwks_uri` of a resolved
// subject's metadata, fetched and checked before resolve vouches for them.
#pragma once

#include "common/clock.h"
#include "fetch/http_fetcher.h"
#include "resolver/trust_chain_resolver.h"
#include "storage/federation_store.h"

#include <string>

namespace inmor::resolver {

/// The media types of the two key set representations.
inline constexpr std::string_view kJwkSetMediaType = "application/jwk-set+json";
inline constexpr std::string_view kSignedJwkSetMediaType = "application/jwk-set+jwt";

/// A MetadataChecker for the key set URLs in entity-type metadata.
///
/// For every entity type of the resolved metadata, a `signed_jwks_uri` is
/// fetched and must verify as a jwk-set+jwt signed with one of the
/// subject's Federation Entity Keys, with `iss` the subject. A `jwks_uri`
/// is fetched and must have the shape of a JWK Set (a `keys` array of
/// objects with `kty`). Bodies are cached in the
/// federation store (`inmor:jwks_cache:{sha256hex(uri)}`, one hour) when a
/// store is given, so replicas and later resolutions reuse them; a cached
/// body is checked again on every use. Transient fetch failures are
/// kTemporarilyUnavailable; anything else is kInvalidTrustChain naming the
/// entity type and parameter.
class MetadataKeySets final : public MetadataChecker {
public:
    MetadataKeySets(const fetch::HttpFetcher& fetcher, storage::FederationStore* cache,
                    const Clock& clock)
        : fetcher_(fetcher), cache_(cache), clock_(clock) {}

    Result<void> check(const TrustChain& chain) const override;

private:
    Result<std::string> body_of(const std::string& uri, std::string_view accept) const;

    const fetch::HttpFetcher& fetcher_;
    storage::FederationStore* cache_;
    const Clock& clock_;
};

}  // namespace inmor::resolver
