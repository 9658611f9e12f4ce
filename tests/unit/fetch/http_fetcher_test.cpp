// HttpFetcher against a real HTTP server on 127.0.0.1 (allow_http on):
// body caps, timeouts, retries, redirects, UTF-8 and the guard's refusals.
#include "fetch/http_fetcher.h"

#include "fetch/curl_exchange.h"
#include "fetch/fetch_target.h"

#include "test_server_process.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <thread>

namespace inmor::fetch {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

FetchConfig development_config() {
    FetchConfig config;
    config.allow_http = true;
    config.connect_timeout = milliseconds(2000);
    config.total_timeout = milliseconds(3000);
    config.max_body_bytes = 2048;
    config.max_redirects = 3;
    config.retries = 2;
    config.initial_backoff = milliseconds(50);
    return config;
}

class HttpFetcherTest : public ::testing::Test {
protected:
    int attempts(const std::string& key) {
        HttpFetcher counter(development_config());
        FetchResult<FetchResponse> response = counter.get(server_.url("/attempts?key=" + key));
        if (!response) {
            throw std::runtime_error("reading attempts failed: " + response.error().message);
        }
        return std::stoi(response->body);
    }

    testing::TestServerProcess server_;
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A loopback port that was free a moment ago: nothing listens there.
int unused_port() {
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        close(probe);
        throw std::runtime_error("cannot bind a probe socket");
    }
    socklen_t length = sizeof address;
    getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
    close(probe);
    return ntohs(address.sin_port);
}

// Sets proxy variables for the lifetime of the object and unsets them after.
class ProxyEnvironment {
public:
    explicit ProxyEnvironment(const std::string& proxy) {
        for (const char* name : kNames) {
            setenv(name, proxy.c_str(), 1);
        }
    }
    ~ProxyEnvironment() {
        for (const char* name : kNames) {
            unsetenv(name);
        }
    }
    ProxyEnvironment(const ProxyEnvironment&) = delete;
    ProxyEnvironment& operator=(const ProxyEnvironment&) = delete;

private:
    static constexpr const char* kNames[] = {"http_proxy", "https_proxy", "HTTPS_PROXY",
                                             "all_proxy", "ALL_PROXY"};
};

TEST_F(HttpFetcherTest, GetsTextBody) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/text"), "text/plain", true);

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "hello fetch");
    EXPECT_EQ(response->content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(response->final_url, server_.url("/text"));
}

TEST_F(HttpFetcherTest, RejectsHttpWithoutAllowHttp) {
    FetchConfig config = development_config();
    config.allow_http = false;
    HttpFetcher fetcher(config);

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/status?key=plain"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kInvalidUrl);
    EXPECT_EQ(attempts("plain"), 0);
}

TEST_F(HttpFetcherTest, GuardRefusesLoopbackInEveryForm) {
    FetchConfig config = development_config();
    config.allow_http = false;
    HttpFetcher fetcher(config);
    std::string port = std::to_string(server_.port());

    for (std::string host : {"127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1",
                             "[::1]", "[::ffff:127.0.0.1]", "0x7f.1.", "2130706433.",
                             "LOCALHOST", "localhost."}) {
        SCOPED_TRACE(host);

        FetchResult<FetchResponse> response =
            fetcher.get("https://" + host + ":" + port + "/status?key=guard");

        ASSERT_FALSE(response.has_value());
        EXPECT_EQ(response.error().kind, FetchErrorKind::kRefusedByGuard)
            << response.error().message;
        EXPECT_FALSE(response.error().transient());
    }
    EXPECT_EQ(attempts("guard"), 0);
}

TEST_F(HttpFetcherTest, AllowedNetworkStillVerifiesTls) {
    FetchConfig config = development_config();
    config.allow_http = false;
    config.allowed_networks = {"127.0.0.1/32"};
    HttpFetcher fetcher(config);

    // The plain HTTP server cannot complete a TLS handshake.
    FetchResult<FetchResponse> response =
        fetcher.get("https://127.0.0.1:" + std::to_string(server_.port()) + "/text");

    ASSERT_FALSE(response.has_value());
    EXPECT_NE(response.error().kind, FetchErrorKind::kRefusedByGuard);
    EXPECT_EQ(response.error().kind, FetchErrorKind::kTls) << response.error().message;
}

