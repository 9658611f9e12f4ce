// CRUD, validation and revocation of trust marks.
#include "admin/trust_mark_repository.h"

#include "admin/trust_mark_type_repository.h"
#include "common/clock.h"
#include "common/entity_id.h"
#include "storage/federation_store.h"

namespace inmor::admin {
namespace {

constexpr std::string_view kColumns =
    "id, tmt_id, domain, expire_at, autorenew, valid_for, renewal_time, active, mark, "
    "additional_claims, revoked_at";

Result<TrustMark> read_mark(const Row& row) {
    Result<std::optional<boost::json::object>> claims =
        stored_optional_object(row, 9, "additional_claims");
    if (!claims) {
        return claims.error();
    }
    return TrustMark{row.integer(0),      row.integer(1),     row.text(2),
                     row.optional_integer(3), row.boolean(4), row.integer(5),
                     row.integer(6),      row.boolean(7),     row.optional_text(8),
                     std::move(*claims),  row.optional_integer(10)};
}

Result<std::optional<TrustMark>> find_one(SqlExecutor& executor, std::string_view where,
                                          const SqlParams& params) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT " + std::string(kColumns) + " FROM trust_marks WHERE " + std::string(where),
        params);
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<TrustMark>();
    }
    Result<TrustMark> mark = read_mark(**row);
    if (!mark) {
        return mark.error();
    }
    return std::optional<TrustMark>(std::move(*mark));
}

// Durations may narrow the type's but never widen them.
Result<void> validate_against_type(const TrustMark& mark, const TrustMarkType& type) {
    if (mark.valid_for <= 0) {
        return field_error("valid_for", "must be a positive integer");
    }
    if (mark.valid_for > type.valid_for) {
        return field_error("valid_for", "must not exceed the trust mark type's " +
                                            std::to_string(type.valid_for) + " hours");
    }
    if (mark.renewal_time < 0) {
        return field_error("renewal_time", "must not be negative");
    }
    if (mark.renewal_time > type.renewal_time) {
        return field_error("renewal_time", "must not exceed the trust mark type's " +
                                               std::to_string(type.renewal_time) + " hours");
    }
    return {};
}

Result<void> store(SqlExecutor& executor, const TrustMark& mark) {
    Result<std::int64_t> changed = executor.execute(
        "UPDATE trust_marks SET expire_at = ?, autorenew = ?, active = ?, mark = ?, "
        "additional_claims = ?, revoked_at = ? WHERE id = ?",
        {nullable(mark.expire_at), std::int64_t{mark.autorenew}, std::int64_t{mark.active},
         nullable(mark.mark), nullable(json_text(mark.additional_claims)),
         nullable(mark.revoked_at), mark.id});
    if (!changed) {
        return changed.error();
    }
    return {};
}

Result<TrustMark> find_existing(SqlExecutor& executor, std::int64_t id) {
    return require_found(find_trust_mark(executor, id), "trust mark", id);
}

}  // namespace

Result<Inserted<TrustMark>> create_trust_mark(SqlExecutor& executor, const TrustMarkInput& input,
                                              bool allow_http) {
    Result<EntityId> domain = EntityId::parse(input.domain, allow_http);
    if (!domain) {
        return domain.error().with_context("domain");
    }
    Result<TrustMarkType> type =
        require_found(find_trust_mark_type(executor, input.tmt_id), "trust mark type",
                      input.tmt_id);
    if (!type) {
        return type.error();
    }

    // Unset members inherit the type's settings.
    const TrustMarkType& defaults = *type;
    TrustMark mark;
    mark.tmt_id = input.tmt_id;
    mark.domain = domain->str();
    mark.autorenew = input.autorenew.value_or(defaults.autorenew);
    mark.valid_for = input.valid_for.value_or(defaults.valid_for);
    mark.renewal_time = input.renewal_time.value_or(defaults.renewal_time);
    mark.active = input.active.value_or(defaults.active);
    mark.additional_claims = input.additional_claims;
    if (Result<void> valid = validate_against_type(mark, defaults); !valid) {
        return valid.error();
    }

    Result<std::optional<TrustMark>> existing =
        find_one(executor, "tmt_id = ? AND domain = ?", {mark.tmt_id, mark.domain});
    if (!existing) {
        return existing.error();
    }
    if (existing->has_value()) {
        return Inserted<TrustMark>{std::move(**existing), true};
    }

    Result<std::optional<Row>> inserted = executor.query_one(
        "INSERT INTO trust_marks (tmt_id, domain, autorenew, valid_for, renewal_time, active, "
        "additional_claims) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (tmt_id, domain) DO NOTHING RETURNING id",
        {mark.tmt_id, mark.domain, std::int64_t{mark.autorenew}, mark.valid_for,
         mark.renewal_time, std::int64_t{mark.active},
         nullable(json_text(mark.additional_claims))});
    if (!inserted) {
        return inserted.error();
    }
    // A concurrent issue of the same mark committed after the lookup above.
    if (!inserted->has_value()) {
        Result<std::optional<TrustMark>> winner =
            find_one(executor, "tmt_id = ? AND domain = ?", {mark.tmt_id, mark.domain});
        if (!winner) {
            return winner.error();
        }
        if (!winner->has_value()) {
            return Error(ErrorCode::kTemporarilyUnavailable,
                         "domain: a concurrent issue conflicted, try again");
        }
        return Inserted<TrustMark>{std::move(**winner), true};
    }
    mark.id = (*inserted)->integer(0);
    return Inserted<TrustMark>{std::move(mark), false};
}

