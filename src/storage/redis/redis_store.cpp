// The Redis engine: a bounded pool of synchronous hiredis connections that
// pipelines each call, MULTI/EXEC for batches, and a subscriber thread.
#include "storage/redis/redis_store.h"

#include "common/logging.h"
#include "storage/federation_store.h"
#include "storage/redis/redis_uri.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <limits>
#include <mutex>
#include <thread>

namespace inmor::storage {
namespace {

using Command = std::vector<std::string>;

std::shared_ptr<spdlog::logger> log() {
    static const auto instance = inmor::logger("storage");
    return instance;
}

struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Replaces `to` with `from` atomically, and deletes `to` when `from` does not
// exist, where a plain RENAME would fail with "no such key".
constexpr std::string_view kRenameScript =
    "if redis.call('EXISTS', KEYS[1]) == 1 then "
    "redis.call('RENAME', KEYS[1], KEYS[2]) "
    "else redis.call('DEL', KEYS[2]) end "
    "return 1";

timeval to_timeval(std::chrono::milliseconds duration) {
    const auto count = duration.count();
    return timeval{static_cast<time_t>(count / 1000),
                   static_cast<suseconds_t>((count % 1000) * 1000)};
}

Error unavailable(std::string detail) {
    return Error::unavailable("redis unavailable", std::move(detail));
}

Error connection_error(const redisContext* context) {
    if (context == nullptr) {
        return unavailable("cannot allocate a redis context");
    }
    return unavailable(context->errstr);
}

std::string reply_text(const redisReply& reply) {
    return std::string(reply.str, reply.len);
}

// ---- Wire level --------------------------------------------------------------

// Sends every command in one write and reads the replies in order: one
// round trip. An error here means the connection is unusable.
Result<std::vector<Reply>> pipeline(redisContext* context, const std::vector<Command>& commands) {
    for (const auto& command : commands) {
        std::vector<const char*> values;
        std::vector<std::size_t> lengths;
        values.reserve(command.size());
        lengths.reserve(command.size());
        for (const auto& argument : command) {
            values.push_back(argument.data());
            lengths.push_back(argument.size());
        }
        if (redisAppendCommandArgv(context, static_cast<int>(values.size()), values.data(),
                                   lengths.data()) != REDIS_OK) {
            return connection_error(context);
        }
    }

    std::vector<Reply> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        void* reply = nullptr;
        if (redisGetReply(context, &reply) != REDIS_OK || reply == nullptr) {
            return connection_error(context);
        }
        replies.emplace_back(static_cast<redisReply*>(reply));
    }
    return replies;
}

/// Checks whether an error reply means Redis cannot serve yet but will soon: it is still
/// loading its data after a restart (LOADING), runs a long script (BUSY), or
/// a replica has lost its primary (MASTERDOWN, TRYAGAIN).
bool transient_error_reply(std::string_view text) {
    for (std::string_view prefix : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN"}) {
        if (text.starts_with(prefix)) return true;
    }
    return false;
}

/// Converts an error reply to an Error: unavailable (503) when it is transient,
/// otherwise a server error.
Error error_reply(const redisReply& reply, std::string_view what) {
    const std::string text = reply_text(reply);
    if (transient_error_reply(text)) return unavailable(std::string(what) + ": " + text);
    return Error::server_error("redis command failed", std::string(what) + ": " + text);
}

Result<void> expect_ok(const Reply& reply, std::string_view what) {
    if (reply->type == REDIS_REPLY_ERROR) return error_reply(*reply, what);
    return {};
}

// Connects, logs in and selects the database, in one round trip after the
// TCP handshake.
Result<Context> connect(const RedisEndpoint& endpoint, const RedisStoreOptions& options) {
    Context context(redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port,
                                            to_timeval(options.connect_timeout)));
    if (!context || context->err != 0) {
        return connection_error(context.get());
    }
    redisSetTimeout(context.get(), to_timeval(options.command_timeout));
    redisEnableKeepAlive(context.get());

    std::vector<Command> setup;
    if (!endpoint.password.empty()) {
        if (endpoint.user.empty()) {
            setup.push_back({"AUTH", endpoint.password});
        } else {
            setup.push_back({"AUTH", endpoint.user, endpoint.password});
        }
    }
    if (endpoint.database != 0) {
        setup.push_back({"SELECT", std::to_string(endpoint.database)});
    }
    if (setup.empty()) {
        return context;
    }

