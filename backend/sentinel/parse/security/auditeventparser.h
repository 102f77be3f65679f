// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/security/auditrecord.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

struct AuditEventStats {
    std::uint64_t records = 0; // handed to parse()
    std::uint64_t events = 0;
    std::uint64_t failed = 0; // not audit records
    std::uint64_t processCreations = 0; // EXECVE records
    std::uint64_t withExecContext = 0; // … of which completed from their SYSCALL record
    std::uint64_t unnamedFields = 0; // fields whose names no one has registered: not kept
};

// One audit.log record → one event, dated and numbered by the record ("audit_serial"; the records
// of one kernel event share it). Every field is kept under its audit name (type, syscall, exe,
// comm, key, a0…, and the enriched UID, AUID, SYSCALL…), so SigmaHQ's auditd rules run unmodified;
// string fields are decoded from hex. Then, by record type:
//   SYSCALL    → "syscall": Image (exe), ProcessName (comm), ProcessId, ParentProcessId (ppid),
//                User (the enriched UID name, else the uid number)
//   EXECVE     → "process_creation": CommandLine (the arguments, decoded, joined by spaces); with
//                Image, ProcessName, ProcessId, ParentProcessId and User from the execve SYSCALL
//                record of the same event, which auditd writes just before
//   USER_AUTH, USER_LOGIN → "auth_success" / "auth_failed" (res): User (acct, else the enriched
//                ID, else id), SourceIp (addr), Terminal, Image; service = the program's name
//   USER_CMD   → "sudo_command" / "sudo_failed": CommandLine (cmd), CurrentDirectory (cwd), User
//   ADD_USER, DEL_USER, USER_MGMT, ADD_GROUP, DEL_GROUP, GRP_MGMT, USER_CHAUTHTOK (succeeded) →
//                user_created, user_deleted, user_modified, group_created, group_deleted,
//                group_modified, password_changed: TargetUserName (acct), TargetUserId (id), User
//   anything else → "audit".
// Severity: failures low, account and group changes medium, the rest info.
// Not thread-safe: one per source (it remembers the last execve SYSCALL record).
class AuditEventParser {
public:
    AuditEventParser();

    ParseOutcome parse(std::string_view line, const SyslogContext &context, EventBatch &batch);
    const AuditEventStats &stats() const { return m_stats; }

private:
    friend ParseOutcome parseAuditEvent(std::string_view, const SyslogContext &, EventBatch &);

    struct ExecContext {
        bool valid = false;
        std::int64_t timestampNs = 0;
        std::string serial;
        std::string image;
        std::string processName;
        std::string processId;
        std::string parentProcessId;
        std::string user;
    };

    ParseOutcome parseRecord(std::string_view line, const SyslogContext &context, EventBatch &batch, bool remember);

    ExecContext m_exec;
    std::string m_scratch; // decoded hex
    std::string m_argument; // the EXECVE argument being assembled
    std::string m_commandLine;
    AuditEventStats m_stats;
};

// One record on its own (no SYSCALL record to complete an EXECVE one), for callers that hold no
// parser: the event is the same as AuditEventParser's otherwise.
ParseOutcome parseAuditEvent(std::string_view record, const SyslogContext &context, EventBatch &batch);

} // namespace vanopticon::sentinel
