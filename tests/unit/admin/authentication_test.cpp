// Passwords, users, API keys and sessions.
#include "database_test_fixture.h"

#include "admin/api_key_repository.h"
#include "admin/password_hash.h"
#include "admin/secrets.h"
#include "admin/session_store.h"
#include "admin/user_repository.h"

#include <gtest/gtest.h>

namespace inmor::admin {
namespace {

TEST(PasswordHash, VerifiesOnlyTheRightPassword) {
    Result<std::string> hash = hash_password("correct horse");

    ASSERT_TRUE(hash.has_value());
    EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    EXPECT_TRUE(verify_password(*hash, "correct horse"));
    EXPECT_FALSE(verify_password(*hash, "correct horsf"));
    EXPECT_FALSE(verify_password(*hash, ""));
}

TEST(PasswordHash, SaltsEveryHash) {
    Result<std::string> first = hash_password("same");
    Result<std::string> second = hash_password("same");

    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(second.has_value());
    EXPECT_NE(*first, *second);
}

TEST(PasswordHash, MalformedHashNeverVerifies) {
    EXPECT_FALSE(verify_password("", "x"));
    EXPECT_FALSE(verify_password("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
    EXPECT_FALSE(verify_password("$argon2id$garbage", "x"));
}

TEST(Secrets, Sha256MatchesKnownDigest) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class UserAuthenticationTest : public testing::DatabaseTest {
protected:
    void SetUp() override {
        DatabaseTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        Result<User> user = create_user(database(), "alice", "alice@example.test",
                                        "password123", true, 100);
        ASSERT_TRUE(user.has_value()) << user.error().message();
        user_ = *user;
    }

    User user_;
};

TEST_P(UserAuthenticationTest, PasswordLoginRecordsLastLogin) {
    Result<User> user = authenticate_password(database(), "alice", "password123", 500);

    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(user->id, user_.id);
    EXPECT_EQ(user->last_login, 500);
    EXPECT_EQ((*find_user(database(), user_.id))->last_login, 500);
}

TEST_P(UserAuthenticationTest, WrongPasswordUnknownUserAndInactiveLookAlike) {
    Result<User> wrong = authenticate_password(database(), "alice", "password124", 1);
    Result<User> unknown = authenticate_password(database(), "bob", "password123", 1);
    ASSERT_TRUE(set_user_active(database(), user_.id, false).has_value());
    Result<User> inactive = authenticate_password(database(), "alice", "password123", 1);

    for (const Result<User>* result : {&wrong, &unknown, &inactive}) {
        ASSERT_FALSE(result->has_value());
        EXPECT_EQ(result->error().code(), ErrorCode::kInvalidClient);
        EXPECT_EQ(result->error().message(), "invalid username or password");
    }
}

TEST_P(UserAuthenticationTest, UserValidationNamesTheField) {
    Result<User> duplicate_name = create_user(database(), "alice", "", "password123", false, 1);
    Result<User> bad_name = create_user(database(), "al ice", "", "password123", false, 1);
    Result<User> short_password = create_user(database(), "carol", "", "short", false, 1);
    Result<User> bad_email = create_user(database(), "dave", "nope", "password123", false, 1);

    ASSERT_FALSE(duplicate_name.has_value());
    EXPECT_EQ(duplicate_name.error().message(), "username: already exists");
    ASSERT_FALSE(bad_name.has_value());
    EXPECT_TRUE(bad_name.error().message().starts_with("username: "));
    ASSERT_FALSE(short_password.has_value());
    EXPECT_EQ(short_password.error().message(), "password: must be at least 8 characters");
    ASSERT_FALSE(bad_email.has_value());
    EXPECT_EQ(bad_email.error().message(), "email: must be an email address");
}

TEST_P(UserAuthenticationTest, PasswordChangeTakesEffect) {
    ASSERT_TRUE(set_password(database(), user_.id, "new-password").has_value());

    EXPECT_FALSE(authenticate_password(database(), "alice", "password123", 1).has_value());
    EXPECT_TRUE(authenticate_password(database(), "alice", "new-password", 1).has_value());
}

TEST_P(UserAuthenticationTest, ApiKeyLifecycle) {
    Result<NewApiKey> created = create_api_key(database(), user_.id, "ci", std::nullopt, 100);
    ASSERT_TRUE(created.has_value()) << created.error().message();
    EXPECT_TRUE(created->secret.starts_with("inmor_" + created->key.prefix + "_"));
    EXPECT_EQ(created->key.prefix.size(), 8u);
    EXPECT_GE(created->secret.size(), 6 + 8 + 1 + 43u);

    Result<ApiKey> used = authenticate_api_key(database(), created->secret, 200);
    ASSERT_TRUE(used.has_value());
    EXPECT_EQ(used->username, "alice");
    EXPECT_EQ(used->last_used_at, 200);
    Result<std::vector<ApiKey>> listed = list_api_keys(database());
    ASSERT_TRUE(listed.has_value());
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].last_used_at, 200);

    ASSERT_TRUE(revoke_api_key(database(), created->key.prefix).has_value());
    Result<ApiKey> revoked = authenticate_api_key(database(), created->secret, 300);
    ASSERT_FALSE(revoked.has_value());
    EXPECT_EQ(revoked.error().code(), ErrorCode::kInvalidClient);
}

TEST_P(UserAuthenticationTest, ApiKeyStoredOnlyAsDigest) {
    Result<NewApiKey> created = create_api_key(database(), user_.id, "ci", std::nullopt, 100);
    ASSERT_TRUE(created.has_value());

    Result<std::optional<Row>> row = database().query_one("SELECT key_hash FROM api_keys");

    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->text(0), sha256_hex(created->secret));
}

TEST_P(UserAuthenticationTest, ExpiredApiKeyIsRejected) {
    Result<NewApiKey> created = create_api_key(database(), user_.id, "ci", 150, 100);
    ASSERT_TRUE(created.has_value());

    EXPECT_TRUE(authenticate_api_key(database(), created->secret, 149).has_value());
    Result<ApiKey> expired = authenticate_api_key(database(), created->secret, 150);

    ASSERT_FALSE(expired.has_value());
    EXPECT_EQ(expired.error().message(), "invalid API key");
}

TEST_P(UserAuthenticationTest, UnknownOrInactiveOwnerKeyIsRejected) {
    Result<NewApiKey> created = create_api_key(database(), user_.id, "ci", std::nullopt, 100);
    ASSERT_TRUE(created.has_value());

    Result<ApiKey> unknown = authenticate_api_key(database(), created->secret + "x", 101);
    ASSERT_TRUE(set_user_active(database(), user_.id, false).has_value());
    Result<ApiKey> inactive_owner = authenticate_api_key(database(), created->secret, 101);

    EXPECT_FALSE(unknown.has_value());
    EXPECT_FALSE(inactive_owner.has_value());
}

TEST_P(UserAuthenticationTest, ApiKeyRevokeByIdAndUnknown) {
    Result<NewApiKey> created = create_api_key(database(), user_.id, "ci", std::nullopt, 100);
    ASSERT_TRUE(created.has_value());

    Result<ApiKey> by_id = revoke_api_key(database(), std::to_string(created->key.id));
    Result<ApiKey> unknown = revoke_api_key(database(), "ffffffff");

    ASSERT_TRUE(by_id.has_value());
    EXPECT_FALSE(by_id->active);
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_P(UserAuthenticationTest, ApiKeyValidationNamesTheField) {
    Result<NewApiKey> unnamed = create_api_key(database(), user_.id, "", std::nullopt, 100);
    Result<NewApiKey> past = create_api_key(database(), user_.id, "ci", 50, 100);

    ASSERT_FALSE(unnamed.has_value());
    EXPECT_EQ(unnamed.error().message(), "name: must be 1 to 100 characters");
    ASSERT_FALSE(past.has_value());
    EXPECT_EQ(past.error().message(), "expires_at: must be in the future");
}

TEST_P(UserAuthenticationTest, SessionLifecycle) {
    Result<NewSession> created = create_session(database(), user_.id, 3600, true, 1000);
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->session.id, sha256_hex(created->token));

    Result<Session> found = find_session(database(), created->token, 2000);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->user_id, user_.id);
    EXPECT_TRUE(found->mfa_pending);
    EXPECT_TRUE(csrf_matches(*found, created->session.csrf_token));
    EXPECT_FALSE(csrf_matches(*found, created->session.csrf_token + "x"));
    EXPECT_FALSE(csrf_matches(*found, ""));