    auto replies = pipeline(context.get(), setup);
    if (!replies) {
        return replies.error();
    }
    for (const auto& reply : *replies) {
        // A wrong password or database is a configuration error; report it as
        // unavailable too, since nothing can be served until it is fixed.
        if (reply->type == REDIS_REPLY_ERROR) {
            return unavailable("redis login failed: " + reply_text(*reply));
        }
    }
    return context;
}

// ---- Connection pool -------------------------------------------------------------

class ConnectionPool {
public:
    ConnectionPool(RedisEndpoint endpoint, RedisStoreOptions options)
        : endpoint_(std::move(endpoint)), options_(options) {}

    /// Takes a connection for one call, idle or new. The caller returns it
    /// with give_back, or drops it with discard when it failed.
    Result<Context> acquire() {
        {
            std::unique_lock lock(mutex_);
            const bool free = available_.wait_for(lock, options_.pool_wait, [this] {
                return !idle_.empty() || open_count_ < options_.max_connections;
            });
            if (!free) {
                return unavailable("no free redis connection within pool_wait");
            }
            if (!idle_.empty()) {
                Context context = std::move(idle_.back());
                idle_.pop_back();
                return context;
            }
            ++open_count_;
        }

        // Connect outside the lock, so one slow connect does not hold up
        // callers that could use idle connections.
        auto connected = connect(endpoint_, options_);
        if (!connected) {
            release_slot();
        }
        return connected;
    }

    void give_back(Context context) {
        {
            std::lock_guard lock(mutex_);
            idle_.push_back(std::move(context));
        }
        available_.notify_one();
    }

    /// Drops a broken connection and every idle one: after a Redis restart
    /// they all fail, and the next call should start afresh.
    void discard(Context context) {
        context.reset();
        std::vector<Context> stale;
        {
            std::lock_guard lock(mutex_);
            stale.swap(idle_);
            open_count_ -= stale.size() + 1;
        }
        available_.notify_all();
    }

    const RedisEndpoint& endpoint() const { return endpoint_; }
    const RedisStoreOptions& options() const { return options_; }

private:
    void release_slot() {
        {
            std::lock_guard lock(mutex_);
            --open_count_;
        }
        available_.notify_one();
    }

    RedisEndpoint endpoint_;
    RedisStoreOptions options_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<Context> idle_;
    std::size_t open_count_ = 0;
};

// ---- Reply conversion ---------------------------------------------------------------

Error unexpected_reply(const redisReply& reply, std::string_view command) {
    if (reply.type == REDIS_REPLY_ERROR) return error_reply(reply, command);
    return Error::server_error("unexpected redis reply",
                               std::string(command) + ": type " + std::to_string(reply.type));
}

Result<std::optional<std::string>> to_optional(const redisReply& reply, std::string_view command) {
    if (reply.type == REDIS_REPLY_NIL) return std::optional<std::string>{};
    if (reply.type == REDIS_REPLY_STRING) return std::optional<std::string>{reply_text(reply)};
    return unexpected_reply(reply, command);
}

Result<std::int64_t> to_integer(const redisReply& reply, std::string_view command) {
    if (reply.type == REDIS_REPLY_INTEGER) return static_cast<std::int64_t>(reply.integer);
    return unexpected_reply(reply, command);
}

Result<std::vector<std::string>> to_strings(const redisReply& reply, std::string_view command) {
    if (reply.type != REDIS_REPLY_ARRAY) return unexpected_reply(reply, command);
    std::vector<std::string> items;
    items.reserve(reply.elements);
    for (std::size_t i = 0; i < reply.elements; ++i) {
        const redisReply& item = *reply.element[i];
        if (item.type != REDIS_REPLY_STRING) return unexpected_reply(item, command);
        items.push_back(reply_text(item));
    }
    return items;
}

std::string format_score(double score) {
    std::array<char, 32> buffer{};
    const auto [end, errc] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), score);
    return errc == std::errc() ? std::string(buffer.data(), end) : std::string("0");
}

// ---- Batches --------------------------------------------------------------------------

