#include "admin/api/api_route.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace inmor::admin::api {

http::Response api_json_response(const boost::json::value& body, unsigned status) {
    http::Response response;
    response.status = status;
    response.content_type = std::string(http::content_type::kJson);
    response.body = boost::json::serialize(body);
    return response;
}

http::Response api_error_response(const ApiError& error) {
    boost::json::object body{{"message", error.message}};
    if (error.id) body["id"] = *error.id;
    return api_json_response(body, error.status);
}

}  // namespace inmor::admin::api
