// Translating lower-layer errors into admin action errors, and the error of a
// publication that failed after its commit.
#include "admin/admin_action.h"

#include "common/logging.h"

namespace inmor::admin {

void throw_exception_from_error(const ActionError& error, const boost::source_location&) {
    throw ActionException(error);
}

ActionError action_error(const Error& error) {
    switch (error.code()) {
    case ErrorCode::kInvalidRequest:
        return {400, error.message(), std::nullopt};
    case ErrorCode::kNotFound:
        return {404, error.message(), std::nullopt};
    case ErrorCode::kInvalidMetadata:
    case ErrorCode::kInvalidTrustChain:
        return {422, error.message(), std::nullopt};
    case ErrorCode::kTemporarilyUnavailable:
        return {503, error.message(), std::nullopt};
    default:
        break;
    }

    // A server-side failure: the client learns only that it is temporary.
    logger("admin")->error("admin action failed error={} detail={}", error.message(),
                           error.detail());
    return {503, "the admin could not complete the change: " + error.message(), std::nullopt};
}

ActionError publish_failed(std::string_view what, const Error& error) {
    logger("admin")->error("publish failed after commit what={} error={} detail={}", what,
                           error.message(), error.detail());
    return {503,
            "saved, but publishing " + std::string(what) + " failed (" + error.message() +
                "); it is published again at the next start or renewal",
            std::nullopt};
}

api::ApiError to_api_error(const ActionError& error) {
    return api::ApiError{error.status, error.message, error.id};
}

std::mutex& publication_order() {
    static std::mutex order;
    return order;
}

}  // namespace inmor::admin
