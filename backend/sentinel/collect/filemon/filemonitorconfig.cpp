// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/filemonitorconfig.h"

#include <algorithm>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kMaxPaths = 1024;
constexpr std::size_t kMaxExcludes = 1024;

// "/etc/" → "/etc", "/a//b/./c" → "/a/b/c"; ".." is refused (a watched path must say what it is).
Result<std::string> normalizedPath(const config::Section &where, const std::string &path) {
    if (path.empty() || path.front() != '/')
        return where.error("expected an absolute path, got '" + path + "'");
    if (path.find('\0') != std::string::npos)
        return where.error("the path contains a NUL byte");
    std::string out;
    std::size_t pos = 0;
    while (pos < path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string::npos)
            end = path.size();
        const std::string_view part(path.data() + pos, end - pos);
        if (part == "..")
            return where.error("'..' is not allowed in a watched path: '" + path + "'");
        if (!part.empty() && part != ".") {
            out += '/';
            out += part;
        }
        pos = end + 1;
    }
    return out.empty() ? std::string("/") : out;
}

} // namespace

Result<FileMonitorConfig> parseFileMonitorConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type and paths");
    if (auto known
        = entry.allowOnly({"type", "paths", "exclude", "recursive", "events", "hash", "max_hash_size", "max_watches"});
        !known)
        return known.error();
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != "file_monitor")
        return entry.child("type").error("expected type file_monitor, got '" + *type + "'");

    FileMonitorConfig config;
    if (!entry.has("paths"))
        return entry.error("missing required setting 'paths'");
    auto paths = entry.strings("paths");
    if (!paths)
        return paths.error();
    if (paths->empty())
        return entry.child("paths").error("expected at least one path");
    if (paths->size() > kMaxPaths)
        return entry.child("paths").error("at most " + std::to_string(kMaxPaths) + " paths");
    for (const std::string &path : *paths) {
        auto normalized = normalizedPath(entry.child("paths"), path);
        if (!normalized)
            return normalized.error();
        if (std::find(config.paths.begin(), config.paths.end(), *normalized) != config.paths.end())
            return entry.child("paths").error("'" + *normalized + "' is listed twice");
        config.paths.push_back(std::move(*normalized));
    }

    auto exclude = entry.strings("exclude");
    if (!exclude)
        return exclude.error();
    if (exclude->size() > kMaxExcludes)
        return entry.child("exclude").error("at most " + std::to_string(kMaxExcludes) + " patterns");
    for (const std::string &pattern : *exclude) {
        if (pattern.empty() || pattern.find('\0') != std::string::npos)
            return entry.child("exclude").error("expected non-empty glob patterns");
    }
    config.exclude = std::move(*exclude);

    auto recursive = entry.boolean("recursive", config.recursive);
    if (!recursive)
        return recursive.error();
    config.recursive = *recursive;

    if (entry.has("events")) {
        auto events = entry.strings("events");
        if (!events)
            return events.error();
        config.events = 0;
        for (const std::string &event : *events) {
            if (event == "create")
                config.events |= unsigned(FileChangeKind::Create);
            else if (event == "modify")
                config.events |= unsigned(FileChangeKind::Modify);
            else if (event == "delete")
                config.events |= unsigned(FileChangeKind::Delete);
            else if (event == "rename")
                config.events |= unsigned(FileChangeKind::Rename);
            else if (event == "attribute")
                config.events |= unsigned(FileChangeKind::Attribute);
            else
                return entry.child("events").error(
                    "unknown event '" + event + "' (expected create, modify, delete, rename or attribute)");
        }
        if (config.events == 0)
            return entry.child("events").error("expected at least one event");
    }

    auto hash = entry.string("hash", "none");
    if (!hash)
        return hash.error();
    if (*hash == "sha256")
        config.hashSha256 = true;
    else if (*hash != "none")
        return entry.child("hash").error("expected none or sha256, got '" + *hash + "'");

    if (entry.has("max_hash_size")) {
        auto text = entry.child("max_hash_size").scalar();
        if (!text)
            return text.error();
        auto size = config::parseSize(*text);
        if (!size)
            return entry.child("max_hash_size").error(size.error().message);
        if (*size < 1 || *size > (1u << 30))
            return entry.child("max_hash_size").error("must be between 1 byte and 1GB");
        config.maxHashBytes = *size;
    }

    auto watches = entry.integer("max_watches", std::int64_t(config.maxWatches), 1, 1 << 20);
    if (!watches)
        return watches.error();
    config.maxWatches = std::size_t(*watches);
    return config;
}

} // namespace vanopticon::sentinel
