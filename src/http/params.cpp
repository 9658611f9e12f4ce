// Form decoding and parameter validation.
#include "http/params.h"

#include "common/hex.h"

#include <algorithm>
#include <cctype>

namespace inmor::http {
namespace {

// Returns the index of the next `c` in `text` at or after `from`, or text.size() when none.
std::size_t next_of(std::string_view text, char c, std::size_t from) {
    return std::min(text.find(c, from), text.size());
}

}  // namespace

std::string decode_form_component(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    // Bytes between escapes (a whole JWT, for one) are copied in runs. Both
    // searches are memchr calls in libstdc++, so each byte is read about twice.
    std::size_t percent = next_of(text, '%', 0);
    std::size_t plus = next_of(text, '+', 0);
    std::size_t i = 0;
    while (i < text.size()) {
        if (percent < i) percent = next_of(text, '%', i);
        if (plus < i) plus = next_of(text, '+', i);
        const std::size_t special = std::min(percent, plus);
        out.append(text.substr(i, special - i));
        i = special;
        if (i == text.size()) break;

        if (text[i] == '+') {
            out.push_back(' ');
        } else if (i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 &&
                   hex_digit_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back('%');
        }
        ++i;
    }
    return out;
}

Params Params::parse(std::string_view text) {
    Params params;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view pair = text.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;

        const std::size_t eq = pair.find('=');
        std::string name = decode_form_component(pair.substr(0, eq));
        std::string value =
            eq == std::string_view::npos ? std::string() : decode_form_component(pair.substr(eq + 1));
        params.items_.emplace_back(std::move(name), std::move(value));
    }
    return params;
}

Result<void> Params::check(std::string_view name, std::string_view value,
                           std::size_t max_bytes) {
    const std::string label(name);
    if (value.empty()) {
        return Error::invalid_request(label + ": must not be empty");
    }
    if (value.size() > max_bytes) {
        return Error::invalid_request(label + ": longer than " + std::to_string(max_bytes) +
                                      " bytes");
    }
    const bool has_control = std::any_of(value.begin(), value.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
    if (has_control) {
        return Error::invalid_request(label + ": contains control characters");
    }
    return {};
}

bool Params::contains(std::string_view name) const {
    return std::any_of(items_.begin(), items_.end(),
                       [&](const auto& item) { return item.first == name; });
}

Result<std::optional<std::string>> Params::optional(std::string_view name,
                                                    std::size_t max_bytes) const {
    for (const auto& [key, value] : items_) {
        if (key != name) continue;
        if (auto checked = check(name, value, max_bytes); !checked) return checked.error();
        return std::optional<std::string>(value);
    }
    return std::optional<std::string>();
}

Result<std::string> Params::required(std::string_view name, std::size_t max_bytes) const {
    auto value = optional(name, max_bytes);
    if (!value) return value.error();
    if (!value->has_value()) {
        return Error::invalid_request(std::string(name) + ": missing required parameter");
    }
    return std::move(**value);
}

Result<std::vector<std::string>> Params::all(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : items_) {
        if (key != name) continue;
        if (auto checked = check(name, value); !checked) return checked.error();
        values.push_back(value);
    }
    return values;
}

Result<std::optional<bool>> Params::boolean(std::string_view name) const {
    auto value = optional(name);
    if (!value) return value.error();
    if (!value->has_value()) return std::optional<bool>();
    if (**value == "true") return std::optional<bool>(true);
    if (**value == "false") return std::optional<bool>(false);
    return Error::invalid_request(std::string(name) + ": must be true or false");
}

bool content_type_is(std::string_view header, std::string_view expected) {
    std::string_view media = header.substr(0, header.find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
    while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
    return media.size() == expected.size() &&
           std::equal(media.begin(), media.end(), expected.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

}  // namespace inmor::http
