// CRUD and validation of subordinates.
#include "admin/subordinate_repository.h"

#include "common/entity_id.h"

#include <array>

namespace inmor::admin {
namespace {

namespace json = boost::json;

constexpr std::string_view kColumns =
    "id, entityid, metadata, forced_metadata, jwks, required_trustmarks, valid_for, expire_at, "
    "autorenew, active, additional_claims, statement, entity_configuration, held_for_approval, "
    "held_reason, created_at, updated_at";

// Claims of a subordinate statement the anchor always sets itself.
constexpr std::array<std::string_view, 6> kReservedClaims = {"iss", "sub", "iat",
                                                             "exp", "jwks", "metadata"};

Result<Subordinate> read_subordinate(const Row& row) {
    Subordinate subordinate;
    subordinate.id = row.integer(0);
    subordinate.entityid = row.text(1);

    Result<json::object> metadata = stored_object(row, 2, "metadata");
    Result<json::object> forced = stored_object(row, 3, "forced_metadata");
    Result<json::object> jwks = stored_object(row, 4, "jwks");
    Result<std::optional<json::object>> claims =
        stored_optional_object(row, 10, "additional_claims");
    if (!metadata) {
        return metadata.error();
    }
    if (!forced) {
        return forced.error();
    }
    if (!jwks) {
        return jwks.error();
    }
    if (!claims) {
        return claims.error();
    }
    subordinate.metadata = std::move(*metadata);
    subordinate.forced_metadata = std::move(*forced);
    subordinate.jwks = std::move(*jwks);
    subordinate.additional_claims = std::move(*claims);

    subordinate.required_trustmarks = row.optional_text(5);
    subordinate.valid_for = row.optional_integer(6);
    subordinate.expire_at = row.optional_integer(7);
    subordinate.autorenew = row.boolean(8);
    subordinate.active = row.boolean(9);
    subordinate.statement = row.optional_text(11);
    subordinate.entity_configuration = row.optional_text(12);
    subordinate.held_for_approval = row.boolean(13);
    subordinate.held_reason = row.optional_text(14);
    subordinate.created_at = row.integer(15);
    subordinate.updated_at = row.integer(16);
    return subordinate;
}

Result<void> validate_jwks(const json::object& jwks) {
    const json::value* keys = jwks.if_contains("keys");
    if (keys == nullptr || !keys->is_array()) {
        return field_error("jwks.keys", "must be an array");
    }
    if (keys->as_array().empty()) {
        return field_error("jwks.keys", "must hold at least one key");
    }
    std::size_t index = 0;
    for (const json::value& key : keys->as_array()) {
        const json::value* type = key.is_object() ? key.as_object().if_contains("kty") : nullptr;
        if (type == nullptr || !type->is_string()) {
            return field_error("jwks.keys[" + std::to_string(index) + "].kty",
                               "must be a string");
        }
        ++index;
    }
    return {};
}

// Each member of a metadata object is one entity type's metadata, an object.
Result<void> validate_metadata(std::string_view field, const json::object& metadata) {
    for (const auto& member : metadata) {
        if (!member.value().is_object()) {
            return field_error(std::string(field) + "." + std::string(member.key()),
                               "must be a JSON object");
        }
    }
    return {};
}

Result<std::optional<Subordinate>> find_one(SqlExecutor& executor, std::string_view where,
                                            const SqlParams& params) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT " + std::string(kColumns) + " FROM subordinates WHERE " + std::string(where),
        params);
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<Subordinate>();
    }
    Result<Subordinate> subordinate = read_subordinate(**row);
    if (!subordinate) {
        return subordinate.error();
    }
    return std::optional<Subordinate>(std::move(*subordinate));
}

Result<Subordinate> find_existing(SqlExecutor& executor, std::int64_t id) {
    return require_found(find_subordinate(executor, id), "subordinate", id);
}

