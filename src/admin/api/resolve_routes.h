// The admin's resolve inspector: POST /api/v1/resolve resolves an entity the
// way the federation server does and shows every step, or why it failed.
#pragma once

#include "admin/api/api_route.h"

#include <vector>

namespace inmor::admin::api {

/// `POST /resolve` with `{sub, trust_anchor?, entity_type?: []}`.
/// `trust_anchor` defaults to this instance's `domain`; it may also name an
/// anchor under `resolve.trust_anchors`. The response is the web UI's
/// ResolveResult: `{ok, chain: [{jwt, header, payload}], merged_policy,
/// metadata, exp, trust_marks, error?}`. A chain that does not validate is
/// still a 200 with `ok: false` and the precise reason in `error`; a body
/// that is not a valid request is a 400 or 422 naming the field.
///
/// The inspector resolves any entity, known in advance or not (the admin is
/// authenticated), always freshly: nothing is cached between calls. The
/// anchor's own statements come from the federation store, everything else
/// through the admin's guarded fetcher.
std::vector<ApiRoute> resolve_routes(const AdminServices& services);

}  // namespace inmor::admin::api
