// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/auditeventparser.h"

#include "sentinel/parse/security/securityevent.h"
#include "sentinel/respond/ipaddress.h"

#include <array>
#include <charconv>
#include <optional>
#include <unordered_map>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kMaxArgumentFields = 64; // a0 … a63 as fields; all of them in CommandLine
constexpr std::size_t kMaxCommandLineBytes = std::size_t {32} * 1024;

// Field names of audit records (auparse's table and the record types' own), and the enriched
// upper-case ones: interned once. Names outside it are kept only when the registry knows them
// already (a rule asks for them): a record cannot grow the registry.
constexpr std::string_view kAuditNames[] = {"type", "audit_serial", "node", "pid", "ppid", "uid", "auid", "euid",
    "suid", "fsuid", "gid", "egid", "sgid", "fsgid", "ouid", "ogid", "oauid", "old-auid", "iuid", "igid", "id", "ses",
    "old-ses", "tty", "comm", "exe", "subj", "obj", "key", "arch", "syscall", "success", "exit", "a0", "a1", "a2", "a3",
    "items", "argc", "cwd", "item", "name", "inode", "dev", "mode", "rdev", "nametype", "cap_fp", "cap_fi", "cap_fe",
    "cap_fver", "cap_frootid", "cap_pi", "cap_pe", "cap_pp", "cap_pa", "op", "acct", "hostname", "addr", "terminal",
    "res", "result", "cmd", "grantors", "proctitle", "path", "file", "dir", "watch", "saddr", "family", "apparmor",
    "operation", "profile", "denied_mask", "requested_mask", "info", "sig", "list", "data", "perm", "prom", "old_prom",
    "capability", "proto", "icmptype", "hook", "action", "uringop", "reason", "unit", "new_pe", "new_pi", "new_pp",
    "old_pe", "old_pi", "old_pp", "fe", "fi", "fp", "fver", "ARCH", "SYSCALL", "AUID", "UID", "GID", "EUID", "SUID",
    "FSUID", "EGID", "SGID", "ID"};

struct AuditIds {
    std::unordered_map<std::string_view, FieldId> byName;
    std::array<FieldId, kMaxArgumentFields> arguments {};
    FieldId type;
    FieldId serial;
    FieldId node;

    static const AuditIds &get() {
        static const AuditIds ids;
        return ids;
    }

private:
    AuditIds() {
        for (const std::string_view name : kAuditNames)
            byName.emplace(name, internField(name));
        for (std::size_t i = 0; i < kMaxArgumentFields; ++i)
            arguments[i] = internField("a" + std::to_string(i));
        type = byName.at("type");
        serial = byName.at("audit_serial");
        node = byName.at("node");
    }
};

std::optional<FieldId> fieldIdFor(std::string_view name) {
    const AuditIds &ids = AuditIds::get();
    if (const auto it = ids.byName.find(name); it != ids.byName.end())
        return it->second;
    return FieldRegistry::instance().find(name);
}

// "a12" → 12, "a12[3]" → 12 (a piece of a long argument); other names → nullopt.
std::optional<std::size_t> argumentIndex(std::string_view name) {
    if (name.size() < 2 || name[0] != 'a')
        return std::nullopt;
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(name.data() + 1, name.data() + name.size(), index);
    if (error != std::errc() || end == name.data() + 1)
        return std::nullopt;
    const std::string_view rest(end, static_cast<std::size_t>(name.data() + name.size() - end));
    if (!rest.empty() && !(rest.front() == '[' && rest.back() == ']'))
        return std::nullopt;
    return index;
}

// execve and execveat by architecture (AUDIT_ARCH_*, as the record writes it) and number.
bool isExecSyscall(std::string_view arch, std::string_view number, std::string_view name) {
    if (!name.empty())
        return name == "execve" || name == "execveat";
    if (arch == "c000003e") // x86_64
        return number == "59" || number == "322";
    if (arch == "40000003" || arch == "40000028") // i386, arm
        return number == "11" || number == "358" || number == "387";
    if (arch == "c00000b7" || arch == "c00000f3") // aarch64, riscv64
        return number == "221" || number == "281";
    return false;
}

