// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processmonitorconfig.h"

namespace vanopticon::sentinel {

namespace {

Result<std::size_t> sizeSetting(const config::Section &entry, std::string_view key, std::size_t fallback,
    std::uint64_t min, std::uint64_t max, std::string_view range) {
    if (!entry.has(key))
        return fallback;
    auto text = entry.child(key).scalar();
    if (!text)
        return text.error();
    auto size = config::parseSize(*text);
    if (!size)
        return entry.child(key).error(size.error().message);
    if (*size < min || *size > max)
        return entry.child(key).error("must be between " + std::string(range));
    return std::size_t(*size);
}

} // namespace

const char *processMonitorMethodName(ProcessMonitorMethod method) {
    switch (method) {
    case ProcessMonitorMethod::Auto:
        return "auto";
    case ProcessMonitorMethod::Netlink:
        return "netlink";
    case ProcessMonitorMethod::Proc:
        return "proc";
    }
    return "auto";
}

Result<ProcessMonitorConfig> parseProcessMonitorConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type and settings");
    if (auto known
        = entry.allowOnly({"type", "method", "poll_interval", "max_command_line", "max_processes", "receive_buffer"});
        !known)
        return known.error();
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != "process_monitor")
        return entry.child("type").error("expected type process_monitor, got '" + *type + "'");

    ProcessMonitorConfig config;
    auto method = entry.string("method", "auto");
    if (!method)
        return method.error();
    if (*method == "auto")
        config.method = ProcessMonitorMethod::Auto;
    else if (*method == "netlink")
        config.method = ProcessMonitorMethod::Netlink;
    else if (*method == "proc")
        config.method = ProcessMonitorMethod::Proc;
    else
        return entry.child("method").error("expected auto, netlink or proc, got '" + *method + "'");

    auto interval = entry.duration("poll_interval", config.pollInterval);
    if (!interval)
        return interval.error();
    if (*interval < kMinProcessPollInterval || *interval > kMaxProcessPollInterval)
        return entry.child("poll_interval").error("must be between 10ms and 1h");
    config.pollInterval = *interval;

    auto commandLine = sizeSetting(entry, "max_command_line", config.maxCommandLineBytes, 256, 1u << 20, "256 and 1MB");
    if (!commandLine)
        return commandLine.error();
    config.maxCommandLineBytes = *commandLine;

    auto processes = entry.integer("max_processes", std::int64_t(config.maxProcesses), 1024, 4194304);
    if (!processes)
        return processes.error();
    config.maxProcesses = std::size_t(*processes);

    auto buffer
        = sizeSetting(entry, "receive_buffer", config.receiveBufferBytes, 64u << 10, 256u << 20, "64KB and 256MB");
    if (!buffer)
        return buffer.error();
    config.receiveBufferBytes = *buffer;
    return config;
}

} // namespace vanopticon::sentinel