TEST_F(HttpFetcherTest, NameRefusedWhenAnyAddressIsRefused) {
    FetchConfig config = development_config();
    config.allow_http = false;
    config.allowed_networks = {"127.0.0.1/32"};
    HttpFetcher fetcher(config);

    // localhost resolves to 127.0.0.1 and, on most systems, ::1 as well.
    FetchResult<FetchResponse> response =
        fetcher.get("https://localhost:" + std::to_string(server_.port()) + "/text");

    ASSERT_FALSE(response.has_value());
    if (response.error().kind == FetchErrorKind::kRefusedByGuard) {
        EXPECT_NE(response.error().message.find("::1"), std::string::npos);
    } else {
        // Without ::1 in /etc/hosts the only address is allowed; TLS fails.
        EXPECT_EQ(response.error().kind, FetchErrorKind::kTls) << response.error().message;
    }
}

TEST_F(HttpFetcherTest, RejectsInvalidUrls) {
    HttpFetcher fetcher(development_config());

    for (std::string url : {"not a url", "/relative", "ftp://fed.test/", "https://user@fed.test/",
                            "https://0x7g.1/", "https://1.2.3.4.5/", "https://fed..test/",
                            "https://[fe80::1%25eth0]/", "https://fed.test:0/",
                            "https://fed.test:70000/", "https:///path",
                            "https://127.0.0.1x/", "https://1.2.3.4.5:8/",
                            // Boost.URL splits the authority after "127.0.0.1".
                            "https://127.0.0.1./"}) {
        SCOPED_TRACE(url);

        FetchResult<FetchResponse> response = fetcher.get(url);

        ASSERT_FALSE(response.has_value());
        EXPECT_EQ(response.error().kind, FetchErrorKind::kInvalidUrl) << response.error().message;
    }
}

TEST_F(HttpFetcherTest, AcceptsBodyOfExactlyMaxBytes) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/big?n=2048"));

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body.size(), 2048u);
}

TEST_F(HttpFetcherTest, RejectsContentLengthAboveMaxBytes) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/big?n=2049"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kBodyTooLarge);
    EXPECT_FALSE(response.error().transient());
}

TEST_F(HttpFetcherTest, RejectsChunkedBodyGrowingAboveMaxBytes) {
    HttpFetcher fetcher(development_config());
    auto start = Clock::now();

    // 40 chunks of 512 bytes; the cap of 2048 is hit at the fifth chunk.
    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/trickle?chunks=40&size=512&delay=0.05"));

    // The whole body would take 2 s; the fetch stops once the cap is passed.
    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kBodyTooLarge);
    EXPECT_LT(seconds_since(start), 1.9);
}

TEST_F(HttpFetcherTest, TotalTimeoutStopsSlowServer) {
    FetchConfig config = development_config();
    config.total_timeout = milliseconds(500);
    config.retries = 0;
    HttpFetcher fetcher(config);
    auto start = Clock::now();

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/slow?delay=3"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kTimeout);
    EXPECT_TRUE(response.error().transient());
    EXPECT_LT(seconds_since(start), 2.5);
}

TEST_F(HttpFetcherTest, TotalTimeoutStopsTricklingBody) {
    FetchConfig config = development_config();
    config.total_timeout = milliseconds(500);
    config.max_body_bytes = 1 << 20;
    config.retries = 0;
    HttpFetcher fetcher(config);
    auto start = Clock::now();

    // Small chunks every 100 ms stay under the body cap but never finish.
    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/trickle?chunks=100&size=10&delay=0.1"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kTimeout);
    EXPECT_LT(seconds_since(start), 2.5);
}

TEST_F(HttpFetcherTest, RetriesServiceUnavailableHonouringRetryAfter) {
    FetchConfig config = development_config();
    config.total_timeout = milliseconds(6000);  // room for both waits of 1 s
    HttpFetcher fetcher(config);
    auto start = Clock::now();

    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/flaky?key=flaky&fail=2&code=503&retry_after=1"));

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "recovered");
    EXPECT_EQ(attempts("flaky"), 3);
    // Two waits of Retry-After: 1 s each, longer than the 50 and 100 ms backoff.
    EXPECT_GE(seconds_since(start), 2.0);
    EXPECT_LT(seconds_since(start), 6.0);
}

