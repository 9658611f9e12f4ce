// /users and /mfa/*: accounts (superusers manage every account, a user
// edits only their own email and password) and TOTP enrolment.
#include "admin/api/admin_routes.h"
#include "admin/api/authentication.h"
#include "admin/mfa.h"
#include "admin/password_hash.h"
#include "common/logging.h"

#include <boost/json/array.hpp>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

ApiError forbidden(std::string message) { return ApiError{403, std::move(message), {}}; }

ApiError only_superusers() {
    return forbidden("only a superuser may manage other users' accounts");
}

User read_user(const Row& row) {
    User user;
    user.id = row.integer(0);
    user.username = row.text(1);
    user.email = row.text(2);
    user.is_active = row.boolean(3);
    user.is_superuser = row.boolean(4);
    user.created_at = row.integer(5);
    user.last_login = row.optional_integer(6);
    return user;
}

Result<Page<User>> list_users(SqlExecutor& executor, const PageRequest& page) {
    Result<std::int64_t> count = count_rows(executor, "SELECT COUNT(*) FROM users");
    if (!count) return count.error();
    Result<std::vector<Row>> rows = executor.query(
        "SELECT id, username, email, is_active, is_superuser, created_at, last_login FROM users "
        "ORDER BY id LIMIT ? OFFSET ?",
        with_page({}, page));
    if (!rows) return rows.error();
    Page<User> users{*count, {}};
    for (const Row& row : *rows) users.items.push_back(read_user(row));
    return users;
}

// A user's JSON inside a transaction, as the API and audit entries show it.
Result<json::object> snapshot(SqlExecutor& executor, const User& user) {
    auto body = user_json(executor, user);
    if (!body) return Error::server_error(body.error().message);
    return std::move(*body);
}

ApiResult<User> existing_user(SqlExecutor& executor, std::int64_t id) {
    auto user = find_user(executor, id);
    if (!user) return api_error_from(user.error());
    if (!user->has_value()) return ApiError{404, "user not found: " + std::to_string(id), {}};
    return std::move(**user);
}

http::Response list(const AdminServices& services, const ApiCall& call) {
    if (!call.caller.is_superuser) return api_error_response(only_superusers());
    auto page = page_request(call.request);
    if (!page) return api_error_response(page.error());
    auto users = list_users(services.database, *page);
    if (!users) return api_error_response(api_error_from(users.error()));

    json::array items;
    for (const User& user : users->items) {
        auto body = user_json(services.database, user);
        if (!body) return api_error_response(body.error());
        items.emplace_back(std::move(*body));
    }
    return api_json_response(json::object{{"count", users->count}, {"items", std::move(items)}});
}

http::Response create(const AdminServices& services, const ApiCall& call) {
    if (!call.caller.is_superuser) return api_error_response(only_superusers());
    auto body = body_object(call.request);
    if (!body) return api_error_response(body.error());
    if (auto known = reject_unknown_members(*body, {"username", "email", "password", "is_superuser"});
        !known) {
        return api_error_response(known.error());
    }
    auto username = string_member(*body, "username", true);
    if (!username) return api_error_response(username.error());
    auto email = string_member(*body, "email", false);
    if (!email) return api_error_response(email.error());
    auto password = string_member(*body, "password", true);
    if (!password) return api_error_response(password.error());
    auto superuser = bool_member(*body, "is_superuser");
    if (!superuser) return api_error_response(superuser.error());
    if ((*password)->size() > kMaxPasswordBytes) {
        return api_error_response(ApiError{
            400, "password: longer than " + std::to_string(kMaxPasswordBytes) + " bytes", {}});
    }

    // A name in use gets 403 with the existing account's id, as duplicates do
    // everywhere in this API.
    auto same_name = find_user_by_name(services.database, **username);
    if (!same_name) return api_error_response(api_error_from(same_name.error()));
    if (same_name->has_value()) {
        return api_error_response(ApiError{403, "username: already exists", (*same_name)->id});
    }

    const UnixSeconds now = services.clock.now();
    auto created = services.database.with_transaction([&](SqlExecutor& tx) -> Result<json::object> {
        auto user = create_user(tx, **username, email->value_or(""), **password,
                                superuser->value_or(false), now);
        if (!user) return user.error();
        auto after = snapshot(tx, *user);
        if (!after) return after.error();
        auto audited = write_audit(tx, call.actor, now, "create", "user", std::to_string(user->id),
                                   std::nullopt, *after);
        if (!audited) return audited.error();
        return after;
    });
    if (!created) return api_error_response(api_error_from(created.error()));
    logger("admin")->info("user created username={} by={}", **username, call.actor.username);
    return api_json_response(*created, 201);
}