struct CommandFor {
    Command operator()(const WriteBatch::Set& set) const {
        if (!set.ttl) return {"SET", set.key, set.value};
        // Redis rejects EX 0; the shortest lifetime it accepts is one second.
        const auto seconds = std::max<std::int64_t>(set.ttl->count(), 1);
        return {"SET", set.key, set.value, "EX", std::to_string(seconds)};
    }
    Command operator()(const WriteBatch::Delete& erase) const { return {"DEL", erase.key}; }
    Command operator()(const WriteBatch::HashSet& hash_set) const {
        return {"HSET", hash_set.key, hash_set.field, hash_set.value};
    }
    Command operator()(const WriteBatch::HashDelete& erase) const {
        return {"HDEL", erase.key, erase.field};
    }
    Command operator()(const WriteBatch::SetAdd& add) const {
        return {"SADD", add.key, add.member};
    }
    Command operator()(const WriteBatch::SetRemove& remove) const {
        return {"SREM", remove.key, remove.member};
    }
    Command operator()(const WriteBatch::SortedAdd& add) const {
        return {"ZADD", add.key, format_score(add.score), add.member};
    }
    Command operator()(const WriteBatch::Rename& rename) const {
        return {"EVAL", std::string(kRenameScript), "2", rename.from, rename.to};
    }
};

bool has_rename(const WriteBatch& batch) {
    return std::any_of(batch.operations().begin(), batch.operations().end(), [](const auto& op) {
        return std::holds_alternative<WriteBatch::Rename>(op);
    });
}

// MULTI, the operations, EXEC, then one PUBLISH per touched key: one round
// trip, and the announcements leave only after the transaction ran.
std::vector<Command> batch_commands(const WriteBatch& batch) {
    std::vector<Command> commands;
    commands.reserve(batch.operations().size() + 2);
    commands.push_back({"MULTI"});
    for (const auto& operation : batch.operations()) {
        commands.push_back(std::visit(CommandFor{}, operation));
    }
    commands.push_back({"EXEC"});
    if (batch.announce) {
        for (auto& key : batch.touched_keys()) {
            commands.push_back({"PUBLISH", std::string(keys::kChangesChannel), std::move(key)});
        }
    }
    return commands;
}

// Redis runs every queued command even when one fails (no rollback), so a
// failure here can leave part of the batch applied. It only happens when a
// key contains a different type than the layout expects.
Result<void> check_batch_replies(const std::vector<Reply>& replies, std::size_t operations) {
    for (std::size_t i = 0; i <= operations; ++i) {
        if (replies[i]->type == REDIS_REPLY_ERROR) {
            return unexpected_reply(*replies[i], i == 0 ? "MULTI" : "queue");
        }
    }
    const redisReply& exec = *replies[operations + 1];
    if (exec.type != REDIS_REPLY_ARRAY) {
        return unexpected_reply(exec, "EXEC");
    }
    for (std::size_t i = 0; i < exec.elements; ++i) {
        if (exec.element[i]->type == REDIS_REPLY_ERROR) {
            return unexpected_reply(*exec.element[i], "EXEC");
        }
    }
    return {};
}

// ---- Change subscription --------------------------------------------------------------

// Listens on its own connection. Redis pub/sub channels are shared by all
// databases of a server, so deployments in different databases of one Redis
// also receive each other's keys. That only costs extra cache reloads.
class RedisSubscription final : public ChangeSubscription {
public:
    RedisSubscription(RedisEndpoint endpoint, RedisStoreOptions options,
                      ChangeCallback callback)
        : endpoint_(std::move(endpoint)), options_(options), callback_(std::move(callback)),
          thread_([this] { run(); }) {
        // Waiting for the first SUBSCRIBE means a change published after this
        // constructor returns is delivered, as with the embedded engine. When
        // Redis is down, the wait ends with the connect timeout.
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, options_.connect_timeout + options_.command_timeout,
                       [this] { return first_attempt_done_; });
    }

    ~RedisSubscription() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

