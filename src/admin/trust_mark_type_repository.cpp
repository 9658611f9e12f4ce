// CRUD and validation of trust mark types.
#include "admin/trust_mark_type_repository.h"

namespace inmor::admin {
namespace {

constexpr std::string_view kColumns = "id, tmtype, autorenew, valid_for, renewal_time, active";

TrustMarkType read_type(const Row& row) {
    return TrustMarkType{row.integer(0), row.text(1), row.boolean(2),
                         row.integer(3), row.integer(4), row.boolean(5)};
}

Result<void> validate_durations(std::int64_t valid_for, std::int64_t renewal_time) {
    if (valid_for <= 0) {
        return field_error("valid_for", "must be a positive integer");
    }
    if (valid_for > kMaxTrustMarkValidForHours) {
        return field_error("valid_for", "must be at most " +
                                            std::to_string(kMaxTrustMarkValidForHours) +
                                            " hours");
    }
    if (renewal_time < 0) {
        return field_error("renewal_time", "must not be negative");
    }
    if (renewal_time >= valid_for) {
        return field_error("renewal_time", "must be less than valid_for");
    }
    return {};
}

Result<void> validate_name(std::string_view tmtype) {
    if (tmtype.empty()) {
        return field_error("tmtype", "must not be empty");
    }
    if (tmtype.size() > kMaxTrustMarkTypeBytes) {
        return field_error("tmtype", "must be at most 2048 bytes");
    }
    for (char c : tmtype) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            return field_error("tmtype", "must not contain spaces or control characters");
        }
    }
    return {};
}

}  // namespace

Result<Inserted<TrustMarkType>> create_trust_mark_type(SqlExecutor& executor,
                                                       const TrustMarkTypeInput& input,
                                                       const TrustMarkTypeDefaults& defaults) {
    TrustMarkType type{0,
                       input.tmtype,
                       input.autorenew.value_or(defaults.autorenew),
                       input.valid_for.value_or(defaults.valid_for),
                       input.renewal_time.value_or(defaults.renewal_time),
                       input.active.value_or(defaults.active)};
    if (Result<void> valid = validate_name(type.tmtype); !valid) {
        return valid.error();
    }
    if (Result<void> valid = validate_durations(type.valid_for, type.renewal_time); !valid) {
        return valid.error();
    }

    Result<std::optional<TrustMarkType>> existing =
        find_trust_mark_type_by_name(executor, type.tmtype);
    if (!existing) {
        return existing.error();
    }
    if (existing->has_value()) {
        return Inserted<TrustMarkType>{std::move(**existing), true};
    }

    // A concurrent create of the same type may commit between the lookup
    // above and this insert (PostgreSQL's READ COMMITTED allows it), so a
    // conflict inserts nothing and the winner's row is the duplicate.
    Result<std::optional<Row>> inserted = executor.query_one(
        "INSERT INTO trust_mark_types (tmtype, autorenew, valid_for, renewal_time, active) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tmtype) DO NOTHING RETURNING id",
        {type.tmtype, std::int64_t{type.autorenew}, type.valid_for, type.renewal_time,
         std::int64_t{type.active}});
    if (!inserted) {
        return inserted.error();
    }
    if (!inserted->has_value()) {
        Result<std::optional<TrustMarkType>> winner =
            find_trust_mark_type_by_name(executor, type.tmtype);
        if (!winner) {
            return winner.error();
        }
        if (!winner->has_value()) {
            return Error(ErrorCode::kTemporarilyUnavailable,
                         "tmtype: a concurrent create conflicted, try again");
        }
        return Inserted<TrustMarkType>{std::move(**winner), true};
    }
    type.id = (*inserted)->integer(0);
    return Inserted<TrustMarkType>{std::move(type), false};
}

Result<std::optional<TrustMarkType>> find_trust_mark_type(SqlExecutor& executor,
                                                          std::int64_t id) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT " + std::string(kColumns) + " FROM trust_mark_types WHERE id = ?", {id});
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<TrustMarkType>();
    }
    return std::optional<TrustMarkType>(read_type(**row));
}

Result<std::optional<TrustMarkType>> find_trust_mark_type_by_name(SqlExecutor& executor,
                                                                  std::string_view tmtype) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT " + std::string(kColumns) + " FROM trust_mark_types WHERE tmtype = ?",
        {std::string(tmtype)});
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<TrustMarkType>();
    }
    return std::optional<TrustMarkType>(read_type(**row));
}

Result<Page<TrustMarkType>> list_trust_mark_types(SqlExecutor& executor,
                                                  const PageRequest& page) {
    if (Result<void> valid = validate_page(page); !valid) {
        return valid.error();
    }
    Result<std::int64_t> count = count_rows(executor, "SELECT COUNT(*) FROM trust_mark_types");
    if (!count) {
        return count.error();
    }

    Result<std::vector<Row>> rows = executor.query(
        "SELECT " + std::string(kColumns) + " FROM trust_mark_types ORDER BY id LIMIT ? OFFSET ?",
        with_page({}, page));
    if (!rows) {
        return rows.error();
    }
    Page<TrustMarkType> result{*count, {}};
    for (const Row& row : *rows) {
        result.items.push_back(read_type(row));
    }
    return result;
}

Result<std::vector<std::string>> active_trust_mark_types(SqlExecutor& executor) {
    Result<std::vector<TrustMarkType>> types = list_all_pages<TrustMarkType>(
        [&](const PageRequest& page) { return list_trust_mark_types(executor, page); });
    if (!types) {
        return types.error();
    }
    std::vector<std::string> active;
    for (const TrustMarkType& type : *types) {
        if (type.active) {
            active.push_back(type.tmtype);
        }
    }
    return active;
}

Result<TrustMarkType> update_trust_mark_type(SqlExecutor& executor, std::int64_t id,
                                             const TrustMarkTypeUpdate& update) {
    Result<TrustMarkType> found =
        require_found(find_trust_mark_type(executor, id), "trust mark type", id);
    if (!found) {
        return found.error();
    }

    TrustMarkType type = std::move(*found);
    type.autorenew = update.autorenew.value_or(type.autorenew);
    type.valid_for = update.valid_for.value_or(type.valid_for);
    type.renewal_time = update.renewal_time.value_or(type.renewal_time);
    type.active = update.active.value_or(type.active);
    if (Result<void> valid = validate_durations(type.valid_for, type.renewal_time); !valid) {
        return valid.error();
    }

    Result<std::int64_t> changed = executor.execute(
        "UPDATE trust_mark_types SET autorenew = ?, valid_for = ?, renewal_time = ?, active = ? "
        "WHERE id = ?",
        {std::int64_t{type.autorenew}, type.valid_for, type.renewal_time,
         std::int64_t{type.active}, id});
    if (!changed) {
        return changed.error();
    }
    return type;
}

boost::json::object to_json(const TrustMarkType& type) {
    return boost::json::object{{"id", type.id},
                               {"tmtype", type.tmtype},
                               {"autorenew", type.autorenew},
                               {"valid_for", type.valid_for},
                               {"renewal_time", type.renewal_time},
                               {"active", type.active}};
}

}  // namespace inmor::admin
