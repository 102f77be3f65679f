// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/sourceconfig.h"

namespace vanopticon::sentinel {

Result<SourceConfig> parseSyslogFileConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type, path and format");
    if (auto known = entry.allowOnly({"type", "path", "format", "start_at", "poll_interval"}); !known)
        return known.error();

    SourceConfig source;
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != "syslog")
        return entry.child("type").error("expected type syslog, got '" + *type + "'");

    auto path = entry.requireString("path");
    if (!path)
        return path.error();
    if (path->empty() || path->front() != '/')
        return entry.child("path").error("expected an absolute path, got '" + *path + "'");
    if (path->find('\0') != std::string::npos)
        return entry.child("path").error("the path contains a NUL byte");
    source.path = std::move(*path);

    auto format = entry.requireString("format");
    if (!format)
        return format.error();
    const auto parsedFormat = parseLineFormat(*format);
    if (!parsedFormat)
        return entry.child("format").error("unsupported format '" + *format
            + "' for type syslog (supported: " + std::string(supportedLineFormats()) + ")");
    source.format = *parsedFormat;

    auto startAt = entry.string("start_at", "beginning");
    if (!startAt)
        return startAt.error();
    if (*startAt == "beginning")
        source.startAt = StartAt::Beginning;
    else if (*startAt == "end")
        source.startAt = StartAt::End;
    else
        return entry.child("start_at").error("expected beginning or end, got '" + *startAt + "'");

    auto interval = entry.duration("poll_interval", source.pollInterval);
    if (!interval)
        return interval.error();
    if (*interval < kMinPollInterval || *interval > kMaxPollInterval)
        return entry.child("poll_interval").error("must be between 10ms and 1h");
    source.pollInterval = *interval;
    return source;
}

} // namespace vanopticon::sentinel
