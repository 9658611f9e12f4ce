// lookup_host: the name lookup bounded by a timeout. Only names from
// /etc/hosts are looked up, so no test sends a DNS query.
#include "fetch/fetch_target.h"

#include <gtest/gtest.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace inmor::fetch {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUrl = "http://localhost/";

TEST(LookupHost, ResolvesNameFromHostsFile) {
    FetchResult<std::vector<IpAddress>> addresses = lookup_host("localhost", 5s, kUrl);

    ASSERT_TRUE(addresses.has_value()) << addresses.error().message;
    std::optional<IpAddress> loopback = parse_ipv4_number("127.0.0.1");
    ASSERT_TRUE(loopback.has_value());
    EXPECT_NE(std::find(addresses->begin(), addresses->end(), *loopback), addresses->end());
}

// With no time left the lookup fails before asking the resolver: the same
// name resolves above, so a kTimeout here means no lookup took place.
TEST(LookupHost, NoTimeLeftIsTimeoutWithoutLookup) {
    for (std::chrono::nanoseconds timeout : {0ns, -1ns, std::chrono::nanoseconds(-5s)}) {
        SCOPED_TRACE(timeout.count());

        FetchResult<std::vector<IpAddress>> addresses =
            lookup_host("localhost", timeout, kUrl);

        ASSERT_FALSE(addresses.has_value());
        EXPECT_EQ(addresses.error().kind, FetchErrorKind::kTimeout);
        EXPECT_TRUE(addresses.error().transient());
        EXPECT_EQ(addresses.error().url, kUrl);
        EXPECT_NE(addresses.error().message.find("resolving localhost timed out"),
                  std::string::npos)
            << addresses.error().message;
    }
}

