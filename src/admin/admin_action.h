// The result type of admin actions (create, update, sign, publish), shared by
// the API handlers, the management commands and the scheduler, and the steps
// every action shares. A failure carries the HTTP status the admin API
// returns for it.
#pragma once

#include "admin/api/api_route.h"
#include "admin/audit_log.h"
#include "admin/repository_support.h"
#include "common/error.h"

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace inmor::admin {

/// The dependencies of an action: configuration, stores, keys, fetcher and
/// clock of the running admin.
using AdminServices = api::AdminServices;

/// A failed action. `status` is the HTTP status the API returns: 400 invalid
/// input, 403 a duplicate (with `id`), 404 an unknown id, 422 data that breaks
/// a federation rule, 502 a subordinate that could not be fetched, 503 a store
/// that is unavailable. The scheduler and the commands print `message`.
struct ActionError {
    ActionError() = default;
    // A constructor (not an aggregate), so a lone integer never converts to
    // an error inside ActionResult<std::int64_t>.
    ActionError(unsigned status_code, std::string text,
                std::optional<std::int64_t> existing_id = std::nullopt)
        : status(status_code), message(std::move(text)), id(existing_id) {}

    unsigned status = 400;
    std::string message;
    std::optional<std::int64_t> id;
};

/// Thrown only by `ActionResult::value()` on an error.
class ActionException : public std::exception {
public:
    explicit ActionException(ActionError error) : error_(std::move(error)) {}
    const char* what() const noexcept override { return error_.message.c_str(); }
    const ActionError& error() const { return error_; }

private:
    ActionError error_;
};

[[noreturn]] void throw_exception_from_error(const ActionError& error,
                                             const boost::source_location& location);

template <class T>
using ActionResult = boost::system::result<T, ActionError>;

/// Translates a lower layer's Error: kInvalidRequest 400, kNotFound 404,
/// kInvalidMetadata and kInvalidTrustChain 422, kTemporarilyUnavailable 503,
/// anything else 503 with a generic message (the detail goes to the log).
ActionError action_error(const Error& error);

/// Converts an action error into the API's error type.
api::ApiError to_api_error(const ActionError& error);

/// Builds the 503 error for a publication that failed after its change
/// committed. Its message states that the change is saved and that `what` is
/// published again at the next start or renewal. Logs the store's detail.
ActionError publish_failed(std::string_view what, const Error& error);

/// Creates one resource: runs `insert(executor, now)` and writes the "create"
/// audit entry of its row in one transaction, so both commit or neither does.
/// `insert` returns the new row, or the existing one marked `duplicate`. A
/// duplicate gives 403 with `duplicate_message` and the existing id, and
/// action_error translates any other error. A caller that publishes the row
/// locks publication_order() before this call and keeps it locked until it has published.
template <class Row, class Insert>
ActionResult<Row> create_with_audit(const AdminServices& services, const AuditActor& actor,
                                    std::string_view resource_type,
                                    std::string_view duplicate_message, Insert insert) {
    Result<Inserted<Row>> created = services.database.with_transaction(
        [&](SqlExecutor& executor) -> Result<Inserted<Row>> {
            UnixSeconds now = services.clock.now();
            Result<Inserted<Row>> inserted = insert(executor, now);
            if (!inserted || inserted->duplicate) {
                return inserted;
            }
            Result<std::int64_t> audited =
                write_audit(executor, actor, now, "create", resource_type,
                            std::to_string(inserted->row.id), std::nullopt,
                            to_json(inserted->row));
            if (!audited) {
                return audited.error();
            }
            return inserted;
        });

    if (!created) {
        return action_error(created.error());
    }
    if (created->duplicate) {
        return ActionError{403, std::string(duplicate_message), created->row.id};
    }
    return std::move(created->row);
}

/// Held by a change to what is published (subordinates, trust marks) from
/// its commit until its publication, so changes publish in the order they
/// committed: a revoke that commits after a renewal is never overwritten by
/// that renewal's JWT. Slow work (fetching, policy checks) stays outside it.
// NOTE: this orders the writers of one admin process only. Two admin replicas
// that change the same entry at the same moment can still publish out of
// order, and the store then differs from the durable data until the next
// healing or renewal of that entry.
std::mutex& publication_order();

}  // namespace inmor::admin
