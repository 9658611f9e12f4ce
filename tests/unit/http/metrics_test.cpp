// The Prometheus exposition of request counters and latency histograms.
#include "http/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace inmor::http {
namespace {

bool contains(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

TEST(Metrics, CountsRequestsByRouteAndStatus) {
    Metrics metrics;
    metrics.record_request("/fetch", 200, 0.0001);
    metrics.record_request("/fetch", 404, 0.0001);
    metrics.route("/fetch").record(200, 0.0001);
    metrics.record_request("/list", 999, 0.0001);

    const std::string text = metrics.render();

    EXPECT_TRUE(contains(text, R"(inmor_http_requests_total{route="/fetch",status="200"} 2)"));
    EXPECT_TRUE(contains(text, R"(inmor_http_requests_total{route="/fetch",status="404"} 1)"));
    EXPECT_TRUE(contains(text, R"(inmor_http_requests_total{route="/list",status="999"} 1)"));
    EXPECT_LT(text.find(R"(status="200"} 2)"), text.find(R"(status="404"} 1)"));
}

TEST(Metrics, RouteWithoutRequestsIsNotRendered) {
    Metrics metrics;
    metrics.route("/idle");

    EXPECT_EQ(metrics.render().find("/idle"), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Metrics metrics;
    metrics.record_request("/fetch", 200, 0.0005);  // on the first bound: counts in le=0.0005
    metrics.record_request("/fetch", 200, 0.003);
    metrics.record_request("/fetch", 200, 7.0);  // above every bound: only +Inf

    const std::string text = metrics.render();
    const std::string bucket = R"(inmor_http_request_duration_seconds_bucket{route="/fetch",le=")";

    EXPECT_TRUE(contains(text, bucket + R"(0.0005"} 1)"));
    EXPECT_TRUE(contains(text, bucket + R"(0.0025"} 1)"));
    EXPECT_TRUE(contains(text, bucket + R"(0.005"} 2)"));
    EXPECT_TRUE(contains(text, bucket + R"(5"} 2)"));
    EXPECT_TRUE(contains(text, bucket + R"(+Inf"} 3)"));
    EXPECT_TRUE(contains(
        text, R"(inmor_http_request_duration_seconds_count{route="/fetch"} 3)"));
    EXPECT_TRUE(contains(
        text, R"(inmor_http_request_duration_seconds_sum{route="/fetch"} 7.0035)"));
}

}  // namespace
}  // namespace inmor::http
