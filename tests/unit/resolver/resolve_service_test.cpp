// ResolveService: precomputed, cached, shared and signed-once responses, over
// a federation on a loopback HTTP server, and real Redis for sharing.
#include "resolver/resolve_service.h"

#include "federation/trust_mark_digest.h"
#include "fetch/http_fetcher.h"
#include "jose/jws.h"
#include "resolver/http_entity_statement_source.h"
#include "test_federation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <thread>

namespace inmor::resolver {
namespace {

namespace json = boost::json;
namespace fedtest = inmor::federation::testing;
using testing::FederationServer;
using testing::TestFederation;

fetch::FetchConfig loopback_fetch_config() {
    fetch::FetchConfig config;
    config.allow_http = true;
    config.retries = 0;
    config.total_timeout = std::chrono::seconds(5);
    return config;
}

class ResolveServiceTest : public ::testing::Test {
protected:
    // ta <- int <- leaf; `int` is known in advance, `leaf` is not.
    void SetUp() override {
        federation_.add("ta");
        federation_.add("int");
        federation_.add("leaf");
        federation_.publish_configuration("ta", {});
        federation_.publish_configuration("int", {"ta"});
        federation_.publish_configuration(
            "leaf", {"int"},
            {{"metadata", json::object{{"openid_relying_party",
                                        json::object{{"client_name", "Leaf"}}},
                                       {"federation_entity",
                                        json::object{{"organization_name", "Leaf"}}}}}});
        federation_.publish_subordinate("ta", "int");
        federation_.publish_subordinate("int", "leaf");
        known_ids_ = {id("int").str()};
        resolver_ = std::make_unique<TrustChainResolver>(
            source_, TrustAnchorKeys{{id("ta"), federation_.entity("ta").jwks}}, clock_,
            resolver_options());
    }

    const EntityId& id(const std::string& name) const { return federation_.entity(name).id; }

    ResolverOptions resolver_options() const {
        ResolverOptions options;
        options.allow_http = true;
        return options;
    }

    std::unique_ptr<ResolveService> make_service(bool live_discovery,
                                                 storage::KeyValueStore* shared = nullptr,
                                                 const std::string& lock_owner = "",
                                                 std::chrono::seconds lock_ttl =
                                                     std::chrono::seconds(30)) {
        ResolveServiceOptions options(id("ta"));
        options.live_discovery = live_discovery;
        options.lock_owner = lock_owner;
        options.lock_ttl = lock_ttl;
        KnownEntities known;
        known.contains = [this](std::string_view entity_id) -> Result<bool> {
            std::lock_guard lock(known_mutex_);
            return known_ids_.contains(std::string(entity_id));
        };
        known.all = [this]() -> Result<std::vector<std::string>> {
            std::lock_guard lock(known_mutex_);
            return std::vector<std::string>(known_ids_.begin(), known_ids_.end());
        };
        return std::make_unique<ResolveService>(*resolver_, federation_.entity("ta").key,
                                                std::move(known), shared, clock_, options);
    }

    Result<std::shared_ptr<const SignedAnswer>> answer(ResolveService& service,
                                                       const std::string& subject,
                                                       std::vector<std::string> types = {}) {
        return service.answer(id(subject), {id("ta")}, std::move(types));
    }

    int fetches_of(const std::string& name) const {
        return server_.hits(federation_.configuration_route(name));
    }

    FederationServer server_;
    TestFederation federation_{server_};
    FixedClock clock_{fedtest::kNow};
    fetch::HttpFetcher fetcher_{loopback_fetch_config()};
    HttpEntityStatementSource source_{fetcher_};
    std::unique_ptr<TrustChainResolver> resolver_;
    std::mutex known_mutex_;
    std::set<std::string> known_ids_;
};

TEST_F(ResolveServiceTest, UnknownSubjectWithoutLiveDiscovery) {
    auto service = make_service(false);
    auto result = answer(*service, "leaf");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidSubject);
    EXPECT_EQ(server_.targets().size(), 0u);
}

TEST_F(ResolveServiceTest, UnknownTrustAnchor) {
    auto service = make_service(true);
    auto result = service->answer(id("leaf"), {fedtest::entity_id("https://other.test")}, {});
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidTrustAnchor);
    EXPECT_EQ(server_.targets().size(), 0u);
}

