// Static file serving of the web UI.
#include "admin/api/static_files.h"

#include "admin/api/api_route.h"
#include "admin/api/api_router.h"

#include <fstream>
#include <iterator>
#include <system_error>

namespace inmor::admin::api {
namespace {

namespace fs = std::filesystem;

bool path_within(const fs::path& root, const fs::path& candidate) {
    auto root_part = root.begin();
    auto candidate_part = candidate.begin();
    for (; root_part != root.end(); ++root_part, ++candidate_part) {
        if (candidate_part == candidate.end() || *root_part != *candidate_part) return false;
    }
    return true;
}

http::Response not_found(std::string_view path) {
    return api_error_response(ApiError{404, "not found: " + std::string(path), {}});
}

}  // namespace

std::string_view content_type_for(std::string_view file_name) {
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".ttf", "font/ttf"},
        {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
        {".wasm", "application/wasm"},
    };
    for (const auto& [extension, type] : kTypes) {
        if (file_name.ends_with(extension)) return type;
    }
    return "application/octet-stream";
}

std::optional<fs::path> resolve_static_path(const fs::path& root, std::string_view path) {
    std::error_code error;
    const fs::path canonical_root = fs::canonical(root, error);
    if (error) return std::nullopt;

    fs::path relative;
    for (const std::string& raw : split_path(path)) {
        const std::string segment = decode_path_segment(raw);
        if (segment.empty()) continue;
        if (segment == "." || segment == ".." || segment.find('/') != std::string::npos ||
            segment.find('\\') != std::string::npos || segment.find('\0') != std::string::npos) {
            return std::nullopt;
        }
        relative /= segment;
    }

    // weakly_canonical follows symbolic links of the parts that exist, so a
    // link pointing outside the folder is caught here too.
    const fs::path candidate = fs::weakly_canonical(canonical_root / relative, error);
    if (error || !path_within(canonical_root, candidate)) return std::nullopt;
    return candidate;
}

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

http::Response StaticFiles::serve(const http::Request& request) const {
    if (request.method != "GET" && request.method != "HEAD") {
        http::Response response =
            api_error_response(ApiError{405, "method " + request.method + " not allowed", {}});
        response.add_header("Allow", "GET, HEAD");
        return response;
    }
    const std::optional<fs::path> file = resolve_static_path(root_, request.path);
    if (!file) return not_found(request.path);

    std::error_code error;
    if (fs::is_regular_file(*file, error)) {
        return send_file(*file, request.path.starts_with("/assets/"));
    }
    if (fs::is_directory(*file, error) && fs::is_regular_file(*file / "index.html", error)) {
        return send_file(*file / "index.html", false);
    }
    // Client-side routes have no extension, but missing assets do and stay 404.
    const std::string_view last = std::string_view(request.path).substr(
        request.path.find_last_of('/') + 1);
    if (last.find('.') == std::string_view::npos && fs::is_regular_file(root_ / "index.html", error)) {
        return send_file(root_ / "index.html", false);
    }
    return not_found(request.path);
}

http::Response StaticFiles::send_file(const fs::path& file, bool immutable) const {
    std::error_code error;
    const std::uintmax_t size = fs::file_size(file, error);
    if (error || size > kMaxStaticFileBytes) return not_found(file.filename().string());
    std::ifstream in(file, std::ios::binary);
    if (!in) return not_found(file.filename().string());

    http::Response response;
    response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    response.content_type = std::string(content_type_for(file.filename().string()));
    response.add_header("Cache-Control",
                        immutable ? "public, max-age=31536000, immutable" : "no-cache");
    response.add_header("X-Content-Type-Options", "nosniff");
    if (response.content_type.starts_with("text/html")) {
        response.add_header("X-Frame-Options", "DENY");
        response.add_header("Referrer-Policy", "same-origin");
    }
    return response;
}

}  // namespace inmor::admin::api