private:
    static constexpr int kPollMilliseconds = 100;

    void run() {
        auto delay = options_.resubscribe_delay;
        bool subscribed_before = false;
        while (!stopping()) {
            auto context = subscribe();
            first_attempt_finished();
            if (!context) {
                log()->debug("change subscription connect failed detail={}",
                             context.error().detail());
                wait(delay);
                delay = std::min(delay * 2, options_.max_resubscribe_delay);
                continue;
            }

            // Messages published while unsubscribed are lost: drop everything.
            if (subscribed_before) {
                log()->info("change subscription resumed channel={}", keys::kChangesChannel);
                notify("");
            }
            subscribed_before = true;
            delay = options_.resubscribe_delay;

            auto ended = listen(context->get());
            if (!ended && !stopping()) {
                log()->warn("change subscription lost channel={} detail={}",
                            keys::kChangesChannel, ended.error().detail());
                notify("");
            }
        }
    }

    // Subscribes to our announcements and, for writers that do not announce
    // (the original admin, redis-cli), to keyspace notifications of `inmor:`
    // keys in our database. Redis only sends those when the operator enabled
    // them (notify-keyspace-events), so without that the pattern stays silent.
    Result<Context> subscribe() {
        auto context = connect(endpoint_, options_);
        if (!context) return context.error();

        const std::vector<Command> commands = {
            {"SUBSCRIBE", std::string(keys::kChangesChannel)},
            {"PSUBSCRIBE", keyspace_prefix() + "inmor:*"}};
        for (const auto& command : commands) {
            const char* values[] = {command[0].c_str(), command[1].c_str()};
            const std::size_t lengths[] = {command[0].size(), command[1].size()};
            if (redisAppendCommandArgv(context->get(), 2, values, lengths) != REDIS_OK) {
                return connection_error(context->get());
            }
        }
        for (int done = 0; done == 0;) {
            if (redisBufferWrite(context->get(), &done) != REDIS_OK) {
                return connection_error(context->get());
            }
        }

        const auto deadline = std::chrono::steady_clock::now() + options_.command_timeout;
        for (std::size_t confirmed = 0; confirmed < commands.size();) {
            if (stopping() || std::chrono::steady_clock::now() > deadline) {
                return unavailable("SUBSCRIBE was not confirmed in time");
            }
            auto confirmation = next_reply(context->get());
            if (!confirmation) return confirmation.error();
            if (!*confirmation) continue;
            if ((*confirmation)->type != REDIS_REPLY_ARRAY) {
                return unavailable("SUBSCRIBE was not confirmed");
            }
            ++confirmed;
        }
        return context;
    }

    std::string keyspace_prefix() const {
        return "__keyspace@" + std::to_string(endpoint_.database) + "__:";
    }

    // Delivers messages until the connection fails (an error) or the
    // subscription stops (success).
    Result<void> listen(redisContext* context) {
        const std::string prefix = keyspace_prefix();
        while (!stopping()) {
            auto reply = next_reply(context);
            if (!reply) return reply.error();
            if (!*reply) continue;

            const redisReply& message = **reply;
            if (message.type != REDIS_REPLY_ARRAY || message.elements < 3) continue;
            const std::string kind = reply_text(*message.element[0]);
            if (kind == "message" && message.elements == 3) {
                notify(reply_text(*message.element[2]));
            } else if (kind == "pmessage" && message.elements == 4) {
                // The channel is the prefix followed by the key that changed.
                const std::string channel = reply_text(*message.element[2]);
                if (channel.compare(0, prefix.size(), prefix) == 0) {
                    notify(channel.substr(prefix.size()));
                }
            }
        }
        return {};
    }

    // The next reply, or null after one poll interval without one, so that
    // the thread notices a stop request within kPollMilliseconds.
    Result<Reply> next_reply(redisContext* context) {
        void* reply = nullptr;
        if (redisGetReplyFromReader(context, &reply) != REDIS_OK) {
            return connection_error(context);
        }
        if (reply != nullptr) return Reply(static_cast<redisReply*>(reply));

        pollfd descriptor{context->fd, POLLIN, 0};
        const int ready = ::poll(&descriptor, 1, kPollMilliseconds);
        if (ready < 0 && errno != EINTR) {
            return unavailable("poll failed on the subscription connection");
        }
        if (ready > 0 && redisBufferRead(context) != REDIS_OK) {
            return connection_error(context);
        }
        if (redisGetReplyFromReader(context, &reply) != REDIS_OK) {
            return connection_error(context);
        }
        return Reply(static_cast<redisReply*>(reply));
    }

    void notify(const std::string& key) {
        try {
            callback_(key);
        } catch (const std::exception& failure) {
            log()->error("change listener failed key={} error={}", key, failure.what());
        }
    }

    bool stopping() {
        std::lock_guard lock(mutex_);
        return stopping_;
    }

    void first_attempt_finished() {
        {
            std::lock_guard lock(mutex_);
            if (first_attempt_done_) return;
            first_attempt_done_ = true;
        }
        wake_.notify_all();
    }

    void wait(std::chrono::milliseconds delay) {
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, delay, [this] { return stopping_; });
    }

    RedisEndpoint endpoint_;
    RedisStoreOptions options_;
    ChangeCallback callback_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool first_attempt_done_ = false;
    std::thread thread_;
};