http::Response get_one(const AdminServices& services, const ApiCall& call) {
    auto id = path_id(call, "user");
    if (!id) return api_error_response(id.error());
    if (!call.caller.is_superuser && *id != call.caller.user_id) {
        return api_error_response(only_superusers());
    }
    auto user = existing_user(services.database, *id);
    if (!user) return api_error_response(user.error());
    auto body = user_json(services.database, *user);
    if (!body) return api_error_response(body.error());
    return api_json_response(*body);
}

// The checked members of a PUT /users/{id} body.
struct UserUpdate {
    std::optional<std::string> email;
    std::optional<std::string> password;
    std::optional<bool> is_superuser;
    std::optional<bool> is_active;
};

ApiResult<UserUpdate> read_update(const http::Request& request, const Caller& caller,
                                  std::int64_t id) {
    auto body = body_object(request);
    if (!body) return body.error();
    if (auto known = reject_unknown_members(*body, {"email", "password", "is_superuser",
                                                    "is_active"});
        !known) {
        return known.error();
    }
    UserUpdate update;
    auto email = string_member(*body, "email", false);
    auto password = string_member(*body, "password", false);
    auto superuser = bool_member(*body, "is_superuser");
    auto active = bool_member(*body, "is_active");
    if (!email) return email.error();
    if (!password) return password.error();
    if (!superuser) return superuser.error();
    if (!active) return active.error();
    update = UserUpdate{*email, *password, *superuser, *active};

    if (update.email && (update.email->size() > 254 ||
                         (!update.email->empty() && update.email->find('@') == std::string::npos))) {
        return ApiError{400, "email: must be an email address", {}};
    }
    if (update.password && (update.password->size() < kMinPasswordBytes ||
                            update.password->size() > kMaxPasswordBytes)) {
        return ApiError{400, "password: must be " + std::to_string(kMinPasswordBytes) + " to " +
                                 std::to_string(kMaxPasswordBytes) + " bytes", {}};
    }
    const bool own = id == caller.user_id;
    if (!caller.is_superuser && (!own || update.is_superuser || update.is_active)) {
        return only_superusers();
    }
    // Refusing to lock oneself out keeps at least the acting superuser.
    if (own && update.is_active == false) {
        return ApiError{400, "is_active: you cannot deactivate your own account", {}};
    }
    if (own && caller.is_superuser && update.is_superuser == false) {
        return ApiError{400, "is_superuser: you cannot remove your own superuser status", {}};
    }
    return update;
}

Result<void> apply_update(SqlExecutor& tx, const User& user, const UserUpdate& update,
                          const Caller& caller) {
    auto run = [&](std::string_view sql, SqlParams params) -> Result<void> {
        auto changed = tx.execute(sql, params);
        if (!changed) return changed.error();
        return {};
    };
    if (update.email) {
        if (auto done = run("UPDATE users SET email = ? WHERE id = ?", {*update.email, user.id});
            !done) {
            return done;
        }
    }
    if (update.is_superuser) {
        if (auto done = run("UPDATE users SET is_superuser = ? WHERE id = ?",
                            {std::int64_t{*update.is_superuser}, user.id});
            !done) {
            return done;
        }
    }
    if (update.is_active) {
        if (auto done = set_user_active(tx, user.id, *update.is_active); !done) return done;
    }
    if (update.password) {
        if (auto done = set_password(tx, user.id, *update.password); !done) return done;
    }
    // A new password or a deactivation ends the account's other sessions; the
    // caller's own session survives a change of its own password.
    if (update.password || update.is_active == false) {
        return run("DELETE FROM sessions WHERE user_id = ? AND id <> ?",
                   {user.id, caller.user_id == user.id ? caller.session_id : std::string()});
    }
    return {};
}