TEST_F(ResolveServiceTest, PrecomputesKnownEntities) {
    auto service = make_service(false);
    EXPECT_EQ(service->refresh_due(), 2u);  // `int` and the anchor itself
    const int fetched = fetches_of("int");
    EXPECT_EQ(fetched, 1);

    auto first = answer(*service, "int");
    ASSERT_TRUE(first.has_value()) << first.error().message();
    auto second = answer(*service, "int");
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(fetches_of("int"), fetched);
    EXPECT_EQ((*first)->jwt, (*second)->jwt);
    EXPECT_EQ(service->stats().computations, 2u);
    EXPECT_EQ(service->stats().signatures, 1u);

    // Nothing is due until the refresh time.
    EXPECT_EQ(service->refresh_due(), 0u);
}

TEST_F(ResolveServiceTest, RefreshesBeforeExpiry) {
    auto service = make_service(false);
    service->refresh_due();
    const auto record = service->chain_record(id("int"), id("ta"), true);
    ASSERT_TRUE(record->ok());
    // Statements expire at kNow + 3600, inside the default one-hour margin,
    // so the refresh falls at half the remaining life.
    EXPECT_EQ(record->refresh_at, fedtest::kNow + 1800);

    clock_.set(record->refresh_at);
    EXPECT_EQ(service->refresh_due(), 2u);
    EXPECT_EQ(fetches_of("int"), 2);
}

TEST_F(ResolveServiceTest, SignsOncePerEntityTypeSet) {
    auto service = make_service(true);
    ASSERT_TRUE(answer(*service, "leaf").has_value());
    ASSERT_TRUE(answer(*service, "leaf").has_value());
    auto limited = answer(*service, "leaf", {"openid_relying_party"});
    ASSERT_TRUE(limited.has_value());
    auto reordered = answer(*service, "leaf", {"openid_relying_party", "openid_relying_party"});
    ASSERT_TRUE(reordered.has_value());
    EXPECT_EQ(service->stats().computations, 1u);
    EXPECT_EQ(service->stats().signatures, 2u);

    auto claims = jose::decode_unverified((*limited)->jwt).value().payload();
    EXPECT_EQ(claims.at("metadata").as_object().size(), 1u);
    EXPECT_EQ(claims.at("exp").as_int64(), fedtest::kNow + 3600);
}

TEST_F(ResolveServiceTest, ConcurrentRequestsShareOneComputation) {
    auto service = make_service(true);
    federation_.publish_configuration("leaf", {"int"});
    std::vector<std::thread> threads;
    std::atomic<int> succeeded{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            if (answer(*service, "leaf").has_value()) ++succeeded;
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(succeeded.load(), 8);
    EXPECT_EQ(service->stats().computations, 1u);
    EXPECT_EQ(fetches_of("leaf"), 1);
}

TEST_F(ResolveServiceTest, RelevantChangeOutdatesAnswers) {
    auto service = make_service(true);
    ASSERT_TRUE(answer(*service, "leaf").has_value());
    service->note_change("inmor:collection:staging:entities");
    ASSERT_TRUE(answer(*service, "leaf").has_value());
    EXPECT_EQ(service->stats().computations, 1u);

    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    service->note_change("inmor:subordinates");
    ASSERT_TRUE(answer(*service, "leaf").has_value());
    EXPECT_EQ(service->stats().computations, 2u);
}

TEST_F(ResolveServiceTest, FailureIsKeptUntilRetry) {
    auto service = make_service(true);
    federation_.publish_subordinate_jwt("int", "leaf", "not.a.jwt");
    auto failed = answer(*service, "leaf");
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().code(), ErrorCode::kInvalidTrustChain);
    EXPECT_FALSE(answer(*service, "leaf").has_value());
    EXPECT_EQ(service->stats().computations, 1u);

    federation_.publish_subordinate("int", "leaf");
    clock_.advance(service->options().failure_retry);
    EXPECT_TRUE(answer(*service, "leaf").has_value());
}

