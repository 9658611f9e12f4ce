// The fetcher settings of a loaded configuration file, shared by every binary
// that fetches (inmor's resolver, inmor-admin, inmor-collection).
#pragma once

#include "common/config.h"
#include "fetch/fetch_config.h"

namespace inmor::fetch {

/// Builds the guarded fetcher's settings from `[fetch]` and `allow_http`.
FetchConfig fetch_config_from(const Config& config);

}  // namespace inmor::fetch
