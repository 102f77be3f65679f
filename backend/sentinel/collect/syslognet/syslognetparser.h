// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/lineparser.h"
#include "sentinel/parse/messageclassifier.h"
#include "sentinel/parse/rfc5424/rfc5424event.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// What a syslog receiver expects its peers to send.
enum class SyslogNetFormat : std::uint8_t {
    Auto, // per message: "<PRI>1 " is RFC 5424, anything else RFC 3164
    Rfc5424,
    Rfc3164,
};

std::optional<SyslogNetFormat> parseSyslogNetFormat(std::string_view name);
std::string_view toString(SyslogNetFormat format);

// This host's offset from UTC at `nowNs` (seconds east): the zone RFC 3164 timestamps from the
// network are read in, their sender's being unknown.
std::int32_t localUtcOffsetSeconds(std::int64_t nowNs);
// The wall clock, UTC ns since the epoch.
std::int64_t systemNowNs();

struct SyslogNetParserStats {
    std::uint64_t messages = 0; // handed to parse()
    std::uint64_t rfc5424 = 0; // became events, by format
    std::uint64_t rfc3164 = 0;
    std::uint64_t failed = 0; // refused; the latest are in recentErrors()
    std::uint64_t sdFieldsDropped = 0; // RFC 5424 params not made fields (see Rfc5424EventInfo)
    std::uint64_t sdValuesCut = 0;
};

// A received message that could not be parsed, kept for the operator to see.
struct SyslogNetParseError {
    std::string message; // cut at SyslogNetParser::kMaxErrorMessageBytes
    std::size_t messageBytes = 0; // its full length
    std::string reason;
    std::string peer;
    std::int64_t atNs = 0;
};

// Parses messages received from the network into events: RFC 5424 with parseRfc5424Event(),
// RFC 3164 through LineParser, both classified by MessageClassifier (sshd logins become auth
// events). Every event gets the sender's
// address in `log_source_ip` (not SourceIp: in an sshd event that is the client that logged in),
// and as its `host` when the message names none. One per receiver; not thread-safe.
class SyslogNetParser {
public:
    static constexpr std::size_t kMaxRecentErrors = 100;
    static constexpr std::size_t kMaxErrorMessageBytes = 4096;

    SyslogNetParser(SyslogNetFormat format, std::int64_t nowNs, std::int32_t utcOffsetSeconds);

    // Appends one event and returns true, or counts and keeps the failure and returns false.
    // Line ends (LF, CR LF, NUL) at the end of the message are not part of it.
    bool parse(std::string_view message, std::string_view peer, EventBatch &batch);

    // "Now" for messages without a timestamp and the zone of RFC 3164 ones (this host's: the
    // sender's is not known). Drivers call this per read; tests fix it.
    void setClock(std::int64_t nowNs, std::int32_t utcOffsetSeconds);
    SyslogNetFormat format() const { return m_format; }

    const SyslogNetParserStats &stats() const { return m_stats; }
    // What the messages of each format were recognised as (sshd logins, security events, CEF…).
    const MessageClassifierStats &rfc3164Classified() const { return m_rfc3164.classifierStats(); }
    const MessageClassifierStats &rfc5424Classified() const { return m_classifier.stats(); }
    // The last kMaxRecentErrors failures, oldest first.
    const std::deque<SyslogNetParseError> &recentErrors() const { return m_recentErrors; }

private:
    void refuse(std::string_view message, std::string_view reason, std::string_view peer);

    SyslogNetFormat m_format;
    SyslogContext m_context; // no host name: a message that names none is from its sender
    LineParser m_rfc3164;
    MessageClassifier m_classifier; // for RFC 5424 messages (LineParser has its own)
    Rfc5424EventInfo m_rfc5424; // reused: it is a few kilobytes
    FieldId m_logSourceIpField;
    SyslogNetParserStats m_stats;
    std::deque<SyslogNetParseError> m_recentErrors;
};

} // namespace vanopticon::sentinel