TEST_F(HttpFetcherTest, RetryAfterWaitsStopAtTheDeadline) {
    FetchConfig config = development_config();
    config.total_timeout = milliseconds(1500);
    config.retries = 5;
    HttpFetcher fetcher(config);
    auto start = Clock::now();

    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/status?key=stalled&code=503&retry_after=1"));

    // Attempts at 0 s and 1 s; a second wait would end at 2 s, past the
    // deadline, so the last 503 comes back instead of five more attempts.
    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kHttpStatus);
    EXPECT_EQ(response.error().http_status, 503);
    EXPECT_EQ(response.error().redirects, 0);
    EXPECT_EQ(attempts("stalled"), 2);
    EXPECT_GE(seconds_since(start), 0.9);
    EXPECT_LT(seconds_since(start), 1.5 + 0.5);
}

TEST_F(HttpFetcherTest, TotalTimeoutCoversEveryRetry) {
    FetchConfig config = development_config();
    config.total_timeout = milliseconds(800);
    config.retries = 3;
    HttpFetcher fetcher(config);
    auto start = Clock::now();

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/slow?delay=3"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kTimeout);
    // Four attempts of 800 ms each would take 3.2 s and more.
    EXPECT_LT(seconds_since(start), 0.8 + 0.5);
}

TEST_F(HttpFetcherTest, GivesUpOnTooManyRequestsAfterRetries) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/status?key=busy&code=429&retry_after=0"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kHttpStatus);
    EXPECT_EQ(response.error().http_status, 429);
    EXPECT_TRUE(response.error().transient());
    EXPECT_EQ(attempts("busy"), 3);
}

TEST_F(HttpFetcherTest, ReadsRetryAfterAsHttpDate) {
    HttpFetcher fetcher(development_config());
    std::time_t in_two_seconds = std::time(nullptr) + 2;
    char date[64];
    std::strftime(date, sizeof date, "%a,%%20%d%%20%b%%20%Y%%20%H:%M:%S%%20GMT",
                  std::gmtime(&in_two_seconds));
    auto start = Clock::now();

    FetchResult<FetchResponse> response = fetcher.get(
        server_.url(std::string("/flaky?key=dated&fail=1&code=503&retry_after=") + date));

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(attempts("dated"), 2);
    EXPECT_GE(seconds_since(start), 0.9);
}

TEST_F(HttpFetcherTest, DoesNotWaitForLongRetryAfter) {
    HttpFetcher fetcher(development_config());
    auto start = Clock::now();

    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/status?key=later&code=503&retry_after=3600"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().http_status, 503);
    ASSERT_TRUE(response.error().retry_after.has_value());
    EXPECT_EQ(response.error().retry_after->count(), 3600);
    EXPECT_EQ(attempts("later"), 1);
    // Below max_retry_after (5 s), the longest wait a retry would take.
    EXPECT_LT(seconds_since(start), 4.0);
}

TEST_F(HttpFetcherTest, DoesNotRetryNotFound) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/status?key=gone&code=404"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().http_status, 404);
    EXPECT_FALSE(response.error().transient());
    EXPECT_EQ(response.error().body, "status 404\n");
    EXPECT_EQ(attempts("gone"), 1);
}

TEST_F(HttpFetcherTest, RetriesRefusedConnections) {
    // A port that was free a moment ago: nothing listens there.
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
    close(probe);
    HttpFetcher fetcher(development_config());
    auto start = Clock::now();

    FetchResult<FetchResponse> response =
        fetcher.get("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/");

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kConnectFailed);
    EXPECT_TRUE(response.error().transient());
    // Backoff of 50 ms then 100 ms between the three attempts.
    EXPECT_GE(seconds_since(start), 0.15);
}

TEST_F(HttpFetcherTest, FollowsRelativeRedirect) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/redirect?to=/text"));

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "hello fetch");
    EXPECT_EQ(response->final_url, server_.url("/text"));
}

TEST_F(HttpFetcherTest, StopsAfterMaxRedirects) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/loop"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kTooManyRedirects);
    EXPECT_EQ(response.error().url, server_.url("/loop?n=3"));
    EXPECT_EQ(response.error().redirects, 3);
}

