// A Boost.JSON basic_parser handler that builds the value while checking each
// object for duplicate member names (Boost.JSON alone keeps the last one).
#include "common/json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace inmor {
namespace {

namespace bj = boost::json;
using boost::system::error_code;

class StrictHandler {
public:
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    StrictHandler() {
        stack_.reset();
        names_.reserve(kLinearNames);
    }

    bj::value release() { return stack_.release(); }
    const std::string& duplicate_key() const { return duplicate_key_; }
    bool number_out_of_range() const { return number_out_of_range_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        stack_.push_array(n);
        return true;
    }
    bool on_object_begin(error_code&) {
        objects_.push_back({names_.size(), nullptr});
        return true;
    }
    bool on_object_end(std::size_t n, error_code&) {
        names_.resize(objects_.back().first_name);
        objects_.pop_back();
        stack_.push_object(n);
        return true;
    }
    bool on_string_part(bj::string_view s, std::size_t, error_code&) {
        stack_.push_chars(s);
        return true;
    }
    bool on_string(bj::string_view s, std::size_t, error_code&) {
        stack_.push_string(s);
        return true;
    }
    bool on_key_part(bj::string_view s, std::size_t, error_code&) {
        key_.append(s.data(), s.size());
        stack_.push_chars(s);
        return true;
    }
    bool on_key(bj::string_view s, std::size_t, error_code& ec) {
        key_.append(s.data(), s.size());
        // Stop at the first repeated name: the caller must reject the text.
        if (!add_name()) {
            duplicate_key_ = key_;
            ec = bj::error::syntax;
            return false;
        }
        key_.clear();
        stack_.push_key(s);
        return true;
    }
    bool on_number_part(bj::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, bj::string_view, error_code&) {
        stack_.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, bj::string_view, error_code&) {
        stack_.push_uint64(u);
        return true;
    }
    bool on_double(double d, bj::string_view, error_code& ec) {
        // Boost.JSON turns 1e400 into infinity, which serializes as the
        // non-JSON word "Infinity" and compares past every date.
        if (!std::isfinite(d)) {
            number_out_of_range_ = true;
            ec = bj::error::syntax;
            return false;
        }
        stack_.push_double(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        stack_.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        stack_.push_null();
        return true;
    }
    bool on_comment_part(bj::string_view, error_code&) { return true; }
    bool on_comment(bj::string_view, error_code&) { return true; }

private:
    // Small objects, such as JWS headers, are checked by comparing each name
    // with the earlier ones. An object with more than kLinearNames members
    // moves its names into a hash set, so large objects cost no quadratic time.
    static constexpr std::size_t kLinearNames = 16;

    /// The member names of one open object: names_[first_name..] while
    /// few, `many` once it has more than kLinearNames.
    struct OpenObject {
        std::size_t first_name;
        std::unique_ptr<std::unordered_set<std::string>> many;
    };

    /// Records key_ in the innermost open object. Returns false when the name is already there.
    bool add_name() {
        OpenObject& object = objects_.back();
        if (object.many) return object.many->insert(key_).second;

        const auto first = names_.begin() + static_cast<std::ptrdiff_t>(object.first_name);
        if (std::find(first, names_.end(), key_) != names_.end()) return false;
        if (names_.size() - object.first_name < kLinearNames) {
            names_.push_back(key_);
            return true;
        }
        object.many = std::make_unique<std::unordered_set<std::string>>(
            std::make_move_iterator(first), std::make_move_iterator(names_.end()));
        names_.resize(object.first_name);
        return object.many->insert(key_).second;
    }

    // Scratch space for the parser's value stack, so small documents need
    // no allocation for it.
    unsigned char stack_buffer_[2048];
    bj::value_stack stack_{bj::storage_ptr(), stack_buffer_, sizeof(stack_buffer_)};
    std::vector<OpenObject> objects_;
    std::vector<std::string> names_;
    std::string key_;
    std::string duplicate_key_;
    bool number_out_of_range_ = false;
};

}  // namespace

Result<bj::value> parse_json(std::string_view text, std::string_view what) {
    bj::parse_options options;
    options.max_depth = kMaxJsonDepth;
    bj::basic_parser<StrictHandler> parser(options);

    error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && used != text.size()) {
        ec = bj::error::extra_data;
    }

    if (ec) {
        const std::string& duplicate = parser.handler().duplicate_key();
        if (!duplicate.empty()) {
            return Error::invalid_request(std::string(what) + ": duplicate member name \"" +
                                          duplicate + "\"");
        }
        if (parser.handler().number_out_of_range()) {
            return Error::invalid_request(std::string(what) +
                                          ": number out of range (beyond a double)");
        }
        return Error::invalid_request(std::string(what) + ": invalid JSON (" + ec.message() +
                                      ")");
    }
    return parser.handler().release();
}

Result<bj::object> parse_json_object(std::string_view text, std::string_view what) {
    auto value = parse_json(text, what);
    if (!value) {
        return value.error();
    }
    if (!value->is_object()) {
        return Error::invalid_request(std::string(what) + ": must be a JSON object");
    }
    return std::move(value->get_object());
}

std::string to_json(const bj::value& value) { return bj::serialize(value); }

}  // namespace inmor