TEST_F(ResolveServiceTest, ForgetsEntitiesNoLongerKnown) {
    auto service = make_service(false);
    service->refresh_due();
    ASSERT_TRUE(answer(*service, "int").has_value());
    {
        std::lock_guard lock(known_mutex_);
        known_ids_.clear();
    }
    service->refresh_due();
    auto result = answer(*service, "int");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidSubject);
}

TEST_F(ResolveServiceTest, QueryCacheFollowsGeneration) {
    auto service = make_service(true);
    const std::string query = "sub=leaf&trust_anchor=ta";
    EXPECT_EQ(service->cached_for_query(query), nullptr);

    const std::uint64_t before = service->generation();
    auto first = answer(*service, "leaf");
    ASSERT_TRUE(first.has_value());
    // The computation itself changed the generation, so this is not kept.
    service->remember_query(query, *first, before);
    EXPECT_EQ(service->cached_for_query(query), nullptr);

    const std::uint64_t current = service->generation();
    auto second = answer(*service, "leaf");
    ASSERT_TRUE(second.has_value());
    service->remember_query(query, *second, current);
    EXPECT_EQ(service->cached_for_query(query), *second);

    service->note_change("inmor:entity_id");
    EXPECT_EQ(service->cached_for_query(query), nullptr);

    service->remember_query(query, *second, service->generation());
    clock_.set((*second)->expires_at);
    EXPECT_EQ(service->cached_for_query(query), nullptr);
}

TEST(ChainRecordJson, RoundTripsAnswerAndFailure) {
    ChainRecord record;
    record.subject = "https://leaf.test";
    record.trust_anchor = "https://ta.test";
    record.statements = {"a.b.c", "d.e.f"};
    record.metadata = json::object{{"openid_relying_party", json::object{{"client_name", "L"}}}};
    record.trust_marks = {{"https://tm.test/a", "g.h.i", 1900}, {"https://tm.test/b", "j.k.l", {}}};
    record.expires_at = 1900;
    record.computed_at_ms = 1'800'000'000'123;
    record.refresh_at = 1850;
    auto read = chain_record_from_json(chain_record_to_json(record));
    ASSERT_TRUE(read.has_value()) << read.error().message();
    EXPECT_TRUE(read->ok());
    EXPECT_EQ(read->statements, record.statements);
    EXPECT_EQ(read->metadata, record.metadata);
    ASSERT_EQ(read->trust_marks.size(), 2u);
    EXPECT_EQ(read->trust_marks[0].expires_at, std::optional<UnixSeconds>(1900));
    EXPECT_FALSE(read->trust_marks[1].expires_at.has_value());
    EXPECT_EQ(read->computed_at_ms, record.computed_at_ms);
    EXPECT_EQ(read->refresh_at, 1850);

    record.error = Error(ErrorCode::kInvalidTrustChain, "broken");
    read = chain_record_from_json(chain_record_to_json(record));
    ASSERT_TRUE(read.has_value());
    ASSERT_FALSE(read->ok());
    EXPECT_EQ(read->error->code(), ErrorCode::kInvalidTrustChain);
    EXPECT_EQ(read->error->message(), "broken");

    EXPECT_FALSE(chain_record_from_json("{\"subject\": 1}").has_value());
}

// The test Redis without its database number; empty when none is configured.
std::string test_redis_base() {
    const char* url = std::getenv("INMOR_TEST_REDIS_URL");
    if (!url || !*url) return "";
    std::string base(url);
    if (const auto slash = base.find('/', base.find("//") + 2); slash != std::string::npos) {
        base.resize(slash);
    }
    return base;
}

