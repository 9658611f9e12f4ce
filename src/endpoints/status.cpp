// GET /status: counts of what this anchor publishes, for operators.
#include "endpoints/endpoints.h"

#include "common/json.h"
#include "http/error_response.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace inmor::endpoints {
namespace {

std::size_t count_of_type(const CollectionView& view, const std::string& type) {
    const auto found = view.by_type.find(type);
    return found == view.by_type.end() ? 0 : found->second.size();
}

Result<boost::json::object> collection_summary(PublishedData& data) {
    auto view = data.collection();
    if (!view) return view.error();
    const CollectionView& collection = ***view;

    boost::json::object summary;
    summary["total_entities"] = collection.entities.size();
    summary["openid_providers"] = count_of_type(collection, "openid_provider");
    summary["openid_relying_parties"] = count_of_type(collection, "openid_relying_party");
    summary["intermediates"] = collection.intermediates;
    if (collection.last_updated) {
        summary["last_updated"] = *collection.last_updated;
    } else {
        summary["last_updated"] = nullptr;
    }
    return summary;
}

}  // namespace

http::Response handle_status(const EndpointContext& context, const http::Request&) {
    PublishedData& data = *context.data;
    auto historical = data.historical_keys();
    if (!historical) return http::error_response(historical.error());
    auto subordinates = data.subordinate_ids();
    if (!subordinates) return http::error_response(subordinates.error());
    auto types = data.trust_mark_types();
    if (!types) return http::error_response(types.error());
    auto issued = data.trust_marks_ever_issued_count();
    if (!issued) return http::error_response(issued.error());
    auto collection = collection_summary(data);
    if (!collection) return http::error_response(collection.error());

    boost::json::object body;
    body["entity_id"] = context.config->domain;
    body["version"] = context.version;
    body["status"] = "ok";
    body["keys"] = {{"public_keys", context.public_key_count},
                    {"historical_keys_available", (*historical)->has_value()}};
    body["subordinates"] = {{"direct", (*subordinates)->size()}};
    boost::json::array type_list((*types)->begin(), (*types)->end());
    body["trust_marks"] = {{"types", std::move(type_list)}, {"total_issued", *issued}};
    body["collection"] = std::move(*collection);
    return http::json_response(to_json(body));
}

}  // namespace inmor::endpoints
