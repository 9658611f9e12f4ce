// Start-up healing, the scheduler's jobs and locks, the metrics text and the
// signing management commands.
#include "admin/admin_metrics.h"
#include "admin/healing.h"
#include "admin/management_commands.h"
#include "admin/scheduler.h"
#include "admin/scheduler_lock.h"
#include "admin/subordinate_service.h"
#include "admin/trust_mark_service.h"
#include "http/metrics.h"
#include "signing_test_fixture.h"

#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace inmor::admin::testing {
namespace {

namespace json = boost::json;

constexpr const char* kType = "https://ta.test/trustmarks/member";

class HealingSchedulerTest : public SigningTest {
protected:
    void SetUp() override {
        SigningTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        active_.emplace(make_entity("active"));
        retired_.emplace(make_entity("retired"));
        serve_configuration(*active_);
        serve_configuration(*retired_);

        // One active and one deactivated subordinate, one live and one revoked mark.
        ActionResult<Subordinate> active = add_subordinate(services(), input(*active_), actor_);
        ASSERT_TRUE(active.has_value()) << active.error().message;
        active_id_ = active->id;
        ActionResult<Subordinate> retired =
            add_subordinate(services(), input(*retired_), actor_);
        ASSERT_TRUE(retired.has_value()) << retired.error().message;
        SubordinateInput off = input(*retired_);
        off.active = false;
        ASSERT_TRUE(change_subordinate(services(), retired->id, off, actor_).has_value());

        ActionResult<TrustMarkType> type =
            add_trust_mark_type(services(), TrustMarkTypeInput{kType, {}, {}, {}, {}}, actor_);
        ASSERT_TRUE(type.has_value()) << type.error().message;
        type_id_ = type->id;
        ActionResult<TrustMark> live = issue_trust_mark(
            services(), TrustMarkInput{type_id_, "https://live.test", {}, {}, {}, {}, {}},
            actor_);
        ASSERT_TRUE(live.has_value()) << live.error().message;
        live_mark_ = *live;
        ActionResult<TrustMark> gone = issue_trust_mark(
            services(), TrustMarkInput{type_id_, "https://gone.test", {}, {}, {}, {}, {}},
            actor_);
        ASSERT_TRUE(gone.has_value()) << gone.error().message;
        revoked_mark_ = *gone;
        ASSERT_TRUE(change_trust_mark(services(), gone->id, TrustMarkUpdate{{}, false, {}},
                                      actor_)
                        .has_value());
    }

    SubordinateInput input(const TestEntity& entity) {
        SubordinateInput request;
        request.entityid = entity.entity_id;
        request.metadata = entity.metadata;
        request.jwks = entity.jwks();
        request.valid_for = 100;
        return request;
    }

