// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/lineformat.h"
#include "sentinel/parse/messageclassifier.h"
#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

struct LineParserStats {
    std::uint64_t lines = 0; // handed to parse()
    std::uint64_t events = 0; // became events (auth + generic)
    std::uint64_t authEvents = 0; // sshd login attempts recognised
    std::uint64_t sshdMalformed = 0; // sshd lines that began like a login attempt but did not read as one
    std::uint64_t failed = 0; // refused; the latest are in recentErrors()
};

// A line that could not be parsed, kept for the operator to see.
struct LineParseError {
    std::string line; // the line as collected, cut at LineParser::kMaxErrorLineBytes
    std::size_t lineBytes = 0; // its full length
    std::string reason;
    std::int64_t atNs = 0; // the parser's "now" when it was refused
};

// Turns collected lines into normalized events. sshd login attempts become auth_failed /
// auth_success events with user, address, port and method; every other syslog line becomes a
// generic "syslog" event. Strings are copied into the batch's arena; apart from that, parsing a
// line allocates nothing. Not thread-safe: one parser per source.
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
    // The last kMaxRecentErrors failures, oldest first.
    const std::deque<LineParseError> &recentErrors() const { return m_recentErrors; }

private:
    void refuse(std::string_view line, std::string_view reason);

    LineFormat m_format;
    SyslogContext m_context;
    Rfc3164Options m_options;
    MessageClassifier m_classifier;
    LineParserStats m_stats;
    std::deque<LineParseError> m_recentErrors;
};

} // namespace vanopticon::sentinel