// ---- The store ----------------------------------------------------------------------------

class RedisStore final : public KeyValueStore {
public:
    RedisStore(RedisEndpoint endpoint, RedisStoreOptions options)
        : pool_(std::move(endpoint), options) {}

    Result<std::optional<std::string>> get(std::string_view key) override {
        return single({"GET", std::string(key)}, to_optional);
    }

    Result<std::optional<std::string>> hash_get(std::string_view key,
                                                std::string_view field) override {
        return single({"HGET", std::string(key), std::string(field)}, to_optional);
    }

    Result<std::vector<std::optional<std::string>>> hash_get_many(
        std::string_view key, const std::vector<std::string>& fields) override {
        using Values = std::vector<std::optional<std::string>>;
        if (fields.empty()) return Values{};

        Command command{"HMGET", std::string(key)};
        command.insert(command.end(), fields.begin(), fields.end());
        auto replies = execute({std::move(command)}, Retry::kOnBrokenConnection);
        if (!replies) return replies.error();

        const redisReply& reply = *replies->front();
        if (reply.type != REDIS_REPLY_ARRAY) return unexpected_reply(reply, "HMGET");
        Values values;
        values.reserve(reply.elements);
        for (std::size_t i = 0; i < reply.elements; ++i) {
            auto value = to_optional(*reply.element[i], "HMGET");
            if (!value) return value.error();
            values.push_back(std::move(*value));
        }
        return values;
    }

    Result<FieldValues> hash_get_all(std::string_view key) override {
        auto flat = single({"HGETALL", std::string(key)}, to_strings);
        if (!flat) return flat.error();

        FieldValues fields;
        fields.reserve(flat->size() / 2);
        for (std::size_t i = 0; i + 1 < flat->size(); i += 2) {
            fields.emplace_back(std::move((*flat)[i]), std::move((*flat)[i + 1]));
        }
        std::sort(fields.begin(), fields.end());
        return fields;
    }

    Result<std::vector<std::string>> hash_fields(std::string_view key) override {
        return sorted(single({"HKEYS", std::string(key)}, to_strings));
    }

    Result<std::size_t> hash_length(std::string_view key) override {
        return count(single({"HLEN", std::string(key)}, to_integer));
    }

    Result<std::vector<std::string>> set_members(std::string_view key) override {
        return sorted(single({"SMEMBERS", std::string(key)}, to_strings));
    }

    Result<bool> set_contains(std::string_view key, std::string_view member) override {
        auto found = single({"SISMEMBER", std::string(key), std::string(member)}, to_integer);
        if (!found) return found.error();
        return *found == 1;
    }

    Result<std::size_t> set_size(std::string_view key) override {
        return count(single({"SCARD", std::string(key)}, to_integer));
    }

    Result<std::vector<std::string>> sorted_range_after(std::string_view key,
                                                        std::string_view after,
                                                        std::size_t limit) override {
        // "(" makes the lower bound exclusive; "-" is the start of the set.
        std::string from = after.empty() ? "-" : "(";
        from.append(after);
        const auto bounded =
            std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max());
        return single({"ZRANGEBYLEX", std::string(key), from, "+", "LIMIT", "0",
                       std::to_string(bounded)},
                      to_strings);
    }

    Result<std::size_t> sorted_size(std::string_view key) override {
        return count(single({"ZCARD", std::string(key)}, to_integer));
    }

    Result<bool> set_if_absent(std::string_view key, std::string_view value,
                               std::chrono::seconds ttl) override {
        const auto seconds = std::max<std::int64_t>(ttl.count(), 1);
        auto replies = execute({{"SET", std::string(key), std::string(value), "NX", "EX",
                                 std::to_string(seconds)}},
                               Retry::kOnBrokenConnection);
        if (!replies) return replies.error();

        const redisReply& reply = *replies->front();
        if (reply.type == REDIS_REPLY_NIL) return false;
        if (reply.type == REDIS_REPLY_STATUS) return true;
        return unexpected_reply(reply, "SET NX");
    }

    Result<void> apply(const WriteBatch& batch) override {
        if (batch.empty()) return {};

        // Sending a batch with renames twice would delete what the first
        // attempt renamed, so it goes out once, on a connection just checked.
        const Retry retry = has_rename(batch) ? Retry::kNeverCheckFirst
                                              : Retry::kOnBrokenConnection;
        auto replies = execute(batch_commands(batch), retry);
        if (!replies) return replies.error();
        return check_batch_replies(*replies, batch.operations().size());
    }

    Result<void> ping() override {
        auto replies = execute({{"PING"}}, Retry::kOnBrokenConnection);
        if (!replies) return replies.error();
        return expect_ok(replies->front(), "PING");
    }

    std::unique_ptr<ChangeSubscription> subscribe_changes(ChangeCallback callback) override {
        return std::make_unique<RedisSubscription>(pool_.endpoint(), pool_.options(),
                                                   std::move(callback));
    }

    std::string_view engine() const override { return "redis"; }

