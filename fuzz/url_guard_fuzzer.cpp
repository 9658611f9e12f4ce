// libFuzzer target for the fetcher's URL and host parsing, a pure function
// test: nothing is resolved or connected. The input is a URL; the target
// aborts when
// - a URL accepted for fetching, read back by libcurl's own URL parser,
//   names another host or port than the one the guard checked;
// - the canonical URL does not parse again to the same target;
// - a host read as a DNS name is one the C library would read as an address.
#include "fetch/fetch_target.h"
#include "fetch/ip_address.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

namespace fetch = inmor::fetch;

struct CurlUrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct CurlStringDeleter {
    void operator()(char* text) const { curl_free(text); }
};

// The value libcurl reads for one part of `url`; nothing when it fails.
std::optional<std::string> curl_part(CURLU* url, CURLUPart part) {
    char* raw = nullptr;
    if (curl_url_get(url, part, &raw, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        return std::nullopt;
    }
    std::unique_ptr<char, CurlStringDeleter> text(raw);
    return std::string(text.get());
}

void check_curl_agrees(const fetch::ParsedFetchUrl& parsed) {
    std::unique_ptr<CURLU, CurlUrlDeleter> url(curl_url());
    if (!url || curl_url_set(url.get(), CURLUPART_URL, parsed.url.c_str(), 0) != CURLUE_OK) {
        std::abort();
    }
    std::optional<std::string> host = curl_part(url.get(), CURLUPART_HOST);
    std::optional<std::string> port = curl_part(url.get(), CURLUPART_PORT);
    if (!host || !port || *port != std::to_string(parsed.port)) {
        std::abort();
    }
    if (!parsed.address) {
        if (*host != parsed.host) {
            std::abort();
        }
        return;
    }
    // An address may be spelled two ways (::f0:1 and ::0.240.0.1), so the
    // addresses are compared, not their text.
    std::optional<fetch::HostLiteral> literal = fetch::parse_host_literal(*host);
    if (!literal || literal->kind != fetch::HostLiteral::Kind::kAddress ||
        !(literal->address == *parsed.address)) {
        std::abort();
    }
}

void check_canonical_reparses(const fetch::ParsedFetchUrl& parsed) {
    fetch::FetchResult<fetch::ParsedFetchUrl> again = fetch::parse_fetch_url(parsed.url, true);
    if (!again || again->url != parsed.url || again->host != parsed.host ||
        again->port != parsed.port || again->address.has_value() != parsed.address.has_value() ||
        (parsed.address && !(*again->address == *parsed.address))) {
        std::abort();
    }
}

// glibc's getaddrinfo reads a numeric host as an address before asking DNS,
// so a host the guard takes for a name must not be numeric to the C library.
void check_name_is_not_numeric(std::string_view host) {
    std::optional<fetch::HostLiteral> literal = fetch::parse_host_literal(host);
    if (!literal || literal->kind != fetch::HostLiteral::Kind::kName) {
        return;
    }
    in_addr v4{};
    in6_addr v6{};
    if (inet_aton(literal->name.c_str(), &v4) != 0 ||
        inet_pton(AF_INET6, literal->name.c_str(), &v6) == 1) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    if (input.find('\0') != std::string::npos) {
        return 0;
    }

    check_name_is_not_numeric(input);

    for (bool allow_http : {false, true}) {
        fetch::FetchResult<fetch::ParsedFetchUrl> parsed = fetch::parse_fetch_url(input, allow_http);
        if (!parsed) {
            continue;
        }
        check_canonical_reparses(*parsed);
        check_curl_agrees(*parsed);
    }
    return 0;
}