TEST_F(HttpFetcherTest, SlowRedirectChainEndsAtTheDeadline) {
    FetchConfig config = development_config();
    config.total_timeout = milliseconds(1000);
    config.max_redirects = 10;
    config.retries = 0;
    HttpFetcher fetcher(config);
    auto start = Clock::now();

    // Each hop takes 300 ms, well within 1 s on its own.
    FetchResult<FetchResponse> response = fetcher.get(server_.url("/loop?delay=0.3"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kTimeout) << response.error().message;
    EXPECT_NE(response.error().url.find("/loop?n="), std::string::npos);
    // Eleven hops of 300 ms would take 3.3 s.
    EXPECT_GE(seconds_since(start), 0.9);
    EXPECT_LT(seconds_since(start), 1.0 + 0.5);
}

TEST_F(HttpFetcherTest, SlowRedirectsWithinTheDeadlineAreFollowed) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/loop?delay=0.2"));

    // Three redirects of 200 ms each fit in 3 s; the fourth is one too many.
    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kTooManyRedirects)
        << response.error().message;
}

TEST_F(HttpFetcherTest, FetchesByHostNameFromHostsFile) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response =
        fetcher.get("http://localhost:" + std::to_string(server_.port()) + "/text");

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "hello fetch");
}

TEST_F(HttpFetcherTest, RedirectToRefusedSchemeFails) {
    FetchConfig config = development_config();
    HttpFetcher fetcher(config);

    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/redirect?to=file:///etc/passwd"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kInvalidUrl);
    EXPECT_EQ(response.error().redirects, 1);
}

TEST_F(HttpFetcherTest, RejectsInvalidUtf8WhenTextExpected) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> as_text = fetcher.get(server_.url("/latin1"), "", true);
    FetchResult<FetchResponse> as_bytes = fetcher.get(server_.url("/latin1"), "", false);

    ASSERT_FALSE(as_text.has_value());
    EXPECT_EQ(as_text.error().kind, FetchErrorKind::kInvalidUtf8);
    ASSERT_TRUE(as_bytes.has_value());
    EXPECT_EQ(as_bytes->body, "caf\xe9");
}

TEST_F(HttpFetcherTest, PostsFormEncodedFields) {
    HttpFetcher fetcher(development_config());
    FetchRequest request;
    request.url = server_.url("/echo");
    request.method = FetchRequest::Method::kPost;
    request.form = {{"trust_mark_type", "https://tm.test/a b"}, {"sub", "x&y=z"}};

    FetchResult<FetchResponse> response = fetcher.fetch(request);

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body,
              "POST\napplication/x-www-form-urlencoded\n"
              "trust_mark_type=https%3A%2F%2Ftm.test%2Fa%20b&sub=x%26y%3Dz");
}

TEST_F(HttpFetcherTest, SeeOtherAfterPostContinuesAsGet) {
    HttpFetcher fetcher(development_config());
    FetchRequest request;
    request.url = server_.url("/redirect?to=/echo&code=303");
    request.method = FetchRequest::Method::kPost;
    request.form = {{"a", "1"}};

    FetchResult<FetchResponse> response = fetcher.fetch(request);

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body.substr(0, 4), "GET\n");
}

TEST_F(HttpFetcherTest, IgnoresProxiesFromTheEnvironment) {
    // The test server would count a proxied request under its key. Its
    // address is the checked one, so the socket check alone would not
    // notice a proxy: only CURLOPT_PROXY "" keeps the request direct.
    FetchConfig http_config = development_config();
    http_config.retries = 0;
    FetchConfig https_config = http_config;
    https_config.allow_http = false;
    https_config.allowed_networks = {"127.0.0.1/32"};
    std::string dead = "127.0.0.1:" + std::to_string(unused_port());
    FetchResult<FetchResponse> http_response = FetchError{};
    FetchResult<FetchResponse> https_response = FetchError{};

    {
        ProxyEnvironment proxy(server_.url(""));
        http_response = HttpFetcher(http_config).get("http://" + dead + "/status?key=proxied");
        https_response =
            HttpFetcher(https_config).get("https://" + dead + "/status?key=proxied");
    }

    ASSERT_FALSE(http_response.has_value());
    EXPECT_EQ(http_response.error().kind, FetchErrorKind::kConnectFailed)
        << http_response.error().message;
    ASSERT_FALSE(https_response.has_value());
    EXPECT_EQ(https_response.error().kind, FetchErrorKind::kConnectFailed)
        << https_response.error().message;
    EXPECT_EQ(attempts("proxied"), 0);
}

