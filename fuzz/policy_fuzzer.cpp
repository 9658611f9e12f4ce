// libFuzzer target for the policy engine. The input is one JSON document:
//   {"statements": [{"metadata_policy": {...}, "metadata_policy_crit": [...]}, ...],
//    "metadata": {...}}
// Statements run from the trust anchor's down. Besides crashes and sanitizer
// findings, the target aborts when an invariant of the engine breaks.
#include "common/json.h"
#include "policy/apply.h"
#include "policy/resolve.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

namespace bj = boost::json;
namespace policy = inmor::policy;

std::vector<policy::StatementPolicyClaims> read_statements(const bj::object& input) {
    std::vector<policy::StatementPolicyClaims> statements;
    const bj::value* listed = input.if_contains("statements");
    if (!listed || !listed->is_array()) {
        return statements;
    }
    for (const bj::value& entry : listed->get_array()) {
        policy::StatementPolicyClaims claims;
        if (const bj::object* statement = entry.if_object()) {
            if (const bj::value* found = statement->if_contains("metadata_policy")) {
                claims.metadata_policy = *found;
            }
            if (const bj::value* found = statement->if_contains("metadata_policy_crit")) {
                claims.metadata_policy_crit = *found;
            }
        }
        statements.push_back(std::move(claims));
    }
    return statements;
}

// A resolved policy is itself a valid single-statement policy.
void check_resolved_policy_reparses(const policy::MetadataPolicy& resolved) {
    const bj::value claim = policy::metadata_policy_to_json(resolved);
    if (!policy::parse_metadata_policy(claim, {})) {
        std::abort();
    }
}

// No operator outputs null, and applying the policy again changes nothing.
void check_application(const policy::MetadataPolicy& resolved, const bj::object& output) {
    for (const auto& [entity_type, parameters] : resolved) {
        const bj::value* entity_metadata = output.if_contains(entity_type);
        if (!entity_metadata) {
            continue;
        }
        for (const auto& entry : parameters) {
            const bj::value* parameter = entity_metadata->get_object().if_contains(entry.first);
            if (parameter && parameter->is_null()) {
                std::abort();
            }
        }
    }

    const auto again = policy::apply_metadata_policy(resolved, output);
    if (!again || *again != output) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto input = inmor::parse_json_object(text, "fuzz input");
    if (!input) {
        return 0;
    }

    const auto statements = read_statements(*input);
    const auto resolved = policy::resolve_metadata_policy(statements);
    if (!resolved) {
        return 0;
    }
    check_resolved_policy_reparses(*resolved);

    const bj::value* metadata = input->if_contains("metadata");
    if (!metadata || !metadata->is_object()) {
        return 0;
    }
    const auto output = policy::apply_metadata_policy(*resolved, metadata->get_object());
    if (output) {
        check_application(*resolved, *output);
    }
    return 0;
}
