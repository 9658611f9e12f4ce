// Helpers shared by the policy tests: JSON from text, and policies for the
// openid_relying_party entity type written at the parameter level.
#pragma once

#include "common/json.h"
#include "policy/metadata_policy.h"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace inmor::policy::testing {

/// The entity type the table-driven cases place their parameters under.
inline constexpr const char* kRelyingParty = "openid_relying_party";

/// Parses JSON test data; throws (failing the test) on a typo in the data.
inline boost::json::value json(std::string_view text) {
    return parse_json(text, "test data").value();
}

/// `{"openid_relying_party": <parameters>}` from the parameter-level text.
inline boost::json::object under_relying_party(std::string_view parameters) {
    return boost::json::object{{kRelyingParty, json(parameters)}};
}

/// Parses a relying party policy given at the parameter level.
inline Result<MetadataPolicy> parse_relying_party_policy(std::string_view parameters,
                                                         const CriticalOperators& critical = {}) {
    return parse_metadata_policy(under_relying_party(parameters), critical);
}

/// The message of a failed result, or "" when it succeeded.
template <class T>
std::string error_message(const Result<T>& result) {
    return result ? std::string() : result.error().message();
}

/// Names each case of a table-driven test after its `name` member.
struct CaseName {
    template <class Case>
    std::string operator()(const ::testing::TestParamInfo<Case>& case_info) const {
        return case_info.param.name;
    }
};

}  // namespace inmor::policy::testing
