// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processeventwriter.h"

#include "shared/event/eventjson.h"

#include <array>
#include <charconv>

#include <sys/wait.h>

namespace vanopticon::sentinel {

namespace {

// Messages quote at most this much of a command line; the full one is in CommandLine.
constexpr std::size_t kMessageCommandLine = 512;

void appendNumber(std::string &out, std::int64_t value) {
    std::array<char, 24> digits {};
    const auto [end, error] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
    out.append(digits.data(), end);
}

void appendSubject(std::string &out, const ProcessEventData &data) {
    if (!data.commandLine.empty())
        out.append(data.commandLine.substr(0, kMessageCommandLine));
    else if (!data.image.empty())
        out.append(data.image);
    else
        out.append("(unknown program)");
    out.append(" (pid ");
    appendNumber(out, data.pid);
    if (data.ppid > 0) {
        out.append(", parent ");
        appendNumber(out, data.ppid);
        if (!data.parentImage.empty()) {
            out.append(" ");
            out.append(data.parentImage);
        }
    }
    out.append(")");
}

} // namespace

ProcessEventWriter::ProcessEventWriter()
    : m_parentProcessId(internField("ParentProcessId"))
    , m_startTime(internField("StartTime"))
    , m_exitCode(internField("ExitCode"))
    , m_exitSignal(internField("ExitSignal")) {
}

void ProcessEventWriter::setNumber(EventBatch &batch, Event &event, FieldId id, std::int64_t value) {
    m_text.clear();
    appendNumber(m_text, value);
    batch.setField(event, id, m_text);
}

Event &ProcessEventWriter::begin(
    const ProcessEventData &data, std::string_view type, std::int64_t timestampNs, EventBatch &batch) {
    Event &event = batch.addEvent();
    event.timestampNs = timestampNs;
    event.severity = Severity::Info;
    batch.setField(event, field::EventType, type);
    batch.setField(event, field::Category, "process");
    batch.setField(event, field::SourceType, "process_monitor");
    const auto set = [&](FieldId id, std::string_view value) {
        if (!value.empty())
            batch.setField(event, id, value);
    };
    set(field::Image, data.image);
    set(field::CommandLine, data.commandLine);
    set(field::CurrentDirectory, data.currentDirectory);
    set(field::User, data.user);
    setNumber(batch, event, field::ProcessId, data.pid);
    if (data.ppid > 0) {
        setNumber(batch, event, m_parentProcessId, data.ppid);
        set(field::ParentImage, data.parentImage);
        set(field::ParentCommandLine, data.parentCommandLine);
    }
    if (data.startNs > 0) {
        m_text.clear();
        appendTimestamp(m_text, data.startNs); // written for JSON: in quotes
        batch.setField(event, m_startTime, std::string_view(m_text).substr(1, m_text.size() - 2));
    }
    return event;
}

void ProcessEventWriter::appendCreation(const ProcessEventData &data, std::int64_t timestampNs, EventBatch &batch) {
    Event &event = begin(data, "process_creation", timestampNs, batch);
    m_text.assign(data.shortLived ? "process started and exited before it could be read: " : "process started: ");
    appendSubject(m_text, data);
    batch.setField(event, field::Message, m_text);
}

void ProcessEventWriter::appendExit(const ProcessEventData &data, std::int64_t timestampNs, EventBatch &batch) {
    Event &event = begin(data, "process_exit", timestampNs, batch);
    m_text.assign("process exited: ");
    appendSubject(m_text, data);
    if (data.waitStatus) {
        const auto status = static_cast<int>(*data.waitStatus);
        if (WIFEXITED(status)) {
            m_text.append(", status ");
            appendNumber(m_text, WEXITSTATUS(status));
        } else if (WIFSIGNALED(status)) {
            m_text.append(", signal ");
            appendNumber(m_text, WTERMSIG(status));
        }
    }
    batch.setField(event, field::Message, m_text);
    if (data.waitStatus) {
        const auto status = static_cast<int>(*data.waitStatus);
        if (WIFEXITED(status))
            setNumber(batch, event, m_exitCode, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            setNumber(batch, event, m_exitSignal, WTERMSIG(status));
    }
}

} // namespace vanopticon::sentinel
