// lookup_host: the name lookup bounded by a timeout. Only names from
// /etc/hosts are looked up, so no test sends a DNS query.
#include "fetch/fetch_target.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
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

// Waits until every lookup thread has finished.
void wait_for_lookup_threads() {
    auto give_up = std::chrono::steady_clock::now() + 10s;
    while (lookup_threads_in_use() > 0 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(lookup_threads_in_use(), 0);
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

    wait_for_lookup_threads();
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
// (LeakSanitizer runs at exit). The child exits 0 as soon as a lookup it
// gave up on is still running, and 3 if none ever is.
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

bool write_file(const char* path, const std::string& text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) {
        return false;
    }
    bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    return written;
}

// Returns true when getaddrinfo can reach no resolver outside this process: the
// hosts line of nsswitch.conf lists only files and dns, and no nscd socket
// exists. A daemon such as nscd or systemd-resolved would send the query
// from outside the network namespace.
bool only_files_and_dns_resolve() {
    struct stat status{};
    if (stat("/var/run/nscd/socket", &status) == 0 || stat("/run/nscd/socket", &status) == 0) {
        return false;
    }
    std::ifstream nsswitch("/etc/nsswitch.conf");
    std::string line;
    while (std::getline(nsswitch, line)) {
        std::istringstream words(line);
        std::string word;
        if (!(words >> word) || word != "hosts:") {
            continue;
        }
        while (words >> word) {
            if (word != "files" && word != "dns" && word.front() != '[') {
                return false;
            }
        }
        return true;
    }
    return false;
}

// Moves this process into new user, mount and network namespaces where
// /etc/resolv.conf names 127.0.0.1, and binds a UDP socket there that is
// never read. Every DNS lookup then waits for the resolver's timeout of 5 s,
// long enough for a slow machine to fill every slot. The new network
// namespace has only a loopback interface, so no query can leave the machine.
// Returns the socket, or -1 when a step fails.
int isolate_with_silent_resolver(std::string& resolv_path) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (!only_files_and_dns_resolve() || unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) != 0) {
        return -1;
    }
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
        return -1;
    }

    // The loopback interface of a new network namespace starts down.
    int control = socket(AF_INET, SOCK_DGRAM, 0);
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    bool loopback_up = control >= 0 && ioctl(control, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    loopback_up = loopback_up && ioctl(control, SIOCSIFFLAGS, &request) == 0;
    if (control >= 0) {
        close(control);
    }
    if (!loopback_up) {
        return -1;
    }

    // The bind mount stays in this mount namespace.
    char path[] = "/tmp/inmor-resolv-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        return -1;
    }
    resolv_path = path;
    std::string resolv_conf = "nameserver 127.0.0.1\noptions timeout:5 attempts:1\n";
    bool written = write(fd, resolv_conf.data(), resolv_conf.size()) ==
                   static_cast<ssize_t>(resolv_conf.size());
    close(fd);
    if (!written || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        mount(path, "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0) {
        return -1;
    }

    int silent = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(53);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (silent < 0 || bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        return -1;
    }
    return silent;
}

// Exit codes of the child in ThreadCapReachedAndReleased.
constexpr int kCapPassed = 0;
constexpr int kCapNoNamespace = 77;
constexpr int kCapNotReached = 10;
constexpr int kCapWrongError = 11;
constexpr int kCapNotReleased = 12;
constexpr int kCapNoLookupAfterwards = 13;

// Runs in the isolated child: fills all 256 lookup slots with lookups that
// wait for the silent resolver, checks that one more fails at once, then
// that every slot is freed once the resolver times out.
int fill_and_drain_lookup_slots() {
    std::vector<std::thread> callers;
    for (int i = 0; i < 16; ++i) {
        callers.emplace_back([] {
            for (int j = 0; j < 16; ++j) {
                (void)lookup_host("stall.invalid", 10ms, kUrl);
            }
        });
    }
    for (std::thread& caller : callers) {
        caller.join();
    }
    if (lookup_threads_in_use() != 256) {
        return kCapNotReached;
    }

    FetchResult<std::vector<IpAddress>> rejected = lookup_host("stall.invalid", 10ms, kUrl);
    if (rejected || rejected.error().kind != FetchErrorKind::kResolveFailed ||
        rejected.error().message.find("256 lookups already in progress") == std::string::npos) {
        return kCapWrongError;
    }

    auto give_up = std::chrono::steady_clock::now() + 20s;
    while (lookup_threads_in_use() > 0 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(50ms);
    }
    if (lookup_threads_in_use() != 0) {
        return kCapNotReleased;
    }
    return lookup_host("localhost", 5s, kUrl) ? kCapPassed : kCapNoLookupAfterwards;
}

// The cap needs lookups that stay running, which only an unanswered DNS
// query gives. The child process runs them in namespaces of its own.
TEST(LookupHost, ThreadCapReachedAndReleased) {
    // The child inherits the count but not the threads behind it.
    wait_for_lookup_threads();

    pid_t child = fork();
    ASSERT_GE(child, 0) << std::strerror(errno);
    if (child == 0) {
        std::string resolv_path;
        int silent = isolate_with_silent_resolver(resolv_path);
        int code = silent < 0 ? kCapNoNamespace : fill_and_drain_lookup_slots();
        if (!resolv_path.empty()) {
            unlink(resolv_path.c_str());
        }
        _exit(code);
    }

    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "child status " << status;
    if (WEXITSTATUS(status) == kCapNoNamespace) {
        GTEST_SKIP() << "no user and network namespace for a silent resolver";
    }
    EXPECT_EQ(WEXITSTATUS(status), kCapPassed)
        << "10: cap not reached, 11: wrong error at the cap, 12: slots not freed, "
           "13: no lookup afterwards";
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