std::string_view baseName(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool isUnset(std::string_view value) {
    return value.empty() || value == "?" || value == "(null)" || value == "(unknown)" || value == "unset"
        || value == "4294967295";
}

// The values the typed events are made from, as stored in the batch.
struct Seen {
    std::string_view exe, comm, pid, ppid, uid, auid, UID, AUID, id, ID, syscall, SYSCALL, arch, acct, addr, terminal,
        res, cwd, cmd;

    void note(std::string_view name, std::string_view value) {
        static constexpr std::pair<std::string_view, std::string_view Seen::*> kMembers[] = {
            {"exe", &Seen::exe},
            {"comm", &Seen::comm},
            {"pid", &Seen::pid},
            {"ppid", &Seen::ppid},
            {"uid", &Seen::uid},
            {"auid", &Seen::auid},
            {"UID", &Seen::UID},
            {"AUID", &Seen::AUID},
            {"id", &Seen::id},
            {"ID", &Seen::ID},
            {"syscall", &Seen::syscall},
            {"SYSCALL", &Seen::SYSCALL},
            {"arch", &Seen::arch},
            {"acct", &Seen::acct},
            {"addr", &Seen::addr},
            {"terminal", &Seen::terminal},
            {"res", &Seen::res},
            {"cwd", &Seen::cwd},
            {"cmd", &Seen::cmd},
        };
        for (const auto &[known, member] : kMembers) {
            if (known == name) {
                this->*member = value;
                return;
            }
        }
    }
    // A name where the record has one (enriched), else the number.
    std::string_view user() const { return !isUnset(UID) ? UID : uid; }
    std::string_view loginUser() const {
        if (!isUnset(AUID))
            return AUID;
        return !isUnset(auid) ? auid : user();
    }
};

// res=success / res=failed (older tools: yes / no, failure).
std::optional<bool> succeeded(std::string_view res) {
    if (res == "success" || res == "yes")
        return true;
    if (res == "failed" || res == "failure" || res == "no")
        return false;
    return std::nullopt;
}

struct AccountRecord {
    std::string_view type;
    std::string_view eventType;
};
constexpr AccountRecord kAccountRecords[] = {
    {"ADD_USER", "user_created"},
    {"DEL_USER", "user_deleted"},
    {"USER_MGMT", "user_modified"},
    {"ADD_GROUP", "group_created"},
    {"DEL_GROUP", "group_deleted"},
    {"GRP_MGMT", "group_modified"},
    {"USER_CHAUTHTOK", "password_changed"},
};

} // namespace

AuditEventParser::AuditEventParser() {
    (void)AuditIds::get();
    (void)SecurityFields::get();
}

ParseOutcome AuditEventParser::parse(std::string_view line, const SyslogContext &context, EventBatch &batch) {
    return parseRecord(line, context, batch, true);
}