    std::optional<TestEntity> active_;
    std::optional<TestEntity> retired_;
    std::int64_t active_id_ = 0;
    std::int64_t type_id_ = 0;
    TrustMark live_mark_;
    TrustMark revoked_mark_;
};

TEST_P(HealingSchedulerTest, HealingRestoresAFlushedStoreAndKeepsUnknownEntries) {
    flush_store();
    // Data the durable store has no record of, and a stale copy of a
    // subordinate it records as deactivated.
    ASSERT_TRUE(store().publish_subordinate("https://carried-over.test", "statement-jwt",
                                            "configuration-jwt",
                                            storage::EntityKind::kAuthority)
                    .has_value());
    ASSERT_TRUE(store().publish_trust_mark("https://carried-over.test", kType, "mark-jwt")
                    .has_value());
    ASSERT_TRUE(store().publish_subordinate(retired_->entity_id, "stale", "stale",
                                            storage::EntityKind::kRelyingParty)
                    .has_value());

    Result<HealingReport> report = heal_federation_store(services());

    ASSERT_TRUE(report.has_value()) << report.error().message();
    EXPECT_TRUE(report->failures.empty());
    EXPECT_TRUE(report->entity_configuration_published);
    EXPECT_TRUE(report->historical_keys_published);
    EXPECT_EQ(report->subordinates_published, 1u);
    EXPECT_EQ(report->subordinates_removed, 1u);
    EXPECT_EQ(report->trust_marks_published, 1u);
    EXPECT_EQ(report->trust_marks_revoked, 1u);
    EXPECT_EQ(report->trust_mark_digests_restored, 2u);

    // The durable data is published again.
    EXPECT_TRUE(store().entity_configuration().value().has_value());
    EXPECT_TRUE(store().historical_keys().value().has_value());
    Result<std::optional<Subordinate>> row = find_subordinate(database(), active_id_);
    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ(store().subordinate_statement(active_->entity_id).value(), (*row)->statement);
    EXPECT_TRUE(key_values_->set_contains("inmor:rp", active_->entity_id).value());
    EXPECT_EQ(store().trust_mark("https://live.test", kType).value(), live_mark_.mark);
    EXPECT_EQ(store().trust_mark("https://gone.test", kType).value(), std::string("revoked"));
    // A revoked mark's JWT is gone from the durable data, its digest is not.
    ASSERT_TRUE(revoked_mark_.mark.has_value());
    EXPECT_TRUE(store().trust_mark_ever_issued(*revoked_mark_.mark).value());
    EXPECT_TRUE(store().trust_mark_ever_issued(*live_mark_.mark).value());

    // Only what it records as deactivated is removed; unknown entries stay.
    EXPECT_EQ(store().subordinate_statement(retired_->entity_id).value(), std::nullopt);
    EXPECT_EQ(store().subordinate_statement("https://carried-over.test").value(),
              std::string("statement-jwt"));
    EXPECT_EQ(store().trust_mark("https://carried-over.test", kType).value(),
              std::string("mark-jwt"));
    std::vector<std::string> holders = store().trust_mark_holders(kType).value();
    std::sort(holders.begin(), holders.end());
    EXPECT_EQ(holders, (std::vector<std::string>{"https://carried-over.test",
                                                 "https://live.test"}));
}

TEST_P(HealingSchedulerTest, JobIsSkippedWhileAnotherReplicaHoldsItsLock) {
    // The live mark is due: its expiry is within its renewal time.
    clock_.advance((500 - 5) * 3600);
    ASSERT_TRUE(acquire_scheduler_lock(database(), "scheduler:renew_trust_marks", "replica-b",
                                       600, clock_.now())
                    .value());
    Scheduler scheduler(services(), "replica-a");
    std::uint64_t skipped = admin_metrics().scheduler_run_count("renew_trust_marks", "skipped");

    JobResult result = scheduler.run_job(jobs::kRenewTrustMarks);

    EXPECT_EQ(result, JobResult::kSkipped);
    EXPECT_EQ(admin_metrics().scheduler_run_count("renew_trust_marks", "skipped"), skipped + 1);
    EXPECT_EQ(store().trust_mark("https://live.test", kType).value(), live_mark_.mark);

    // Once the other replica's lease runs out, this one takes the job over.
    clock_.advance(601);
    EXPECT_EQ(scheduler.run_job(jobs::kRenewTrustMarks), JobResult::kSuccess);
    EXPECT_NE(store().trust_mark("https://live.test", kType).value(), live_mark_.mark);
}

TEST_P(HealingSchedulerTest, HolderNameNamesHostAndProcess) {
    std::string holder = scheduler_holder_name();

    EXPECT_NE(holder.find(':' + std::to_string(getpid())), std::string::npos) << holder;
    EXPECT_GT(holder.size(), std::to_string(getpid()).size() + 1) << holder;
}

TEST_P(HealingSchedulerTest, RenewTrustMarksJobRenewsOnlyDueMarks) {
    Scheduler scheduler(services(), "replica-a");
    clock_.advance(3600);

    ASSERT_EQ(scheduler.run_job(jobs::kRenewTrustMarks), JobResult::kSuccess);
    EXPECT_EQ(store().trust_mark("https://live.test", kType).value(), live_mark_.mark);

    // Within renewal_time (10 hours) of expiry it is renewed; the revoked one never.
    clock_.advance((500 - 1 - 5) * 3600);
    ASSERT_EQ(scheduler.run_job(jobs::kRenewTrustMarks), JobResult::kSuccess);
    std::optional<std::string> renewed = store().trust_mark("https://live.test", kType).value();
    ASSERT_TRUE(renewed.has_value());
    EXPECT_NE(renewed, live_mark_.mark);
    EXPECT_EQ(payload_of(*renewed).at("exp").as_int64(), clock_.now() + 500 * 3600);
    EXPECT_EQ(store().trust_mark("https://gone.test", kType).value(), std::string("revoked"));
    EXPECT_EQ(audit_entries()[0].actor.username, "scheduler");
}

TEST_P(HealingSchedulerTest, RenewSubordinatesJobRenewsThoseNearExpiry) {
    Scheduler scheduler(services(), "replica-a");
    std::string before = *store().subordinate_statement(active_->entity_id).value();

    ASSERT_EQ(scheduler.run_job(jobs::kRenewSubordinates), JobResult::kSuccess);
    EXPECT_EQ(*store().subordinate_statement(active_->entity_id).value(), before);

    clock_.advance((100 - 47) * 3600);
    serve_configuration(*active_);
    ASSERT_EQ(scheduler.run_job(jobs::kRenewSubordinates), JobResult::kSuccess);
    EXPECT_NE(*store().subordinate_statement(active_->entity_id).value(), before);
}

TEST_P(HealingSchedulerTest, PruneJobDropsOldAuditEntries) {
    std::size_t entries = audit_entries().size();
    ASSERT_GT(entries, 0u);
    Scheduler scheduler(services(), "replica-a");

    clock_.advance(31 * 24 * 3600);
    ASSERT_EQ(scheduler.run_job(jobs::kPruneAuditLog), JobResult::kSuccess);

    EXPECT_TRUE(audit_entries().empty());
}

TEST_P(HealingSchedulerTest, StartedSchedulerRunsJobsAndTheCollectionHookUntilStopped) {
    flush_store();
    std::atomic<int> walks{0};
    config_.scheduler.collection_walk_every = 1;
    Scheduler scheduler(services(), "replica-a", [&] {
        ++walks;
        return true;
    });

    scheduler.start();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline &&
           (!store().entity_configuration().value() || walks.load() == 0)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    scheduler.stop();

    EXPECT_TRUE(store().entity_configuration().value().has_value());
    EXPECT_GT(walks.load(), 0);
    int after_stop = walks.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(walks.load(), after_stop);
}

TEST_P(HealingSchedulerTest, MetricsAppearOnTheAdminMetrics) {
    http::Metrics metrics;
    register_admin_metrics(metrics);

    std::string text = metrics.render();

    EXPECT_NE(text.find("inmor_admin_signed_total{kind=\"subordinate_statement\"}"),
              std::string::npos);
    EXPECT_NE(text.find("inmor_admin_signed_total{kind=\"trust_mark\"}"), std::string::npos);
    EXPECT_NE(text.find("inmor_admin_subordinates_held_total"), std::string::npos);
    EXPECT_NE(text.find("# TYPE inmor_admin_scheduler_runs_total counter"), std::string::npos);
}

TEST_P(HealingSchedulerTest, ReloadCommandRestoresRevokedDigests) {
    flush_store();
    AdminServices running = services();
    std::ostringstream out;
    std::ostringstream err;
    SigningCommandContext context{running, out, err};

    int reloaded = run_reload_issued_tms(context);

    EXPECT_EQ(reloaded, 0) << err.str();
    EXPECT_NE(out.str().find("issued trust mark digests: 2 restored"), std::string::npos)
        << out.str();
    ASSERT_TRUE(revoked_mark_.mark.has_value());
    EXPECT_TRUE(store().trust_mark_ever_issued(*revoked_mark_.mark).value());
    EXPECT_EQ(store().trust_mark("https://gone.test", kType).value(), std::string("revoked"));
}

TEST_P(HealingSchedulerTest, CommandsReportEachItemAndGoOnAfterAFailure) {
    // A second subordinate whose entity stops serving its configuration.
    TestEntity lost = make_entity("lost");
    serve_configuration(lost);
    ASSERT_TRUE(add_subordinate(services(), input(lost), actor_).has_value());
    server_->forget(lost.path);
    AdminServices running = services();
    std::ostringstream out;
    std::ostringstream err;
    SigningCommandContext context{running, out, err};

    int renewed = run_renew_subordinates(context);
    std::string renew_output = out.str();
    out.str("");
    int reloaded = run_reload_issued_tms(context);
    std::string reload_output = out.str();
    out.str("");
    int reissued = run_reissue_alltms(context);
    std::string reissue_output = out.str();

    EXPECT_EQ(renewed, 1);
    EXPECT_NE(renew_output.find(active_->entity_id + ": renewed"), std::string::npos)
        << renew_output;
    EXPECT_NE(renew_output.find(lost.entity_id + ": failed"), std::string::npos) << renew_output;
    EXPECT_NE(renew_output.find("renew_subordinates: 1 done, 1 failed"), std::string::npos)
        << renew_output;
    EXPECT_EQ(reloaded, 0);
    EXPECT_NE(reload_output.find("https://live.test: published"), std::string::npos)
        << reload_output;
    EXPECT_NE(reload_output.find("https://gone.test: revoked"), std::string::npos)
        << reload_output;
    EXPECT_NE(reload_output.find("reload_issued_tms: 2 done, 0 failed"), std::string::npos);
    EXPECT_EQ(reissued, 0);
    EXPECT_NE(reissue_output.find("reissue_alltms: 1 done, 0 failed"), std::string::npos)
        << reissue_output;
    EXPECT_NE(store().trust_mark("https://live.test", kType).value(), live_mark_.mark);
}

INMOR_FOR_BOTH_ENGINES(HealingSchedulerTest);

}  // namespace
}  // namespace inmor::admin::testing
