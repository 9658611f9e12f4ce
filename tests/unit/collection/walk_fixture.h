// The fixture of the walk tests: a loopback federation, a fixed clock and a
// fetcher that allows http, plus readers of a walk's snapshot.
#pragma once

#include "collection/collection_walk.h"
#include "common/clock.h"
#include "fetch/http_fetcher.h"
#include "test_federation.h"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace inmor::collection::testing {

/// The fixed "now" of the walk tests.
inline constexpr UnixSeconds kNow = 1'800'000'000;

/// A fetcher for loopback walks: http allowed, no retries, short timeouts.
fetch::FetchConfig loopback_fetch_config();

class WalkTest : public ::testing::Test {
protected:
    WalkTest();

    Result<WalkResult> walk(WalkOptions options = {});

    /// Anchor "ta" -> intermediate "ia" -> leaves "op" and "rp"; "ta" -> "leaf".
    void build_tree();

    LoopbackServer server_;
    TestFederation federation_{server_, kNow};
    FixedClock clock_{kNow};
    fetch::HttpFetcher fetcher_{loopback_fetch_config()};
};

/// The snapshot's entity ids, in order.
std::vector<std::string> entity_ids(const WalkResult& result);
/// The Entity Info JSON of `entity_id`; fails the test when absent.
boost::json::object entity_info(const WalkResult& result, const std::string& entity_id);
/// The superiors recorded for `entity_id`, empty when none.
std::vector<std::string> superiors_of(const WalkResult& result, const std::string& entity_id);
/// The ids indexed under an entity type, or a trust mark type.
std::vector<std::string> ids_of_type(const WalkResult& result, const std::string& type);
std::vector<std::string> ids_with_trust_mark(const WalkResult& result, const std::string& type);

}  // namespace inmor::collection::testing
