// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// The header of one audit record, as auditd writes it to audit.log (and audisp-syslog or the
// kernel log pass it on):
//   [node=<host> ]type=<TYPE> msg=audit(<seconds>.<milliseconds>:<serial>): <fields>
//   [audit: ]type=1400 audit(<seconds>.<milliseconds>:<serial>): <fields>  (kernel log)
// Views into the line.
struct AuditRecord {
    std::string_view node; // empty unless auditd names the host (name_format)
    std::string_view type; // SYSCALL, EXECVE, USER_AUTH…, or a number from the kernel log
    std::int64_t timestampNs = 0;
    std::string_view serial; // the event's serial number, as written: records of one event share it
    std::string_view body; // the fields, after "): "
};

ParseOutcome parseAuditRecord(std::string_view line, AuditRecord &out);

// How a value was written.
enum class AuditValueForm : std::uint8_t {
    Plain, // as is: numbers, "yes", "?", "(null)", and hex-encoded strings
    Quoted, // "…": a string the kernel or tool found safe to print
};

struct AuditField {
    std::string_view name;
    std::string_view value; // quotes removed
    AuditValueForm form = AuditValueForm::Plain;
    bool inner = false; // inside msg='…' of a record written by a user-space tool
    bool enriched = false; // after auditd's 0x1D separator (log_format = ENRICHED: UID="root"…)
};

// Reads the fields of a record body one by one: key=value separated by spaces, "msg='…'" opened
// into its own fields, the enriched part after 0x1D. Words that are not key=value are skipped
// (AVC's "avc:  denied  { read } for"), except where they continue a plain value, as in the
// "op=adding user" of older shadow-utils records.
class AuditFieldReader {
public:
    explicit AuditFieldReader(std::string_view body)
        : m_rest(body) { }
    bool next(AuditField &out);
    std::size_t skippedWords() const { return m_skipped; }

private:
    std::string_view m_rest;
    bool m_inner = false;
    bool m_enriched = false;
    std::size_t m_skipped = 0;
};

// Whether a field holds an untrusted string, which the kernel and the audit tools write quoted
// when it is plain printable text and as hex otherwise (auparse's "escaped" fields; EXECVE's aN).
bool isAuditStringField(std::string_view recordType, std::string_view name);

// A string field's text: quoted values as they are, hex values decoded into `scratch` (replacing
// what it held; the view points there, valid until scratch changes). NUL bytes become spaces
// (proctitle separates arguments with NULs), a final one is dropped. Hex that does not decode,
// "(null)" and "?" are returned as written.
std::string_view auditStringValue(const AuditField &field, std::string &scratch);

} // namespace vanopticon::sentinel