http::Response update(const AdminServices& services, const ApiCall& call) {
    auto id = path_id(call, "user");
    if (!id) return api_error_response(id.error());
    auto existing = existing_user(services.database, *id);
    if (!existing) {
        // Non-superusers learn nothing about other accounts.
        if (!call.caller.is_superuser) return api_error_response(only_superusers());
        return api_error_response(existing.error());
    }
    auto changes = read_update(call.request, call.caller, *id);
    if (!changes) return api_error_response(changes.error());

    const UnixSeconds now = services.clock.now();
    auto updated = services.database.with_transaction([&](SqlExecutor& tx) -> Result<json::object> {
        auto before = snapshot(tx, *existing);
        if (!before) return before.error();
        if (auto applied = apply_update(tx, *existing, *changes, call.caller); !applied) {
            return applied.error();
        }
        auto user = find_user(tx, *id);
        if (!user) return user.error();
        if (!user->has_value()) return Error::not_found("user not found: " + std::to_string(*id));
        auto after = snapshot(tx, **user);
        if (!after) return after.error();
        if (changes->password) (*after)["password_changed"] = true;
        auto audited = write_audit(tx, call.actor, now, "update", "user", std::to_string(*id),
                                   *before, *after);
        if (!audited) return audited.error();
        after->erase("password_changed");
        return after;
    });
    if (!updated) return api_error_response(api_error_from(updated.error()));
    logger("admin")->info("user updated user_id={} by={}", *id, call.actor.username);
    return api_json_response(*updated);
}

// MFA enrolment of the caller's own account.

json::object mfa_state(bool enabled) { return json::object{{"mfa_enabled", enabled}}; }

http::Response totp_begin(const AdminServices& services, const ApiCall& call) {
    auto body = body_object(call.request, true);
    if (!body) return api_error_response(body.error());
    auto user = existing_user(services.database, call.caller.user_id);
    if (!user) return api_error_response(user.error());
    auto enabled = mfa_enabled(services.database, user->id);
    if (!enabled) return api_error_response(api_error_from(enabled.error()));
    // Restarting enrolment would replace a working secret without a code.
    if (*enabled) {
        return api_error_response(
            ApiError{400, "MFA is already enabled: disable it with a code first", {}});
    }

    const UnixSeconds now = services.clock.now();
    auto enrolment = services.database.with_transaction([&](SqlExecutor& tx)
                                                            -> Result<MfaEnrolment> {
        auto started = begin_mfa_enrolment(tx, user->id);
        if (!started) return started.error();
        auto audited = write_audit(tx, call.actor, now, "begin_mfa", "user",
                                   std::to_string(user->id), mfa_state(false), mfa_state(false));
        if (!audited) return audited.error();
        return started;
    });
    if (!enrolment) return api_error_response(api_error_from(enrolment.error()));

    // The authenticator app shows the issuer: the anchor's entity identifier.
    const std::string uri = totp_uri(services.config.domain, user->username,
                                     enrolment->secret_base32);
    return api_json_response(
        json::object{{"secret", enrolment->secret_base32}, {"otpauth_uri", uri}});
}

// Confirms the pending enrolment and hands out a fresh set of recovery
// codes, which is the only time they are shown.
// NOTE: begin_mfa_enrolment is the one function that makes and hashes
// recovery codes, and it also draws a new TOTP secret. So confirmation calls
// it again and then puts the confirmed secret back, all in one transaction.
// A mfa.h function that replaces only the codes would make this simpler.
Result<std::vector<std::string>> confirm_and_issue_codes(SqlExecutor& tx, std::int64_t user_id,
                                                         std::string_view code, UnixSeconds now) {
    auto stored = tx.query_one("SELECT totp_secret FROM mfa_secrets WHERE user_id = ? AND "
                               "confirmed = 0",
                               {user_id});
    if (!stored) return stored.error();
    if (!stored->has_value()) {
        return Error::invalid_request("code: no MFA enrolment is pending; POST /mfa/totp/begin");
    }
    const std::string secret = (*stored)->text(0);

    auto codes = begin_mfa_enrolment(tx, user_id);
    if (!codes) return codes.error();
    auto restored = tx.execute("UPDATE mfa_secrets SET totp_secret = ? WHERE user_id = ?",
                               {secret, user_id});
    if (!restored) return restored.error();
    if (auto confirmed = confirm_mfa(tx, user_id, code, now); !confirmed) {
        return confirmed.error();
    }
    return std::move(codes->recovery_codes);
}