TEST_F(ResolveServiceTest, ReplicasShareAnswersThroughRedis) {
    const std::string base = test_redis_base();
    if (base.empty()) GTEST_SKIP() << "INMOR_TEST_REDIS_URL is not set; Redis sharing skipped";
    // Database 10 is this test's alone among the suites that share the test Redis.
    auto first_store = storage::open_key_value_store(base + "/10", "").value();
    auto second_store = storage::open_key_value_store(base + "/10", "").value();

    // A run that reused these ports within the record's lifetime left one behind.
    const std::string suffix = federation::trust_mark_digest(id("ta").str() + "\n" +
                                                             id("leaf").str());
    storage::WriteBatch cleanup;
    cleanup.announce = false;
    cleanup.erase(std::string(kResolveChainKeyPrefix) + suffix);
    cleanup.erase(std::string(kResolveLockKeyPrefix) + suffix);
    ASSERT_TRUE(first_store->apply(cleanup).has_value());

    auto first = make_service(true, first_store.get());
    auto second = make_service(true, second_store.get());
    auto computed = answer(*first, "leaf");
    ASSERT_TRUE(computed.has_value()) << computed.error().message();
    auto adopted = answer(*second, "leaf");
    ASSERT_TRUE(adopted.has_value()) << adopted.error().message();
    EXPECT_EQ(first->stats().computations, 1u);
    EXPECT_EQ(second->stats().computations, 0u);
    EXPECT_EQ(second->stats().shared_adoptions, 1u);
    EXPECT_EQ(fetches_of("leaf"), 1);
}

// A lock left behind by this process (its release failed while Redis was
// down) is taken over at once; another owner's lock is waited for.
TEST_F(ResolveServiceTest, OwnOrphanedLockIsTakenOver) {
    const std::string base = test_redis_base();
    if (base.empty()) GTEST_SKIP() << "INMOR_TEST_REDIS_URL is not set; Redis locks skipped";
    auto store = storage::open_key_value_store(base + "/10", "").value();
    const std::string suffix = federation::trust_mark_digest(id("ta").str() + "\n" +
                                                             id("leaf").str());
    const std::string record_key = std::string(kResolveChainKeyPrefix) + suffix;
    const std::string lock_key = std::string(kResolveLockKeyPrefix) + suffix;
    auto leave_lock = [&](const std::string& owner) {
        storage::WriteBatch batch;
        batch.announce = false;
        batch.erase(record_key);
        batch.set(lock_key, owner, std::chrono::seconds(30));
        ASSERT_TRUE(store->apply(batch).has_value());
    };

    leave_lock("owner-a");
    auto own = make_service(true, store.get(), "owner-a", std::chrono::seconds(30));
    auto started = std::chrono::steady_clock::now();
    auto taken = answer(*own, "leaf");
    const auto own_wait = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(taken.has_value()) << taken.error().message();
    EXPECT_LT(own_wait, std::chrono::seconds(5));
    EXPECT_EQ(own->stats().locks_taken_over, 1u);
    EXPECT_EQ(own->stats().computations, 1u);
    EXPECT_FALSE(store->get(lock_key).value().has_value());

    // Another owner's lock still makes a replica wait, here up to its 2 s lock_ttl.
    leave_lock("owner-a");
    auto other = make_service(true, store.get(), "owner-b", std::chrono::seconds(2));
    started = std::chrono::steady_clock::now();
    auto waited = answer(*other, "leaf");
    const auto other_wait = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(waited.has_value()) << waited.error().message();
    EXPECT_GE(other_wait, std::chrono::milliseconds(1500));
    EXPECT_EQ(other->stats().locks_taken_over, 0u);
    EXPECT_EQ(other->stats().computations, 1u);
}

TEST(ProcessLockOwner, IsRandomAndStable) {
    EXPECT_EQ(process_lock_owner().size(), 32u);
    EXPECT_EQ(&process_lock_owner(), &process_lock_owner());
}

}  // namespace
}  // namespace inmor::resolver
