// The federation server's endpoints: one handle_<endpoint> per file, all
// reading published data through an EndpointContext.
#pragma once

#include "common/config.h"
#include "endpoints/published_data.h"
#include "http/message.h"

#include <boost/json/object.hpp>

#include <memory>
#include <string>

namespace inmor::resolver {
class ResolveService;
}

namespace inmor::endpoints {

/// The JOSE work /trust_mark_status needs, with this anchor's keys.
class TrustMarkSigner {
public:
    virtual ~TrustMarkSigner() = default;
    /// Verifies `jwt` as a trust mark signed with one of our keys (typ
    /// trust-mark+jwt, allowed alg, kid) and returns its claims. Expiry is
    /// not checked here: an expired mark still has a status.
    virtual Result<boost::json::object> verify_trust_mark(std::string_view jwt) const = 0;
    /// Signs `claims` as a trust-mark-status-response+jwt.
    virtual Result<std::string> sign_status_response(const boost::json::object& claims) const = 0;
};

/// Everything a handler reads; owned by the app, replaced whole on reload.
struct EndpointContext {
    const Config* config = nullptr;
    PublishedData* data = nullptr;
    const TrustMarkSigner* signer = nullptr;
    std::string version;
    std::size_t public_key_count = 0;
    /// Signed status responses, by mark digest and status.
    StoreCache* status_responses = nullptr;
    /// The resolve responses; null when resolve is not served.
    resolver::ResolveService* resolve = nullptr;
};

http::Response handle_index(const EndpointContext& context, const http::Request& request);
http::Response handle_entity_configuration(const EndpointContext& context,
                                           const http::Request& request);
http::Response handle_fetch(const EndpointContext& context, const http::Request& request);
http::Response handle_list(const EndpointContext& context, const http::Request& request);
http::Response handle_trust_mark(const EndpointContext& context, const http::Request& request);
http::Response handle_trust_mark_list(const EndpointContext& context,
                                      const http::Request& request);
http::Response handle_trust_mark_status(const EndpointContext& context,
                                        const http::Request& request);
http::Response handle_historical_keys(const EndpointContext& context,
                                      const http::Request& request);
http::Response handle_resolve(const EndpointContext& context, const http::Request& request);
http::Response handle_collection(const EndpointContext& context, const http::Request& request);
http::Response handle_health(const EndpointContext& context, const http::Request& request);
http::Response handle_status(const EndpointContext& context, const http::Request& request);

/// A stored JWT as a response: its content type, and Cache-Control
/// `public, max-age=min(exp - now, cap)` (the cap alone without exp, no-cache
/// once expired).
http::Response jwt_response(const StoredJwt& stored, std::string_view content_type,
                            const EndpointContext& context);

}  // namespace inmor::endpoints
