// /auditlog: the audit trail with filters and paging.
#include "admin/api/admin_routes.h"
#include "admin/api/request_input.h"
#include "admin/audit_log.h"

#include <charconv>
#include <ctime>

namespace inmor::admin::api {
namespace {

namespace json = boost::json;

bool read_number(std::string_view text, std::size_t at, std::size_t digits, int& value) {
    if (at + digits > text.size()) return false;
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + at + digits, value);
    return error == std::errc() && end == text.data() + at + digits;
}

}  // namespace

/// Reads an audit filter time: Unix seconds, or ISO 8601 in UTC or with an
/// offset ("2026-01-02T03:04:05.000Z", "2026-01-02T04:04:05+01:00",
/// "2026-01-02"). Fractions of a second are dropped.
std::optional<UnixSeconds> parse_filter_time(std::string_view text) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
        UnixSeconds seconds = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
        return seconds;
    }

    std::tm parts{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_number(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || text[7] != '-' ||
        !read_number(text, 5, 2, month) || !read_number(text, 8, 2, day)) {
        return std::nullopt;
    }
    std::size_t at = 10;
    if (text.size() > at) {
        if ((text[at] != 'T' && text[at] != 't' && text[at] != ' ') || text.size() < 19 ||
            !read_number(text, 11, 2, hour) || text[13] != ':' ||
            !read_number(text, 14, 2, minute) || text[16] != ':' ||
            !read_number(text, 17, 2, second)) {
            return std::nullopt;
        }
        at = 19;
        if (at < text.size() && text[at] == '.') {
            ++at;
            while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
        }
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
        second > 60) {
        return std::nullopt;
    }

    long offset_seconds = 0;
    const std::string_view zone = text.substr(at);
    if (zone == "Z" || zone == "z" || zone.empty()) {
        offset_seconds = 0;
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        int offset_hours = 0, offset_minutes = 0;
        if (!read_number(zone, 1, 2, offset_hours) || !read_number(zone, 4, 2, offset_minutes)) {
            return std::nullopt;
        }
        offset_seconds = (offset_hours * 3600L + offset_minutes * 60L) * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }

    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    return static_cast<UnixSeconds>(timegm(&parts)) - offset_seconds;
}

namespace {

ApiResult<std::optional<UnixSeconds>> time_parameter(const http::Request& request,
                                                     std::string_view name) {
    auto text = query_parameter(request, name);
    if (!text) return text.error();
    if (!*text) return std::optional<UnixSeconds>();
    const std::optional<UnixSeconds> time = parse_filter_time(**text);
    if (!time) {
        return ApiError{400, std::string(name) +
                                 ": must be an ISO 8601 time (2026-01-02T03:04:05Z) or Unix "
                                 "seconds",
                        {}};
    }
    return std::optional<UnixSeconds>(*time);
}

http::Response list(const AdminServices& services, const ApiCall& call) {
    auto page = page_request(call.request);
    if (!page) return api_error_response(page.error());

    AuditFilter filter;
    for (auto [name, member] : {std::pair{"action", &AuditFilter::action},
                                std::pair{"resource_type", &AuditFilter::resource_type},
                                std::pair{"username", &AuditFilter::username}}) {
        auto value = query_parameter(call.request, name);
        if (!value) return api_error_response(value.error());
        filter.*member = *value;
    }
    auto since = time_parameter(call.request, "since");
    if (!since) return api_error_response(since.error());
    auto until = time_parameter(call.request, "until");
    if (!until) return api_error_response(until.error());
    filter.from = *since;
    filter.until = *until;

    auto entries = list_audit_entries(services.database, filter, *page);
    if (!entries) return api_error_response(api_error_from(entries.error()));
    return api_json_response(page_json(*entries));
}

http::Response get_one(const AdminServices& services, const ApiCall& call) {
    auto id = path_id(call, "audit entry");
    if (!id) return api_error_response(id.error());
    auto entry = find_audit_entry(services.database, *id);
    if (!entry) return api_error_response(api_error_from(entry.error()));
    if (!entry->has_value()) {
        return api_error_response(
            ApiError{404, "audit entry not found: " + std::to_string(*id), {}});
    }
    return api_json_response(to_json(**entry));
}

using Handler = http::Response (*)(const AdminServices&, const ApiCall&);

ApiHandler bind(const AdminServices& services, Handler handler) {
    return [services, handler](const ApiCall& call) { return handler(services, call); };
}

}  // namespace

std::vector<ApiRoute> audit_log_routes(const AdminServices& services) {
    return {
        {"GET", "/auditlog", bind(services, &list),
         "Audit entries, newest first; filters action, resource_type, username, since, until "
         "(ISO 8601 or Unix seconds; since inclusive, until exclusive); paging with limit and "
         "offset"},
        {"GET", "/auditlog/{id}", bind(services, &get_one),
         "One audit entry with the object before and after the change"},
    };
}

}  // namespace inmor::admin::api
