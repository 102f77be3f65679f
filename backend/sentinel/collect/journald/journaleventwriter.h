// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/journald/journalentry.h"
#include "sentinel/parse/messageclassifier.h"
#include "shared/event/event.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

struct JournalEventWriterStats {
    std::uint64_t entries = 0;
    std::uint64_t binaryFields = 0; // fields that were not UTF-8: invalid bytes became U+FFFD
    std::uint64_t fieldsCut = 0; // fields longer than their bound (JournalEntry), cut
    // Entries whose SYSLOG_IDENTIFIER named a program the classifier believes (sshd) while
    // journald saw another process (_COMM) write them: read as that process's messages.
    std::uint64_t spoofedIdentifiers = 0;
};

// Turns journal entries into events the way syslog lines become events: a SyslogRecord (time
// from __REALTIME_TIMESTAMP, severity from PRIORITY, host _HOSTNAME, program SYSLOG_IDENTIFIER
// or else _COMM, pid _PID, message MESSAGE, source_type "journald") handed to a MessageClassifier,
// so sshd logins from the journal are typed exactly as from auth.log. Added fields:
// `_SYSTEMD_UNIT`, `_UID`, Image (_EXE) and CommandLine (_CMDLINE). raw is the entry as
// `journalctl -o short` shows it without the time: "host program[pid]: message".
// Not thread-safe: one writer per source.
class JournalEventWriter {
public:
    JournalEventWriter();
    void append(const JournalEntry &entry, std::string_view fallbackHost, EventBatch &batch);

    const JournalEventWriterStats &stats() const { return m_stats; }
    const MessageClassifierStats &classifierStats() const { return m_classifier.stats(); }

private:
    std::string_view text(std::string_view bytes, std::string &scratch);

    MessageClassifier m_classifier;
    FieldId m_unitField;
    FieldId m_uidField;
    JournalEventWriterStats m_stats;
    // Reused from entry to entry: only fields that are not UTF-8 are copied into these.
    std::string m_message;
    std::string m_host;
    std::string m_program;
    std::string m_pid;
    std::string m_unit;
    std::string m_uid;
    std::string m_exe;
    std::string m_cmdline;
    std::string m_raw;
};

} // namespace vanopticon::sentinel
