// StaticFiles: the built web UI served from `admin.ui_dir`, with a
// single-page-app fallback to index.html and no way out of the folder.
#pragma once

#include "http/message.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace inmor::admin::api {

/// Largest file served, in bytes; the UI's bundles stay far below it.
inline constexpr std::uintmax_t kMaxStaticFileBytes = 32u * 1024 * 1024;

/// The Content-Type for a file name by its extension; application/octet-stream
/// for unknown ones.
std::string_view content_type_for(std::string_view file_name);

/// Returns the file under `root` that URL path `path` names, or nullopt when
/// the path is malformed or would leave `root`. The path is percent-decoded,
/// and "." or ".." segments, backslashes and NUL bytes are rejected. The
/// canonical result (symbolic links followed) must stay inside the canonical root.
std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& root,
                                                         std::string_view path);

class StaticFiles {
public:
    /// Serves the files of `root`, which must be an existing folder.
    explicit StaticFiles(std::filesystem::path root);

    /// GET and HEAD only (405 otherwise). A path naming a file sends it; a
    /// folder sends its index.html; a path whose last segment has no dot
    /// (a client-side route such as /trustmarks) sends the root index.html;
    /// anything else is 404. Files under /assets/ are named by their content
    /// hash, so they are cached for a year; everything else is revalidated.
    http::Response serve(const http::Request& request) const;

private:
    http::Response send_file(const std::filesystem::path& file, bool immutable) const;

    std::filesystem::path root_;
};

}  // namespace inmor::admin::api
