// Admin users: accounts with argon2id password hashes.
#pragma once

#include "admin/database.h"
#include "admin/repository_support.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace inmor::admin {

/// Shortest password accepted for a new or changed password.
inline constexpr std::size_t kMinPasswordBytes = 8;
/// Maximum username length in bytes.
inline constexpr std::size_t kMaxUsernameBytes = 150;

/// A row of `users`.
struct User {
    std::int64_t id = 0;
    std::string username;
    std::string email;
    std::string password_hash;  ///< argon2id encoded string
    bool is_active = true;
    bool is_superuser = false;
    UnixSeconds created_at = 0;
    std::optional<UnixSeconds> last_login;
};

/// Checks a username: 1 to 150 letters, digits or `@ . + - _`.
Result<void> validate_username(std::string_view username);

/// Creates a user with a hashed password. kInvalidRequest naming the field
/// for a bad username, short password or a taken username
/// ("username: already exists").
Result<User> create_user(SqlExecutor& executor, std::string_view username, std::string_view email,
                         std::string_view password, bool is_superuser, UnixSeconds now);

/// The user with this id or name, or nullopt.
Result<std::optional<User>> find_user(SqlExecutor& executor, std::int64_t id);
Result<std::optional<User>> find_user_by_name(SqlExecutor& executor, std::string_view username);

/// Replaces the password hash.
Result<void> set_password(SqlExecutor& executor, std::int64_t user_id, std::string_view password);

/// Activates or deactivates an account.
Result<void> set_user_active(SqlExecutor& executor, std::int64_t user_id, bool active);

/// Checks a username and password. Returns the user (with last_login set to
/// `now`) or kInvalidClient "invalid username or password" for an unknown
/// user, a wrong password or an inactive account alike. An unknown user
/// still costs one argon2 verification, so timing does not reveal names.
Result<User> authenticate_password(SqlExecutor& executor, std::string_view username,
                                   std::string_view password, UnixSeconds now);

/// `{id, username, email, is_active, is_superuser, created_at, last_login}`;
/// never the hash.
boost::json::object to_json(const User& user);

}  // namespace inmor::admin
