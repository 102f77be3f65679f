// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon {

// Field names are interned once; engines look fields up by these small integers.
using FieldId = std::uint16_t;

// Well-known fields, with fixed ids so hot code can use constants. Names follow the Sigma
// taxonomy where one exists (SigmaHQ rules run unmodified); the rest are the event core.
namespace field {
// event core
inline constexpr FieldId EventType = 0; // "event_type": auth_failed, auth_success, process_creation…
inline constexpr FieldId Category = 1; // "category": authentication, process, file, network…
inline constexpr FieldId Host = 2; // "host": the monitored host the event is about
inline constexpr FieldId Service = 3; // "service": sshd, sudo, …
inline constexpr FieldId Message = 4; // "message": the human-readable text
inline constexpr FieldId Raw = 5; // "raw": the line as collected
inline constexpr FieldId SourceType = 6; // "source_type": syslog, journald, application…
inline constexpr FieldId Severity = 7; // "severity": resolved from Event::severity, never stored
// Sigma taxonomy
inline constexpr FieldId SourceIp = 8;
inline constexpr FieldId SourcePort = 9;
inline constexpr FieldId DestinationIp = 10;
inline constexpr FieldId DestinationPort = 11;
inline constexpr FieldId User = 12;
inline constexpr FieldId Image = 13;
inline constexpr FieldId CommandLine = 14;
inline constexpr FieldId ParentImage = 15;
inline constexpr FieldId ParentCommandLine = 16;
inline constexpr FieldId CurrentDirectory = 17;
inline constexpr FieldId ProcessId = 18;
inline constexpr FieldId TargetFilename = 19;
inline constexpr FieldId AuthMethod = 20; // "AuthMethod": password, publickey, keyboard-interactive
inline constexpr FieldId Protocol = 21;
inline constexpr FieldId ProcessName = 22; // syslog tag (program name)
inline constexpr FieldId WellKnownCount = 23;
} // namespace field

// Process-wide table of field names. Interning takes a lock; the hot path never interns,
// it uses ids resolved when rules and parsers are compiled.
class FieldRegistry {
public:
    static FieldRegistry &instance();

    // For names from configuration and rules (trusted, bounded by what an operator writes).
    FieldId intern(std::string_view name);
    // For names from events (untrusted): refuses new names once the table holds kMaxNames.
    std::optional<FieldId> tryIntern(std::string_view name);
    static constexpr std::size_t kMaxNames = 16384;
    std::optional<FieldId> find(std::string_view name) const;
    std::string_view name(FieldId id) const;
    std::size_t size() const;

private:
    FieldRegistry();
    ~FieldRegistry();

    // name() runs for every field of every stored event, so it takes no lock: names are reached
    // through pages of pointers that, once published, never move or change.
    static constexpr std::size_t kPageBits = 8;
    static constexpr std::size_t kPageSize = std::size_t(1) << kPageBits;
    static constexpr std::size_t kPages = (std::size_t(std::numeric_limits<FieldId>::max()) + 1) / kPageSize;
    using NamePage = std::array<std::atomic<const std::string *>, kPageSize>;

    mutable std::shared_mutex m_mutex; // for interning and find()
    std::vector<std::unique_ptr<std::string>> m_names; // stable storage for the views below
    std::unordered_map<std::string_view, FieldId> m_ids;
    std::array<std::atomic<NamePage *>, kPages> m_pages {}; // written under m_mutex, read without
};

inline FieldId internField(std::string_view name) {
    return FieldRegistry::instance().intern(name);
}
inline std::string_view fieldName(FieldId id) {
    return FieldRegistry::instance().name(id);
}

} // namespace vanopticon
