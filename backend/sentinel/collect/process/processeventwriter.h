// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/process/processinfo.h"
#include "shared/event/event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// One process start or exit, as known when it is reported. Empty views are unknown fields.
struct ProcessEventData {
    Pid pid = 0;
    Pid ppid = 0;
    std::string_view image;
    std::string_view commandLine;
    std::string_view currentDirectory;
    std::string_view user;
    std::string_view parentImage;
    std::string_view parentCommandLine;
    std::int64_t startNs = 0; // 0: unknown
    bool shortLived = false; // gone before /proc could be read
    std::optional<std::uint32_t> waitStatus; // exit: as wait(2) gives it
};

// Writes Sigma `process_creation` events (category process) and their `process_exit` counterpart:
//   event_type        process_creation | process_exit
//   category          process
//   source_type       process_monitor
//   Image, CommandLine, CurrentDirectory, User, ProcessId,
//   ParentProcessId, ParentImage, ParentCommandLine
//   StartTime         RFC 3339 UTC, when the process was created (fork)
//   ExitCode          exit: its exit status, when it exited normally
//   ExitSignal        exit: the signal number that ended it
//   message           "process started: …" / "process exited: …"
// Event time: the exec (netlink) or the start (polling); for an exit, when it was seen.
class ProcessEventWriter {
public:
    ProcessEventWriter();

    void appendCreation(const ProcessEventData &data, std::int64_t timestampNs, EventBatch &batch);
    void appendExit(const ProcessEventData &data, std::int64_t timestampNs, EventBatch &batch);

private:
    Event &begin(const ProcessEventData &data, std::string_view type, std::int64_t timestampNs, EventBatch &batch);
    void setNumber(EventBatch &batch, Event &event, FieldId id, std::int64_t value);

    FieldId m_parentProcessId;
    FieldId m_startTime;
    FieldId m_exitCode;
    FieldId m_exitSignal;
    std::string m_text; // reused for messages and numbers
};

} // namespace vanopticon::sentinel
