// The metadata policy data structure (section "Structure"): entity type ->
// metadata parameter -> operators, with parsing, validation and serialization.
#pragma once

#include "common/error.h"
#include "policy/critical_operators.h"
#include "policy/policy_operator.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <string>

namespace inmor::policy {

/// The operators of one metadata parameter policy, iterated in order of
/// application. Additional operators that are not critical are ignored and
/// therefore absent.
using ParameterPolicy = std::map<PolicyOperator, boost::json::value>;

/// Parameter policies of one entity type, keyed by parameter name. A name with
/// a language tag ("client_name#ja") is a parameter of its own.
using EntityTypePolicy = std::map<std::string, ParameterPolicy, std::less<>>;

/// A whole metadata policy, keyed by Entity Type Identifier.
using MetadataPolicy = std::map<std::string, EntityTypePolicy, std::less<>>;

/// The value of `op` in `policy`, or nullptr when absent.
const boost::json::value* find_operator(const ParameterPolicy& policy, PolicyOperator op);

/// Parses and validates the `metadata_policy` claim of one Subordinate
/// Statement: the three-level structure, the JSON type of every operator value,
/// the allowed operator combinations, and that no operator named in `critical`
/// is used (none is supported). `scope` operator values given as strings are
/// turned into arrays of scope values. Errors carry kInvalidTrustChain.
/// Duplicate member names are the JSON parser's to reject (parse_json does),
/// because a parsed value no longer shows them.
Result<MetadataPolicy> parse_metadata_policy(const boost::json::value& claim,
                                             const CriticalOperators& critical);

/// The policy as a `metadata_policy` JSON object.
boost::json::object metadata_policy_to_json(const MetadataPolicy& policy);

}  // namespace inmor::policy
