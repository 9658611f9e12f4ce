// fetch_probe: runs one fetch through HttpFetcher and prints the outcome on
// one line, so shell tests can drive the fetcher inside a network namespace.
//
//   fetch_probe [options] URL
//     --allow-network CIDR     repeatable; fetch.allowed_networks
//     --ca-file PATH           fetch.ca_file
//     --allow-http             the allow_http development switch
//     --connect-timeout-ms N   --total-timeout-ms N   --max-body-bytes N
//     --max-redirects N        --retries N            --initial-backoff-ms N
//     --expect-text            require a UTF-8 body
//     --print-body             print the body after the outcome line
//
// Prints "ok status=S bytes=N final_url=U elapsed_ms=T" and exits 0, or
// "error kind=K http_status=S transient=B elapsed_ms=T message=M" and exits 1.
// Exits 2 on invalid arguments.
#include "fetch/http_fetcher.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fetch = inmor::fetch;

namespace {

struct ProbeOptions {
    fetch::FetchConfig config;
    std::string url;
    bool expect_text = false;
    bool print_body = false;
};

long parse_number(std::string_view flag, const char* value) {
    try {
        std::size_t used = 0;
        long number = std::stol(value, &used);
        if (used == std::string_view(value).size() && number >= 0) {
            return number;
        }
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(std::string(flag) + ": expected a number, got \"" + value + "\"");
}

ProbeOptions parse_arguments(int argc, char** argv) {
    ProbeOptions options;
    using std::chrono::milliseconds;
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        bool has_value = i + 1 < argc;
        auto value = [&]() -> const char* {
            if (!has_value) {
                throw std::invalid_argument(std::string(flag) + ": missing value");
            }
            return argv[++i];
        };

        if (flag == "--allow-network") {
            options.config.allowed_networks.emplace_back(value());
        } else if (flag == "--ca-file") {
            options.config.ca_file = value();
        } else if (flag == "--allow-http") {
            options.config.allow_http = true;
        } else if (flag == "--connect-timeout-ms") {
            options.config.connect_timeout = milliseconds(parse_number(flag, value()));
        } else if (flag == "--total-timeout-ms") {
            options.config.total_timeout = milliseconds(parse_number(flag, value()));
        } else if (flag == "--max-body-bytes") {
            options.config.max_body_bytes =
                static_cast<std::size_t>(parse_number(flag, value()));
        } else if (flag == "--max-redirects") {
            options.config.max_redirects = static_cast<int>(parse_number(flag, value()));
        } else if (flag == "--retries") {
            options.config.retries = static_cast<int>(parse_number(flag, value()));
        } else if (flag == "--initial-backoff-ms") {
            options.config.initial_backoff = milliseconds(parse_number(flag, value()));
        } else if (flag == "--expect-text") {
            options.expect_text = true;
        } else if (flag == "--print-body") {
            options.print_body = true;
        } else if (!flag.empty() && flag.front() == '-') {
            throw std::invalid_argument("unknown option " + std::string(flag));
        } else if (options.url.empty()) {
            options.url = flag;
        } else {
            throw std::invalid_argument("more than one URL given");
        }
    }
    if (options.url.empty()) {
        throw std::invalid_argument("missing URL");
    }
    return options;
}

}  // namespace

int main(int argc, char** argv) {
    ProbeOptions options;
    std::unique_ptr<fetch::HttpFetcher> fetcher;
    try {
        options = parse_arguments(argc, argv);
        fetcher = std::make_unique<fetch::HttpFetcher>(options.config);
    } catch (const std::exception& error) {
        std::cerr << "fetch_probe: " << error.what() << "\n";
        return 2;
    }

    auto start = std::chrono::steady_clock::now();
    fetch::FetchResult<fetch::FetchResponse> response =
        fetcher->get(options.url, "", options.expect_text);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);

    if (!response) {
        const fetch::FetchError& error = response.error();
        std::cout << "error kind=" << fetch::fetch_error_kind_name(error.kind)
                  << " http_status=" << error.http_status
                  << " transient=" << (error.transient() ? "true" : "false")
                  << " elapsed_ms=" << elapsed.count() << " message=" << error.message << "\n";
        return 1;
    }
    std::cout << "ok status=" << response->status << " bytes=" << response->body.size()
              << " final_url=" << response->final_url << " elapsed_ms=" << elapsed.count()
              << "\n";
    if (options.print_body) {
        std::cout << response->body << "\n";
    }
    return 0;
}
