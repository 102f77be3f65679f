// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxconfig.h"

namespace vanopticon::sentinel {

Result<EvtxConfig> parseEvtxConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type evtx and a path");
    if (auto known = entry.allowOnly({"type", "path", "include_recovered"}); !known)
        return known.error();
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != "evtx")
        return entry.child("type").error("expected type evtx, got '" + *type + "'");

    EvtxConfig config;
    auto path = entry.requireString("path");
    if (!path)
        return path.error();
    if (path->empty() || path->front() != '/')
        return entry.child("path").error("expected an absolute path, got '" + *path + "'");
    if (path->find('\0') != std::string::npos)
        return entry.child("path").error("the path contains a NUL byte");
    config.path = std::move(*path);

    auto recovered = entry.boolean("include_recovered", config.includeRecovered);
    if (!recovered)
        return recovered.error();
    config.includeRecovered = *recovered;
    return config;
}

} // namespace vanopticon::sentinel