ParseOutcome AuditEventParser::parseRecord(
    std::string_view line, const SyslogContext &context, EventBatch &batch, bool remember) {
    ++m_stats.records;
    AuditRecord record;
    if (const ParseOutcome outcome = parseAuditRecord(line, record); !outcome) {
        ++m_stats.failed;
        return outcome;
    }
    const AuditIds &ids = AuditIds::get();
    const SecurityFields &securityIds = SecurityFields::get();
    const bool execve = record.type == "EXECVE";

    Event &event = batch.addEvent();
    event.timestampNs = record.timestampNs;
    const std::string_view host = record.node.empty() ? std::string_view(context.hostName) : record.node;
    if (!host.empty())
        batch.setField(event, field::Host, host);
    batch.setField(event, field::SourceType, "auditd");
    batch.setField(event, field::Raw, line);
    batch.setField(event, field::Message, record.body);
    batch.setField(event, ids.type, record.type);
    batch.setField(event, ids.serial, record.serial);
    if (!record.node.empty())
        batch.setField(event, ids.node, record.node);

    Seen seen;
    std::optional<std::size_t> argument;
    std::size_t arguments = 0;
    m_commandLine.clear();
    const auto endArgument = [&] {
        if (!argument)
            return;
        const std::string_view stored = batch.store(m_argument);
        if (*argument < kMaxArgumentFields)
            batch.setStoredField(event, ids.arguments[*argument], stored);
        if (m_commandLine.size() + m_argument.size() < kMaxCommandLineBytes) {
            if (arguments++ > 0)
                m_commandLine += ' ';
            m_commandLine += m_argument;
        }
        argument.reset();
    };

    AuditFieldReader reader(record.body);
    AuditField f;
    while (reader.next(f)) {
        if (execve) {
            if (const std::optional<std::size_t> index = argumentIndex(f.name)) {
                if (argument != index) {
                    endArgument();
                    argument = index;
                    m_argument.clear();
                }
                m_argument += auditStringValue(f, m_scratch);
                continue;
            }
            if (f.name.ends_with("_len"))
                continue;
        }
        const std::string_view text
            = isAuditStringField(record.type, f.name) ? auditStringValue(f, m_scratch) : f.value;
        if (text == "?" || text == "(null)")
            continue;
        const std::string_view stored = batch.store(text);
        seen.note(f.name, stored);
        if (const std::optional<FieldId> id = fieldIdFor(f.name))
            batch.setStoredField(event, *id, stored);
        else
            ++m_stats.unnamedFields;
    }
    endArgument();

    std::string_view eventType = "audit";
    std::string_view category = "system";
    std::string_view service = "auditd";
    Severity severity = Severity::Info;
    const auto setIfAny = [&](FieldId id, std::string_view value) {
        if (!isUnset(value))
            batch.setStoredField(event, id, value);
    };

    if (record.type == "SYSCALL") {
        eventType = "syscall";
        category = "process";
        setIfAny(field::Image, seen.exe);
        setIfAny(field::ProcessName, seen.comm);
        setIfAny(field::ProcessId, seen.pid);
        setIfAny(securityIds.parentProcessId, seen.ppid);
        setIfAny(field::User, seen.user());
        if (remember) {
            m_exec.valid = isExecSyscall(seen.arch, seen.syscall, seen.SYSCALL);
            if (m_exec.valid) {
                m_exec.timestampNs = record.timestampNs;
                m_exec.serial = record.serial;
                m_exec.image = seen.exe;
                m_exec.processName = seen.comm;
                m_exec.processId = seen.pid;
                m_exec.parentProcessId = seen.ppid;
                m_exec.user = seen.user();
            }
        }
    } else if (execve) {
        eventType = "process_creation";
        category = "process";
        batch.setField(event, field::CommandLine, m_commandLine);
        ++m_stats.processCreations;
        if (remember && m_exec.valid && m_exec.serial == record.serial && m_exec.timestampNs == record.timestampNs) {
            setIfAny(field::Image, batch.store(m_exec.image));
            setIfAny(field::ProcessName, batch.store(m_exec.processName));
            setIfAny(field::ProcessId, batch.store(m_exec.processId));
            setIfAny(securityIds.parentProcessId, batch.store(m_exec.parentProcessId));
            setIfAny(field::User, batch.store(m_exec.user));
            m_exec.valid = false; // one process_creation per execve
            ++m_stats.withExecContext;
        }
    } else if (record.type == "USER_AUTH" || record.type == "USER_LOGIN") {
        if (const std::optional<bool> ok = succeeded(seen.res)) {
            eventType = *ok ? "auth_success" : "auth_failed";
            category = "authentication";
            severity = *ok ? Severity::Info : Severity::Low;
            if (!*ok)
                batch.setField(event, securityIds.reason, "auth_failure");
            if (!seen.exe.empty())
                service = baseName(seen.exe);
            setIfAny(field::User, !isUnset(seen.acct) ? seen.acct : (!isUnset(seen.ID) ? seen.ID : seen.id));
            if (!seen.addr.empty() && IpAddress::parse(seen.addr))
                batch.setStoredField(event, field::SourceIp, seen.addr);
            setIfAny(securityIds.terminal, seen.terminal);
            setIfAny(field::Image, seen.exe);
        }
    } else if (record.type == "USER_CMD") {
        if (const std::optional<bool> ok = succeeded(seen.res)) {
            eventType = *ok ? "sudo_command" : "sudo_failed";
            category = *ok ? "process" : "authentication";
            severity = *ok ? Severity::Info : Severity::Low;
            if (!*ok)
                batch.setField(event, securityIds.reason, "command_refused");
            service = seen.exe.empty() ? std::string_view("sudo") : baseName(seen.exe);
            setIfAny(field::CommandLine, seen.cmd);
            setIfAny(field::CurrentDirectory, seen.cwd);
            setIfAny(field::User, seen.loginUser());
            setIfAny(securityIds.terminal, seen.terminal);
        }
    } else {
        for (const AccountRecord &account : kAccountRecords) {
            if (record.type != account.type || succeeded(seen.res) != true)
                continue;
            eventType = account.eventType;
            category = "iam";
            severity = Severity::Medium;
            if (!seen.exe.empty())
                service = baseName(seen.exe);
            const bool group = record.type.find("GROUP") != std::string_view::npos || record.type == "GRP_MGMT";
            // libaudit writes acct= or, when the tool gives the number, id= (the enriched ID names it).
            const std::string_view nameField
                = !isUnset(seen.acct) ? seen.acct : (!isUnset(seen.ID) ? seen.ID : std::string_view());
            if (group) {
                setIfAny(securityIds.groupName, nameField);
                setIfAny(securityIds.groupId, seen.id);
            } else {
                setIfAny(securityIds.targetUserName, nameField);
                setIfAny(securityIds.targetUserId, seen.id);
            }
            setIfAny(field::User, seen.loginUser());
            setIfAny(securityIds.terminal, seen.terminal);
        }
    }

    event.severity = severity;
    batch.setField(event, field::EventType, eventType);
    batch.setField(event, field::Category, category);
    batch.setField(event, field::Service, service);
    ++m_stats.events;
    return {};
}

ParseOutcome parseAuditEvent(std::string_view record, const SyslogContext &context, EventBatch &batch) {
    thread_local AuditEventParser parser;
    return parser.parseRecord(record, context, batch, false);
}

} // namespace vanopticon::sentinel