Result<std::optional<TrustMark>> find_trust_mark(SqlExecutor& executor, std::int64_t id) {
    return find_one(executor, "id = ?", {id});
}

Result<Page<TrustMark>> list_trust_marks(SqlExecutor& executor, const PageRequest& page,
                                         const std::optional<std::string>& domain) {
    if (Result<void> valid = validate_page(page); !valid) {
        return valid.error();
    }
    std::string where = domain ? " WHERE domain = ?" : "";
    SqlParams params;
    if (domain) {
        params.emplace_back(*domain);
    }

    Result<std::int64_t> count =
        count_rows(executor, "SELECT COUNT(*) FROM trust_marks" + where, params);
    if (!count) {
        return count.error();
    }
    Result<std::vector<Row>> rows =
        executor.query("SELECT " + std::string(kColumns) + " FROM trust_marks" + where +
                           " ORDER BY id LIMIT ? OFFSET ?",
                       with_page(params, page));
    if (!rows) {
        return rows.error();
    }

    Page<TrustMark> result{*count, {}};
    for (const Row& row : *rows) {
        Result<TrustMark> mark = read_mark(row);
        if (!mark) {
            return mark.error();
        }
        result.items.push_back(std::move(*mark));
    }
    return result;
}

Result<TrustMark> update_trust_mark(SqlExecutor& executor, std::int64_t id,
                                    const TrustMarkUpdate& update, UnixSeconds now) {
    Result<TrustMark> found = find_existing(executor, id);
    if (!found) {
        return found.error();
    }
    TrustMark mark = std::move(*found);

    mark.autorenew = update.autorenew.value_or(mark.autorenew);
    if (update.additional_claims) {
        mark.additional_claims = update.additional_claims;
    }
    if (update.active == true && mark.revoked_at) {
        return field_error("active", "a revoked trust mark cannot be reactivated");
    }
    if (update.active == false && mark.active) {
        mark.active = false;
        mark.mark.reset();
        mark.revoked_at = now;
    }

    if (Result<void> stored = store(executor, mark); !stored) {
        return stored.error();
    }
    return mark;
}

Result<TrustMark> record_issued_trust_mark(SqlExecutor& executor, std::int64_t id,
                                           const std::string& signed_mark,
                                           UnixSeconds expire_at) {
    Result<TrustMark> found = find_existing(executor, id);
    if (!found) {
        return found.error();
    }
    TrustMark mark = std::move(*found);
    if (!mark.active || mark.revoked_at) {
        return field_error("active", "an inactive or revoked trust mark is not issued");
    }

    mark.mark = signed_mark;
    mark.expire_at = expire_at;
    if (Result<void> stored = store(executor, mark); !stored) {
        return stored.error();
    }
    // Revocation clears the JWT but keeps this digest.
    Result<void> recorded =
        record_trust_mark_digest(executor, id, signed_mark, system_clock().now());
    if (!recorded) {
        return recorded.error();
    }
    return mark;
}

Result<void> record_trust_mark_digest(SqlExecutor& executor, std::int64_t id,
                                      const std::string& mark, UnixSeconds issued_at) {
    Result<std::int64_t> inserted = executor.execute(
        "INSERT INTO issued_trust_marks (digest, trust_mark_id, issued_at) VALUES (?, ?, ?) "
        "ON CONFLICT (digest) DO NOTHING",
        {storage::keys::trust_mark_digest(mark), id, issued_at});
    if (!inserted) {
        return inserted.error();
    }
    return {};
}

Result<std::vector<std::string>> issued_trust_mark_digests(SqlExecutor& executor) {
    Result<std::vector<Row>> rows =
        executor.query("SELECT digest FROM issued_trust_marks ORDER BY digest");
    if (!rows) {
        return rows.error();
    }
    std::vector<std::string> digests;
    digests.reserve(rows->size());
    for (const Row& row : *rows) {
        digests.push_back(row.text(0));
    }
    return digests;
}

boost::json::object to_json(const TrustMark& mark) {
    boost::json::value claims = nullptr;
    if (mark.additional_claims) {
        claims = *mark.additional_claims;
    }
    boost::json::value signed_mark = nullptr;
    if (mark.mark) {
        signed_mark = boost::json::string(*mark.mark);
    }
    return boost::json::object{{"id", mark.id},
                               {"tmt_id", mark.tmt_id},
                               {"domain", mark.domain},
                               {"expire_at", timestamp_json(mark.expire_at)},
                               {"autorenew", mark.autorenew},
                               {"valid_for", mark.valid_for},
                               {"renewal_time", mark.renewal_time},
                               {"active", mark.active},
                               {"mark", signed_mark},
                               {"additional_claims", claims}};
}

}  // namespace inmor::admin
