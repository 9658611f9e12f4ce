#include "admin/expiry_metrics.h"

#include "common/logging.h"

#include <optional>
#include <string>
#include <string_view>

namespace inmor::admin {
namespace {

// Runs a one-column, one-row integer query. It returns nullopt for NULL or on
// failure, so that a scrape during a database outage leaves the gauge out.
std::optional<std::int64_t> single_integer(Database& database, std::string_view sql) {
    auto rows = database.query(sql);
    if (!rows) {
        logger("admin")->warn("metrics query failed reason={}", rows.error().message());
        return std::nullopt;
    }
    if (rows->empty()) return std::nullopt;
    return rows->front().optional_integer(0);
}

void append_gauge(std::string& out, std::string_view name, std::string_view help,
                  std::optional<std::int64_t> value) {
    if (!value) return;
    out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
    out += "# TYPE " + std::string(name) + " gauge\n";
    out += std::string(name) + " " + std::to_string(*value) + "\n";
}

}  // namespace

void register_expiry_gauges(const api::AdminServices& services, http::Metrics& metrics) {
    metrics.add_gauge_source([services](std::string& out) {
        const UnixSeconds now = services.clock.now();
        const auto seconds_left = [now](std::optional<std::int64_t> expire_at) {
            return expire_at ? std::optional<std::int64_t>(*expire_at - now) : std::nullopt;
        };

        append_gauge(out, "inmor_admin_subordinate_statement_expires_in_seconds",
                     "Seconds until the soonest active subordinate statement expires.",
                     seconds_left(single_integer(
                         services.database,
                         "SELECT MIN(expire_at) FROM subordinates WHERE active = 1")));
        append_gauge(out, "inmor_admin_trust_mark_expires_in_seconds",
                     "Seconds until the soonest active trust mark expires.",
                     seconds_left(single_integer(services.database,
                                                 "SELECT MIN(expire_at) FROM trust_marks "
                                                 "WHERE active = 1 AND revoked_at IS NULL")));
        append_gauge(out, "inmor_admin_subordinates_pending",
                     "Subordinates held for an operator's approval.",
                     single_integer(services.database,
                                    "SELECT COUNT(*) FROM subordinates "
                                    "WHERE active = 1 AND held_for_approval = 1"));
    });
}

}  // namespace inmor::admin
