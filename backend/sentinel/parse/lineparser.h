// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/json/jsoneventparser.h"
#include "sentinel/parse/keyvalue/recordfieldstats.h"
#include "sentinel/parse/lineformat.h"
#include "sentinel/parse/messageclassifier.h"
#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/rfc5424/rfc5424event.h"
#include "sentinel/parse/security/auditeventparser.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

struct LineParserStats {
    std::uint64_t lines = 0; // handed to parse()
    std::uint64_t events = 0; // became events
    std::uint64_t failed = 0; // refused; the latest are in recentErrors()
    // Events per concrete format (indexed by LineFormat; Auto stays 0): what `auto` recognised.
    std::array<std::uint64_t, kLineFormatCount> eventsByFormat {};
};

// A line that could not be parsed, kept for the operator to see.
struct LineParseError {
    std::string line; // the line as collected, cut at LineParser::kMaxErrorLineBytes
    std::size_t lineBytes = 0; // its full length
    std::string reason;
    std::int64_t atNs = 0; // the parser's "now" when it was refused
};

// Turns collected lines into normalized events, in one format or recognised line by line
// (LineFormat::Auto). Syslog lines (RFC 3164, RFC 5424) go through a MessageClassifier, so the
// messages of programs it knows (sshd, sudo, su, the account tools) and CEF / LEEF payloads become
// typed events; JSON, CEF, LEEF, key=value and audit.log lines have their own parsers. Strings are
// copied into the batch's arena; apart from that, parsing a line allocates nothing once the field
// names are known. Not thread-safe: one parser per source.
class LineParser {
public:
    static constexpr std::size_t kMaxRecentErrors = 100;
    static constexpr std::size_t kMaxErrorLineBytes = 4096;

    LineParser(LineFormat format, SyslogContext context, Rfc3164Options options = {});

    // Appends one event for the line and returns true, or counts and keeps the failure and
    // returns false (the batch is then unchanged).
    bool parse(std::string_view line, EventBatch &batch);

    // Time moves on: drivers call this before each chunk of lines (tests pass a fixed time).
    void setClock(std::int64_t nowNs, std::int32_t utcOffsetSeconds);
    const SyslogContext &context() const { return m_context; }
    LineFormat format() const { return m_format; }

    const LineParserStats &stats() const { return m_stats; }
    // What the syslog formats recognised in the messages (sshd logins, security events…).
    const MessageClassifierStats &classifierStats() const { return m_classifier.stats(); }
    // What CEF, LEEF and key=value lines carried that could not be kept.
    const RecordFieldStats &fieldStats() const { return m_fieldStats; }
    // The last kMaxRecentErrors failures, oldest first.
    const std::deque<LineParseError> &recentErrors() const { return m_recentErrors; }

private:
    ParseOutcome parseAs(LineFormat format, std::string_view line, EventBatch &batch);
    ParseOutcome parseRfc3164Line(std::string_view line, EventBatch &batch);
    void refuse(std::string_view line, std::string_view reason);

    LineFormat m_format;
    SyslogContext m_context;
    Rfc3164Options m_options;
    MessageClassifier m_classifier;
    Rfc5424EventInfo m_rfc5424;
    JsonEventParser m_json;
    AuditEventParser m_audit;
    RecordFieldStats m_fieldStats;
    LineParserStats m_stats;
    std::deque<LineParseError> m_recentErrors;
};

} // namespace vanopticon::sentinel