// A timeout of a microsecond is shorter than starting the lookup thread, so
// most of these calls time out and leave their lookup running. Each call must
// end in a success or a kTimeout. The timed-out lookups then finish and free
// their threads, and ASan checks that none is freed early or leaked.
TEST(LookupHost, TinyTimeoutsFinishCleanly) {
    int timeouts = 0;
    for (int i = 0; i < 200; ++i) {
        auto start = std::chrono::steady_clock::now();
        FetchResult<std::vector<IpAddress>> addresses = lookup_host("localhost", 1us, kUrl);
        auto elapsed = std::chrono::steady_clock::now() - start;

        if (!addresses) {
            ASSERT_EQ(addresses.error().kind, FetchErrorKind::kTimeout)
                << addresses.error().message;
            ++timeouts;
        } else {
            ASSERT_FALSE(addresses->empty());
        }
        EXPECT_LT(elapsed, 1s);
    }
    EXPECT_GT(timeouts, 0);

    auto give_up = std::chrono::steady_clock::now() + 10s;
    while (lookup_threads_in_use() > 0 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(lookup_threads_in_use(), 0);
    FetchResult<std::vector<IpAddress>> addresses = lookup_host("localhost", 5s, kUrl);
    ASSERT_TRUE(addresses.has_value()) << addresses.error().message;
}

// Lookups from many threads at once all resolve.
TEST(LookupHost, ConcurrentLookupsAllResolve) {
    std::vector<std::thread> callers;
    std::atomic<int> resolved{0};
    for (int i = 0; i < 16; ++i) {
        callers.emplace_back([&resolved] {
            for (int j = 0; j < 10; ++j) {
                if (lookup_host("localhost", 5s, kUrl).has_value()) {
                    ++resolved;
                }
            }
        });
    }
    for (std::thread& caller : callers) {
        caller.join();
    }
    EXPECT_EQ(resolved.load(), 160);
}

// getaddrinfo stops at the first NUL, so without a check this name would
// resolve as "localhost" from /etc/hosts.
TEST(LookupHost, NameWithNulIsRejected) {
    const std::string name("localhost\0.invalid", 18);

    FetchResult<std::vector<IpAddress>> addresses = lookup_host(name, 5s, kUrl);

    ASSERT_FALSE(addresses.has_value());
    EXPECT_EQ(addresses.error().kind, FetchErrorKind::kInvalidUrl);
    EXPECT_NE(addresses.error().message.find("NUL byte"), std::string::npos)
        << addresses.error().message;
}

// now() + nanoseconds::max() overflows, which UBSan aborts on. Such a
// timeout means no limit.
TEST(LookupHost, LargestTimeoutResolves) {
    FetchResult<std::vector<IpAddress>> addresses =
        lookup_host("localhost", std::chrono::nanoseconds::max(), kUrl);

    ASSERT_TRUE(addresses.has_value()) << addresses.error().message;
    EXPECT_FALSE(addresses->empty());
}

// Waits until every lookup thread left by earlier tests has finished.
void wait_for_lookup_threads() {
    auto give_up = std::chrono::steady_clock::now() + 10s;
    while (lookup_threads_in_use() > 0 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(lookup_threads_in_use(), 0);
}

// A default stack far larger than the address space makes pthread_create
// fail for every thread created without attributes, as std::thread does.
// The error must name that cause, not the thread cap, and free its slot.
TEST(LookupHost, ThreadStartFailureIsReported) {
    wait_for_lookup_threads();
    pthread_attr_t saved;
    ASSERT_EQ(pthread_getattr_default_np(&saved), 0);
    pthread_attr_t huge_stack;
    ASSERT_EQ(pthread_attr_init(&huge_stack), 0);
    ASSERT_EQ(pthread_attr_setstacksize(&huge_stack, std::size_t{1} << 62), 0);
    ASSERT_EQ(pthread_setattr_default_np(&huge_stack), 0);

    FetchResult<std::vector<IpAddress>> addresses = lookup_host("localhost", 5s, kUrl);
    int in_use = lookup_threads_in_use();

    ASSERT_EQ(pthread_setattr_default_np(&saved), 0);
    pthread_attr_destroy(&huge_stack);
    pthread_attr_destroy(&saved);
    ASSERT_FALSE(addresses.has_value());
    EXPECT_EQ(addresses.error().kind, FetchErrorKind::kResolveFailed);
    EXPECT_NE(addresses.error().message.find("could not start a lookup thread"),
              std::string::npos)
        << addresses.error().message;
    EXPECT_EQ(addresses.error().message.find("already in progress"), std::string::npos)
        << addresses.error().message;
    EXPECT_EQ(in_use, 0);
    EXPECT_TRUE(lookup_host("localhost", 5s, kUrl).has_value());
}

// A process that exits while lookups still run must neither crash nor leak
// (LeakSanitizer runs at exit). The child exits 0 right after a lookup it
// abandoned is seen running, and 3 if it never sees one.
TEST(LookupHostDeathTest, ExitWithLookupsRunning) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");

    auto exit_with_lookups_running = [] {
        for (int i = 0; i < 1000; ++i) {
            (void)lookup_host("localhost", 1us, kUrl);
            if (lookup_threads_in_use() > 0) {
                std::exit(0);
            }
        }
        std::exit(3);
    };

    EXPECT_EXIT(exit_with_lookups_running(), ::testing::ExitedWithCode(0), "");
}

TEST(LookupHost, ResolveFetchTargetUsesTheLookupTimeout) {
    FetchResult<ParsedFetchUrl> url = parse_fetch_url("http://localhost:8080/x", true);
    ASSERT_TRUE(url.has_value());
    GuardPolicy policy{{}, true};

    FetchResult<FetchTarget> expired = resolve_fetch_target(*url, policy, 0ns);
    FetchResult<FetchTarget> target = resolve_fetch_target(*url, policy, 5s);

    ASSERT_FALSE(expired.has_value());
    EXPECT_EQ(expired.error().kind, FetchErrorKind::kTimeout);
    ASSERT_TRUE(target.has_value()) << target.error().message;
    EXPECT_FALSE(target->addresses.empty());
}

}  // namespace
}  // namespace inmor::fetch