private:
    enum class Retry { kOnBrokenConnection, kNeverCheckFirst };

    // Runs commands in one round trip. A broken pooled connection (Redis
    // restarted, idle timeout) is dropped and the call repeated once on a
    // fresh one, unless `retry` forbids it.
    Result<std::vector<Reply>> execute(const std::vector<Command>& commands, Retry retry) {
        for (int attempt = 0;; ++attempt) {
            auto context = pool_.acquire();
            if (!context) return report(context.error());

            if (retry == Retry::kNeverCheckFirst) {
                auto checked = pipeline(context->get(), {{"PING"}});
                if (!checked) {
                    pool_.discard(std::move(*context));
                    if (attempt == 0) continue;
                    return report(checked.error());
                }
            }

            auto replies = pipeline(context->get(), commands);
            if (replies) {
                pool_.give_back(std::move(*context));
                recovered();
                return replies;
            }
            pool_.discard(std::move(*context));
            if (attempt > 0 || retry == Retry::kNeverCheckFirst) return report(replies.error());
            log()->debug("redis connection broken, retrying on a new one detail={}",
                         replies.error().detail());
        }
    }

    template <class Convert>
    auto single(Command command, Convert convert)
        -> decltype(convert(std::declval<const redisReply&>(), std::string_view())) {
        const std::string name = command.front();
        auto replies = execute({std::move(command)}, Retry::kOnBrokenConnection);
        if (!replies) return replies.error();
        return convert(*replies->front(), name);
    }

    static Result<std::vector<std::string>> sorted(Result<std::vector<std::string>> items) {
        if (items) std::sort(items->begin(), items->end());
        return items;
    }

    static Result<std::size_t> count(Result<std::int64_t> number) {
        if (!number) return number.error();
        return static_cast<std::size_t>(std::max<std::int64_t>(*number, 0));
    }

    // Logs the change from reachable to unreachable once, not per call.
    Error report(Error error) {
        if (error.code() == ErrorCode::kTemporarilyUnavailable && healthy_.exchange(false)) {
            log()->warn("redis unavailable host={} port={} detail={}", pool_.endpoint().host,
                        pool_.endpoint().port, error.detail());
        }
        return error;
    }

    void recovered() {
        if (!healthy_.exchange(true)) {
            log()->info("redis reachable again host={} port={}", pool_.endpoint().host,
                        pool_.endpoint().port);
        }
    }

    ConnectionPool pool_;
    std::atomic<bool> healthy_ = true;
};

}  // namespace

Result<std::unique_ptr<KeyValueStore>> open_redis_store(const std::string& uri,
                                                       RedisStoreOptions options) {
    auto endpoint = parse_redis_uri(uri);
    if (!endpoint) {
        return endpoint.error();
    }

    // hiredis writes with write(2); a write to a connection Redis closed would
    // raise SIGPIPE and end the process instead of returning EPIPE.
    std::signal(SIGPIPE, SIG_IGN);

    log()->info("federation store opened engine=redis host={} port={} database={}",
                endpoint->host, endpoint->port, endpoint->database);
    return std::unique_ptr<KeyValueStore>(
        std::make_unique<RedisStore>(std::move(*endpoint), options));
}

}  // namespace inmor::storage