TEST_F(HttpFetcherTest, RefusesResponseHeadersAboveLimit) {
    HttpFetcher fetcher(development_config());
    auto start = Clock::now();

    // 4000 headers of 1000 bytes: 4 MB of headers before a 2-byte body.
    FetchResult<FetchResponse> response =
        fetcher.get(server_.url("/headers?key=flood&n=4000&size=1000"));

    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, FetchErrorKind::kInvalidResponse)
        << response.error().message;
    EXPECT_FALSE(response.error().transient());
    EXPECT_EQ(attempts("flood"), 1);
    EXPECT_LT(seconds_since(start), 2.5);
}

TEST_F(HttpFetcherTest, AcceptsOrdinaryHeaders) {
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/headers?n=40&size=1000"));

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "ok");
}

TEST_F(HttpFetcherTest, DoesNotInflateCompressedBodies) {
    // 1 MB of zeros compress to about 1 kB, under the 2048-byte cap. The
    // fetcher asks for no encoding, so it must not inflate the body either.
    HttpFetcher fetcher(development_config());

    FetchResult<FetchResponse> response = fetcher.get(server_.url("/gzip?n=1048576"));

    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_LE(response->body.size(), 2048u);
    ASSERT_GE(response->body.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(response->body[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(response->body[1]), 0x8b);
}

TEST_F(HttpFetcherTest, ReusesConnectionAcrossCalls) {
    HttpFetcher fetcher(development_config());

    for (int i = 0; i < 5; ++i) {
        FetchResult<FetchResponse> response = fetcher.get(server_.url("/text"));
        ASSERT_TRUE(response.has_value()) << response.error().message;
    }
    FetchResult<FetchResponse> connections =
        fetcher.get(server_.url("/attempts?key=connections"));

    ASSERT_TRUE(connections.has_value()) << connections.error().message;
    EXPECT_EQ(connections->body, "1");
}

TEST_F(HttpFetcherTest, ServesManyThreadsAtOnce) {
    HttpFetcher fetcher(development_config());
    std::atomic<int> successes{0};

    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                FetchResult<FetchResponse> response = fetcher.get(server_.url("/text"));
                if (response && response->body == "hello fetch") {
                    ++successes;
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }

    EXPECT_EQ(successes.load(), 80);
}

TEST_F(HttpFetcherTest, SocketToUncheckedAddressIsRefused) {
    // A target whose checked addresses do not include the one libcurl will
    // connect to, as after a DNS answer changed between check and connect.
    // Constructing a fetcher initialises libcurl.
    HttpFetcher fetcher(development_config());
    FetchResult<ParsedFetchUrl> parsed =
        parse_fetch_url(server_.url("/status?key=unchecked"), true);
    ASSERT_TRUE(parsed.has_value());
    FetchTarget target{*parsed, {*parse_ipv4_number("127.0.0.2")}};
    CurlHandlePool pool;
    ExchangeSettings settings{milliseconds(1000), milliseconds(1000), 1024, nullptr};

    CurlHandlePool::Lease lease = pool.acquire();
    FetchResult<Exchange> exchange = perform_exchange(lease.get(), target, {}, settings);

    ASSERT_FALSE(exchange.has_value());
    EXPECT_EQ(exchange.error().kind, FetchErrorKind::kRefusedByGuard)
        << exchange.error().message;
    EXPECT_EQ(attempts("unchecked"), 0);
}

TEST(HttpFetcherConfig, RejectsInvalidSettingsNamingTheField) {
    FetchConfig bad_network;
    bad_network.allowed_networks = {"127.0.0.1/32", "10.0.0.1/8"};
    FetchConfig missing_ca;
    missing_ca.ca_file = "/nonexistent/ca.pem";

    try {
        HttpFetcher fetcher(bad_network);
        FAIL() << "an invalid CIDR was accepted";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("fetch.allowed_networks[1]"),
                  std::string::npos);
    }
    try {
        HttpFetcher fetcher(missing_ca);
        FAIL() << "a missing ca_file was accepted";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("fetch.ca_file"), std::string::npos);
    }
}

}  // namespace
}  // namespace inmor::fetch
