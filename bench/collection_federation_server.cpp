// A generated federation for the collection walk benchmark: a Trust Anchor,
// intermediates and leaves, every statement signed once at start and held
// in memory, served on 127.0.0.1 until SIGINT or SIGTERM.
//
//   collection_federation_server [--entities N] [--intermediates M]
//
// It prints "anchor <entity id>" on stdout once serving.
#include "loopback_server.h"
#include "test_federation.h"

#include <boost/json/array.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

namespace json = boost::json;
using inmor::collection::testing::LoopbackServer;
using inmor::collection::testing::TestFederation;

constexpr const char* kMemberMark = "https://tm.test/member";

volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int) { stop_requested = 1; }

std::size_t read_count(int argc, char** argv, const std::string& flag, std::size_t fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == flag) {
            return static_cast<std::size_t>(std::strtoull(argv[i + 1], nullptr, 10));
        }
    }
    return fallback;
}

/// Leaf `index`: alternately a relying party and a provider, every tenth
/// one holding a mark the anchor issued.
void describe_leaf(TestFederation& federation, const std::string& name, std::size_t index) {
    auto& leaf = federation.entity(name);
    if (index % 2 == 0) {
        leaf.metadata["openid_relying_party"] =
            json::object{{"client_name", "Client " + std::to_string(index)},
                         {"client_name#fi", "Asiakas " + std::to_string(index)}};
    } else {
        leaf.metadata["openid_provider"] =
            json::object{{"display_name", "Provider " + std::to_string(index)},
                         {"logo_uri", "https://logo.test/" + std::to_string(index) + ".png"}};
    }
    if (index % 10 == 0) {
        leaf.extra_claims["trust_marks"] = json::array{json::object{
            {"trust_mark_type", kMemberMark},
            {"trust_mark",
             federation.trust_mark("ta", name, kMemberMark, federation.now() + 3600)}}};
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t entities = read_count(argc, argv, "--entities", 10000);
    const std::size_t intermediates = read_count(argc, argv, "--intermediates", 10);
    if (intermediates == 0 || entities <= intermediates) {
        std::fprintf(stderr, "collection_federation_server: --entities must exceed "
                             "--intermediates, which must be at least 1\n");
        return 2;
    }

    LoopbackServer server;
    TestFederation federation(server, ::time(nullptr));
    federation.add("ta", true);
    federation.entity("ta").extra_claims["trust_mark_issuers"] =
        json::object{{kMemberMark, json::array{federation.id("ta")}}};

    for (std::size_t i = 0; i < intermediates; ++i) {
        const std::string name = "ia" + std::to_string(i);
        federation.add(name, true);
        federation.link("ta", name);
    }
    const std::size_t leaves = entities - intermediates;
    for (std::size_t i = 0; i < leaves; ++i) {
        const std::string name = "leaf" + std::to_string(i);
        federation.add(name);
        federation.link("ia" + std::to_string(i % intermediates), name);
        describe_leaf(federation, name, i);
    }
    federation.publish();

    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    std::printf("anchor %s\n", federation.id("ta").c_str());
    std::fflush(stdout);
    while (stop_requested == 0) ::pause();

    std::fprintf(stderr, "collection_federation_server: served %zu requests\n",
                 server.requests());
    return 0;
}
