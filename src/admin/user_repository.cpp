// Users, password checks and the user JSON shape.
#include "admin/user_repository.h"

#include "admin/password_hash.h"

namespace inmor::admin {
namespace {

constexpr std::string_view kColumns =
    "id, username, email, password_hash, is_active, is_superuser, created_at, last_login";

User read_user(const Row& row) {
    return User{row.integer(0), row.text(1),    row.text(2),    row.text(3),
                row.boolean(4), row.boolean(5), row.integer(6), row.optional_integer(7)};
}

Result<std::optional<User>> find_one(SqlExecutor& executor, std::string_view where,
                                     const SqlParams& params) {
    Result<std::optional<Row>> row = executor.query_one(
        "SELECT " + std::string(kColumns) + " FROM users WHERE " + std::string(where), params);
    if (!row) {
        return row.error();
    }
    if (!row->has_value()) {
        return std::optional<User>();
    }
    return std::optional<User>(read_user(**row));
}

Result<std::string> hash_new_password(std::string_view password) {
    if (password.size() < kMinPasswordBytes) {
        return field_error("password", "must be at least 8 characters");
    }
    return hash_password(password);
}

bool is_username_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '@' || c == '.' || c == '+' || c == '-' || c == '_';
}

// A hash of a random password, verified against when the user does not
// exist so both paths do the same argon2 work.
const std::string& timing_hash() {
    static const std::string hash = hash_password("not a password of any user").value();
    return hash;
}

}  // namespace

Result<void> validate_username(std::string_view username) {
    if (username.empty() || username.size() > kMaxUsernameBytes) {
        return field_error("username", "must be 1 to 150 characters");
    }
    for (char c : username) {
        if (!is_username_character(c)) {
            return field_error("username", "may hold only letters, digits and @ . + - _");
        }
    }
    return {};
}

Result<User> create_user(SqlExecutor& executor, std::string_view username, std::string_view email,
                         std::string_view password, bool is_superuser, UnixSeconds now) {
    if (Result<void> valid = validate_username(username); !valid) {
        return valid.error();
    }
    if (email.size() > 254 || (!email.empty() && email.find('@') == std::string_view::npos)) {
        return field_error("email", "must be an email address");
    }
    Result<std::string> hash = hash_new_password(password);
    if (!hash) {
        return hash.error();
    }

    Result<std::optional<Row>> inserted = executor.query_one(
        "INSERT INTO users (username, email, password_hash, is_active, is_superuser, created_at) "
        "VALUES (?, ?, ?, 1, ?, ?) RETURNING id",
        {std::string(username), std::string(email), *hash, std::int64_t{is_superuser}, now});
    if (!inserted) {
        return inserted.error();
    }
    return User{(*inserted)->integer(0), std::string(username), std::string(email), *hash, true,
                is_superuser, now, std::nullopt};
}

Result<std::optional<User>> find_user(SqlExecutor& executor, std::int64_t id) {
    return find_one(executor, "id = ?", {id});
}

Result<std::optional<User>> find_user_by_name(SqlExecutor& executor, std::string_view username) {
    return find_one(executor, "username = ?", {std::string(username)});
}

Result<void> set_password(SqlExecutor& executor, std::int64_t user_id,
                          std::string_view password) {
    Result<std::string> hash = hash_new_password(password);
    if (!hash) {
        return hash.error();
    }
    Result<std::int64_t> changed =
        executor.execute("UPDATE users SET password_hash = ? WHERE id = ?", {*hash, user_id});
    if (!changed) {
        return changed.error();
    }
    if (*changed == 0) {
        return not_found_error("user", user_id);
    }
    return {};
}

Result<void> set_user_active(SqlExecutor& executor, std::int64_t user_id, bool active) {
    Result<std::int64_t> changed = executor.execute("UPDATE users SET is_active = ? WHERE id = ?",
                                                    {std::int64_t{active}, user_id});
    if (!changed) {
        return changed.error();
    }
    if (*changed == 0) {
        return not_found_error("user", user_id);
    }
    return {};
}

Result<User> authenticate_password(SqlExecutor& executor, std::string_view username,
                                   std::string_view password, UnixSeconds now) {
    Error rejected(ErrorCode::kInvalidClient, "invalid username or password");
    Result<std::optional<User>> found = find_user_by_name(executor, username);
    if (!found) {
        return found.error();
    }
    if (!found->has_value()) {
        (void)verify_password(timing_hash(), password);
        return rejected;
    }

    User user = std::move(**found);
    if (!verify_password(user.password_hash, password) || !user.is_active) {
        return rejected;
    }

    Result<std::int64_t> recorded =
        executor.execute("UPDATE users SET last_login = ? WHERE id = ?", {now, user.id});
    if (!recorded) {
        return recorded.error();
    }
    user.last_login = now;
    return user;
}

boost::json::object to_json(const User& user) {
    return boost::json::object{{"id", user.id},
                               {"username", user.username},
                               {"email", user.email},
                               {"is_active", user.is_active},
                               {"is_superuser", user.is_superuser},
                               {"created_at", format_timestamp(user.created_at)},
                               {"last_login", timestamp_json(user.last_login)}};
}

}  // namespace inmor::admin
