// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/journald/journaleventwriter.h"

#include "sentinel/collect/journald/utf8text.h"
#include "sentinel/parse/security/securitymessage.h"
#include "sentinel/parse/sshd.h"

namespace vanopticon::sentinel {

namespace {

int syslogSeverity(std::string_view priority) {
    if (priority.size() == 1 && priority[0] >= '0' && priority[0] <= '7')
        return priority[0] - '0';
    return -1;
}

} // namespace

JournalEventWriter::JournalEventWriter()
    : m_unitField(internField("_SYSTEMD_UNIT"))
    , m_uidField(internField("_UID")) {
}

std::string_view JournalEventWriter::text(std::string_view bytes, std::string &scratch) {
    bool replaced = false;
    const std::string_view valid = toValidUtf8(bytes, scratch, replaced);
    if (replaced)
        ++m_stats.binaryFields;
    return valid;
}

namespace {

// The identifier names a program whose messages become typed events (sshd logins, sudo, su, the
// account tools) and the process that wrote the entry is another one. The kernel keeps at most
// 15 bytes of a command name (TASK_COMM_LEN).
bool contradicts(std::string_view identifier, std::string_view comm) {
    constexpr std::size_t kCommBytes = 15;
    if (isSshdAppName(identifier))
        return !isSshdAppName(comm);
    if (isSecurityAppName(identifier))
        return comm != identifier.substr(0, kCommBytes);
    return false;
}

} // namespace

void JournalEventWriter::append(const JournalEntry &entry, std::string_view fallbackHost, EventBatch &batch) {
    ++m_stats.entries;
    m_stats.fieldsCut += entry.fieldsCut;

    // Any process may call itself "sshd" or "sudo" in SYSLOG_IDENTIFIER; journald records which
    // process really wrote the entry (_COMM). A claim the record contradicts is not believed.
    std::string_view program;
    if (entry.syslogIdentifier.empty()) {
        program = text(entry.comm, m_program);
    } else if (!entry.comm.empty() && contradicts(entry.syslogIdentifier, entry.comm)) {
        ++m_stats.spoofedIdentifiers;
        program = text(entry.comm, m_program);
    } else {
        program = text(entry.syslogIdentifier, m_program);
    }

    SyslogRecord record;
    record.timestampNs = entry.realtimeUs * 1000;
    record.severity = syslogSeverity(entry.priority);
    record.hostname = text(entry.hostname, m_host);
    record.appName = program;
    record.procId = text(entry.pid, m_pid);
    record.message = text(entry.message, m_message);
    record.sourceType = "journald";

    m_raw.clear();
    m_raw.append(record.hostname.empty() ? fallbackHost : record.hostname);
    m_raw.push_back(' ');
    m_raw.append(program);
    if (!record.procId.empty()) {
        m_raw.push_back('[');
        m_raw.append(record.procId);
        m_raw.push_back(']');
    }
    m_raw.append(": ");
    m_raw.append(record.message);
    record.raw = m_raw;

    m_classifier.append(record, fallbackHost, batch);
    Event &event = batch.events().back();
    if (!entry.systemdUnit.empty())
        batch.setField(event, m_unitField, text(entry.systemdUnit, m_unit));
    if (!entry.uid.empty())
        batch.setField(event, m_uidField, text(entry.uid, m_uid));
    if (!entry.exe.empty())
        batch.setField(event, field::Image, text(entry.exe, m_exe));
    if (!entry.cmdline.empty())
        batch.setField(event, field::CommandLine, text(entry.cmdline, m_cmdline));
}

} // namespace vanopticon::sentinel