http::Response totp_confirm(const AdminServices& services, const ApiCall& call) {
    auto code = code_member(call.request);
    if (!code) return api_error_response(code.error());

    const UnixSeconds now = services.clock.now();
    auto codes = services.database.with_transaction([&](SqlExecutor& tx)
                                                        -> Result<std::vector<std::string>> {
        auto issued = confirm_and_issue_codes(tx, call.caller.user_id, *code, now);
        if (!issued) return issued.error();
        auto audited = write_audit(tx, call.actor, now, "enable_mfa", "user",
                                   std::to_string(call.caller.user_id), mfa_state(false),
                                   mfa_state(true));
        if (!audited) return audited.error();
        return issued;
    });
    if (!codes) return api_error_response(api_error_from(codes.error()));
    logger("admin")->info("mfa enabled username={}", call.actor.username);

    json::array list(codes->begin(), codes->end());
    return api_json_response(json::object{{"recovery_codes", std::move(list)}});
}

http::Response mfa_disable(const AdminServices& services, const ApiCall& call) {
    auto code = code_member(call.request);
    if (!code) return api_error_response(code.error());
    auto enabled = mfa_enabled(services.database, call.caller.user_id);
    if (!enabled) return api_error_response(api_error_from(enabled.error()));
    if (!*enabled) return api_error_response(ApiError{400, "MFA is not enabled", {}});

    const UnixSeconds now = services.clock.now();
    const bool totp = code->size() == kTotpDigits &&
                      code->find_first_not_of("0123456789") == std::string::npos;
    auto disabled = services.database.with_transaction([&](SqlExecutor& tx) -> Result<bool> {
        Result<void> verified = totp ? verify_totp(tx, call.caller.user_id, *code, now)
                                     : use_recovery_code(tx, call.caller.user_id, *code);
        if (!verified) {
            if (verified.error().code() == ErrorCode::kInvalidClient) {
                return Error::invalid_request("code: does not match the authenticator or a "
                                              "recovery code");
            }
            return verified.error();
        }
        if (auto removed = disable_mfa(tx, call.caller.user_id); !removed) return removed.error();
        auto audited = write_audit(tx, call.actor, now, "disable_mfa", "user",
                                   std::to_string(call.caller.user_id), mfa_state(true),
                                   mfa_state(false));
        if (!audited) return audited.error();
        return true;
    });
    if (!disabled) return api_error_response(api_error_from(disabled.error()));
    logger("admin")->info("mfa disabled username={}", call.actor.username);
    return api_json_response(json::object{});
}

using Handler = http::Response (*)(const AdminServices&, const ApiCall&);

ApiHandler bind(const AdminServices& services, Handler handler) {
    return [services, handler](const ApiCall& call) { return handler(services, call); };
}

}  // namespace

std::vector<ApiRoute> user_routes(const AdminServices& services) {
    return {
        {"GET", "/users", bind(services, &list),
         "List user accounts (superusers only); paging with limit and offset"},
        {"POST", "/users", bind(services, &create),
         "Create an account from {username, email, password, is_superuser} (superusers only); "
         "403 with the id when the name is taken"},
        {"GET", "/users/{id}", bind(services, &get_one), "One account (own, or any for superusers)"},
        {"PUT", "/users/{id}", bind(services, &update),
         "Change {email, password} of the own account, or also {is_superuser, is_active} as "
         "a superuser"},
    };
}

std::vector<ApiRoute> mfa_routes(const AdminServices& services) {
    return {
        {"POST", "/mfa/totp/begin", bind(services, &totp_begin),
         "Start TOTP enrolment of the own account: {secret, otpauth_uri}"},
        {"POST", "/mfa/totp/confirm", bind(services, &totp_confirm),
         "Confirm enrolment with a first {code}: {recovery_codes}, shown only here"},
        {"POST", "/mfa/disable", bind(services, &mfa_disable),
         "Remove the second factor; needs a current {code} or a recovery code"},
    };
}

}  // namespace inmor::admin::api
