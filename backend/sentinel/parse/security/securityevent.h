// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/event.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vanopticon::sentinel {

enum class SecurityMatch : std::uint8_t {
    NotSecurity, // some other message of the program (or not a program this knows)
    Security, // a typed security event, in the SecurityEvent
    Malformed, // begins like a security message but does not read as one (bad name, bad number…)
};

// Field ids the extractors fill, interned once for the process.
struct SecurityFields {
    FieldId reason; // "reason": why a failure failed (static text)
    FieldId anomaly; // "anomaly": the message is suspect (e.g. sudo fields that read two ways)
    FieldId targetUserName; // Sigma (Windows): the account acted upon
    FieldId targetUserId;
    FieldId groupName;
    FieldId groupId;
    FieldId terminal;
    FieldId homeDirectory;
    FieldId shell;
    FieldId change; // user_modified / group_modified: what changed (uid, shell, group_add…)
    FieldId oldValue;
    FieldId newValue;
    FieldId parentProcessId; // Sigma (Windows process_creation)
    // sudo's own key names, as SigmaHQ's sudo rules use them (e.g. USER: '#-1' for CVE-2019-14287)
    FieldId sudoTty;
    FieldId sudoPwd;
    FieldId sudoUser;
    FieldId sudoGroup;
    FieldId sudoCommand;

    static const SecurityFields &get();
};

// A security event read from one message: what it is and its fields, as views into the message
// (and static text). Small and allocation-free; applySecurityEvent() writes it onto an event.
struct SecurityEvent {
    static constexpr std::size_t kMaxFields = 16;

    std::string_view eventType; // sudo_command, sudo_failed, su_success, user_created…
    std::string_view category; // authentication, process, iam
    std::string_view service; // the program: sudo, su, useradd…
    std::string_view reason; // failures: why (static text); empty otherwise
    Severity severity = Severity::Info;

    // Sets a field (replacing an earlier value of the same id). More than kMaxFields distinct
    // fields is a bug in an extractor: asserted, and ignored in release builds.
    void set(FieldId id, std::string_view value);
    std::string_view value(FieldId id) const;
    bool has(FieldId id) const;
    std::span<const Field> fields() const { return {m_fields.data(), m_count}; }

private:
    std::array<Field, kMaxFields> m_fields {};
    std::size_t m_count = 0;
};

// Types an event that a syslog parser built from the message (host, time, message, raw…):
// event_type, category, service, severity, "reason" and the extracted fields.
void applySecurityEvent(const SecurityEvent &security, Event &event, EventBatch &batch);

} // namespace vanopticon::sentinel