Result<Subordinate> store(SqlExecutor& executor, const Subordinate& subordinate) {
    Result<std::int64_t> changed = executor.execute(
        "UPDATE subordinates SET metadata = ?, forced_metadata = ?, jwks = ?, "
        "required_trustmarks = ?, valid_for = ?, expire_at = ?, autorenew = ?, active = ?, "
        "additional_claims = ?, statement = ?, entity_configuration = ?, held_for_approval = ?, "
        "held_reason = ?, updated_at = ? WHERE id = ?",
        {json_text(subordinate.metadata), json_text(subordinate.forced_metadata),
         json_text(subordinate.jwks), nullable(subordinate.required_trustmarks),
         nullable(subordinate.valid_for), nullable(subordinate.expire_at),
         std::int64_t{subordinate.autorenew}, std::int64_t{subordinate.active},
         nullable(json_text(subordinate.additional_claims)), nullable(subordinate.statement),
         nullable(subordinate.entity_configuration), std::int64_t{subordinate.held_for_approval},
         nullable(subordinate.held_reason), subordinate.updated_at, subordinate.id});
    if (!changed) {
        return changed.error();
    }
    return subordinate;
}

}  // namespace

Result<void> validate_subordinate(const SubordinateInput& input, const SubordinateLimits& limits) {
    if (Result<EntityId> id = EntityId::parse(input.entityid, limits.allow_http); !id) {
        return id.error().with_context("entityid");
    }
    if (Result<void> keys = validate_jwks(input.jwks); !keys) {
        return keys.error();
    }
    if (Result<void> valid = validate_metadata("metadata", input.metadata); !valid) {
        return valid.error();
    }
    if (Result<void> valid = validate_metadata("forced_metadata", input.forced_metadata);
        !valid) {
        return valid.error();
    }
    if (input.valid_for && *input.valid_for <= 0) {
        return field_error("valid_for", "must be a positive integer");
    }
    if (input.valid_for && *input.valid_for > limits.max_valid_for) {
        return field_error("valid_for", "must not exceed subordinate_statement_lifetime (" +
                                            std::to_string(limits.max_valid_for) + " hours)");
    }
    if (input.required_trustmarks && input.required_trustmarks->size() > 2048) {
        return field_error("required_trustmarks", "must be at most 2048 bytes");
    }
    if (input.additional_claims) {
        for (std::string_view claim : kReservedClaims) {
            if (input.additional_claims->contains(claim)) {
                return field_error("additional_claims." + std::string(claim),
                                   "is set by the trust anchor and cannot be given");
            }
        }
    }
    return {};
}

Result<Inserted<Subordinate>> create_subordinate(SqlExecutor& executor,
                                                 const SubordinateInput& input,
                                                 const SubordinateLimits& limits,
                                                 UnixSeconds now) {
    if (Result<void> valid = validate_subordinate(input, limits); !valid) {
        return valid.error();
    }
    Result<std::optional<Subordinate>> existing =
        find_subordinate_by_entity_id(executor, input.entityid);
    if (!existing) {
        return existing.error();
    }
    if (existing->has_value()) {
        return Inserted<Subordinate>{std::move(**existing), true};
    }

    Result<std::optional<Row>> inserted = executor.query_one(
        "INSERT INTO subordinates (entityid, metadata, forced_metadata, jwks, "
        "required_trustmarks, valid_for, autorenew, active, additional_claims, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (entityid) DO NOTHING RETURNING id",
        {input.entityid, json_text(input.metadata), json_text(input.forced_metadata),
         json_text(input.jwks), nullable(input.required_trustmarks), nullable(input.valid_for),
         std::int64_t{input.autorenew}, std::int64_t{input.active},
         nullable(json_text(input.additional_claims)), now, now});
    if (!inserted) {
        return inserted.error();
    }
    // A concurrent create of the same entity committed after the lookup above.
    if (!inserted->has_value()) {
        Result<std::optional<Subordinate>> winner =
            find_subordinate_by_entity_id(executor, input.entityid);
        if (!winner) {
            return winner.error();
        }
        if (!winner->has_value()) {
            return Error(ErrorCode::kTemporarilyUnavailable,
                         "entityid: a concurrent create conflicted, try again");
        }
        return Inserted<Subordinate>{std::move(**winner), true};
    }

    Result<Subordinate> created = find_existing(executor, (*inserted)->integer(0));
    if (!created) {
        return created.error();
    }
    return Inserted<Subordinate>{std::move(*created), false};
}