    ASSERT_TRUE(complete_session_mfa(database(), found->id).has_value());
    EXPECT_FALSE(find_session(database(), created->token, 2000)->mfa_pending);
    ASSERT_TRUE(delete_session(database(), created->token).has_value());
    EXPECT_FALSE(find_session(database(), created->token, 2000).has_value());
}

TEST_P(UserAuthenticationTest, ExpiredSessionIsRejectedAndRemoved) {
    Result<NewSession> created = create_session(database(), user_.id, 60, false, 1000);
    ASSERT_TRUE(created.has_value());

    Result<Session> expired = find_session(database(), created->token, 1060);

    ASSERT_FALSE(expired.has_value());
    EXPECT_EQ(expired.error().code(), ErrorCode::kInvalidClient);
    Result<std::optional<Row>> row = database().query_one("SELECT COUNT(*) FROM sessions");
    EXPECT_EQ((*row)->integer(0), 0);
}

TEST_P(UserAuthenticationTest, SessionCleanupRemovesOnlyExpired) {
    ASSERT_TRUE(create_session(database(), user_.id, 10, false, 1000).has_value());
    ASSERT_TRUE(create_session(database(), user_.id, 1000, false, 1000).has_value());

    Result<std::int64_t> removed = delete_expired_sessions(database(), 1500);

    ASSERT_TRUE(removed.has_value());
    EXPECT_EQ(*removed, 1);
    EXPECT_EQ(*delete_user_sessions(database(), user_.id), 1);
}

INMOR_FOR_BOTH_ENGINES(UserAuthenticationTest);

}  // namespace
}  // namespace inmor::admin
