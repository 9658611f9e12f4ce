// Tests the status and message that fetch_failed gives an entity configuration
// fetch failure, with the URL that returned the status when redirects led elsewhere.
#include "admin/entity_configuration_check.h"

#include <gtest/gtest.h>

namespace inmor::admin {
namespace {

constexpr const char* kEntity = "https://rp.test/a";

fetch::FetchError http_status_error(int status, const std::string& url, int redirects) {
    fetch::FetchError error;
    error.kind = fetch::FetchErrorKind::kHttpStatus;
    error.http_status = status;
    error.url = url;
    error.redirects = redirects;
    error.message = "fetching " + url + " failed: HTTP status " + std::to_string(status);
    return error;
}

TEST(FetchFailed, HttpStatusWithoutRedirect) {
    const ActionError error = fetch_failed(
        kEntity, http_status_error(404, "https://rp.test/a/.well-known/openid-federation", 0));

    EXPECT_EQ(error.status, 502u);
    EXPECT_EQ(error.message,
              "entityid: the entity configuration of https://rp.test/a could not be fetched: "
              "HTTP status 404");
}

TEST(FetchFailed, HttpStatusAfterRedirectsNamesUrl) {
    const ActionError error =
        fetch_failed(kEntity, http_status_error(404, "https://rp.test/moved/here", 2));

    EXPECT_EQ(error.status, 502u);
    EXPECT_EQ(error.message,
              "entityid: the entity configuration of https://rp.test/a could not be fetched "
              "after 2 redirects: HTTP status 404 from https://rp.test/moved/here");
}

}  // namespace
}  // namespace inmor::admin