Result<Subordinate> update_subordinate(SqlExecutor& executor, std::int64_t id,
                                       const SubordinateInput& input,
                                       const SubordinateLimits& limits, UnixSeconds now) {
    Result<Subordinate> found = find_existing(executor, id);
    if (!found) {
        return found.error();
    }
    Subordinate subordinate = std::move(*found);
    if (!input.entityid.empty() && input.entityid != subordinate.entityid) {
        return field_error("entityid", "cannot be changed; create a new subordinate instead");
    }
    SubordinateInput checked = input;
    checked.entityid = subordinate.entityid;
    if (Result<void> valid = validate_subordinate(checked, limits); !valid) {
        return valid.error();
    }

    subordinate.metadata = input.metadata;
    subordinate.forced_metadata = input.forced_metadata;
    subordinate.jwks = input.jwks;
    subordinate.required_trustmarks = input.required_trustmarks;
    subordinate.valid_for = input.valid_for;
    subordinate.autorenew = input.autorenew;
    subordinate.active = input.active;
    subordinate.additional_claims = input.additional_claims;
    subordinate.updated_at = now;
    return store(executor, subordinate);
}

Result<std::optional<Subordinate>> find_subordinate(SqlExecutor& executor, std::int64_t id) {
    return find_one(executor, "id = ?", {id});
}

Result<std::optional<Subordinate>> find_subordinate_by_entity_id(SqlExecutor& executor,
                                                                 std::string_view entityid) {
    return find_one(executor, "entityid = ?", {std::string(entityid)});
}

Result<Page<Subordinate>> list_subordinates(SqlExecutor& executor, const PageRequest& page,
                                            std::optional<bool> active) {
    if (Result<void> valid = validate_page(page); !valid) {
        return valid.error();
    }
    std::string where = active ? " WHERE active = ?" : "";
    SqlParams params;
    if (active) {
        params.emplace_back(std::int64_t{*active});
    }

    Result<std::int64_t> count =
        count_rows(executor, "SELECT COUNT(*) FROM subordinates" + where, params);
    if (!count) {
        return count.error();
    }
    Result<std::vector<Row>> rows =
        executor.query("SELECT " + std::string(kColumns) + " FROM subordinates" + where +
                           " ORDER BY id LIMIT ? OFFSET ?",
                       with_page(params, page));
    if (!rows) {
        return rows.error();
    }

    Page<Subordinate> result{*count, {}};
    for (const Row& row : *rows) {
        Result<Subordinate> subordinate = read_subordinate(row);
        if (!subordinate) {
            return subordinate.error();
        }
        result.items.push_back(std::move(*subordinate));
    }
    return result;
}

Result<Subordinate> record_subordinate_statement(SqlExecutor& executor, std::int64_t id,
                                                 const std::string& statement,
                                                 UnixSeconds expire_at, UnixSeconds now) {
    Result<Subordinate> found = find_existing(executor, id);
    if (!found) {
        return found.error();
    }
    found->statement = statement;
    found->expire_at = expire_at;
    found->updated_at = now;
    return store(executor, *found);
}

Result<Subordinate> record_entity_configuration(SqlExecutor& executor, std::int64_t id,
                                                const std::string& entity_configuration,
                                                UnixSeconds now) {
    Result<Subordinate> found = find_existing(executor, id);
    if (!found) {
        return found.error();
    }
    found->entity_configuration = entity_configuration;
    found->updated_at = now;
    return store(executor, *found);
}

Result<Subordinate> set_held_for_approval(SqlExecutor& executor, std::int64_t id,
                                          const std::optional<std::string>& reason,
                                          UnixSeconds now) {
    Result<Subordinate> found = find_existing(executor, id);
    if (!found) {
        return found.error();
    }
    found->held_for_approval = reason.has_value();
    found->held_reason = reason;
    found->updated_at = now;
    return store(executor, *found);
}

boost::json::object to_json(const Subordinate& subordinate) {
    json::value claims = nullptr;
    if (subordinate.additional_claims) {
        claims = *subordinate.additional_claims;
    }
    json::value required = nullptr;
    if (subordinate.required_trustmarks) {
        required = json::string(*subordinate.required_trustmarks);
    }
    json::value valid_for = nullptr;
    if (subordinate.valid_for) {
        valid_for = *subordinate.valid_for;
    }
    return json::object{{"id", subordinate.id},
                        {"entityid", subordinate.entityid},
                        {"metadata", subordinate.metadata},
                        {"forced_metadata", subordinate.forced_metadata},
                        {"jwks", subordinate.jwks},
                        {"required_trustmarks", required},
                        {"valid_for", valid_for},
                        {"expire_at", timestamp_json(subordinate.expire_at)},
                        {"autorenew", subordinate.autorenew},
                        {"active", subordinate.active},
                        {"additional_claims", claims}};
}

}  // namespace inmor::admin
