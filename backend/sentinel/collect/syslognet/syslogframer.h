// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// RFC 6587 framings of syslog over a stream.
enum class SyslogFraming : std::uint8_t {
    Undecided, // nothing read yet (or re-deciding after a bad length prefix)
    OctetCounting, // "LEN SP MSG": any byte may be in MSG
    NonTransparent, // MSG LF (NUL also ends a message, a CR before the LF is dropped)
};

struct SyslogFramerStats {
    std::uint64_t bytes = 0; // fed
    std::uint64_t messages = 0; // handed to the sink
    std::uint64_t oversized = 0; // longer than the bound: skipped to the end of their frame
    std::uint64_t badLengthPrefixes = 0; // an octet count that was not one: skipped to the next LF
    std::uint64_t truncatedAtClose = 0; // an octet-counted message the peer did not finish
};

// Cuts a byte stream (one TCP connection) into syslog messages, whatever the chunks it arrives
// in. The framing is decided by the first byte of the connection — a digit starts an octet count
// ("LEN SP", RFC 6587 3.4.1), anything else a message ended by LF (3.4.2) — and decided again after
// a length prefix that was not one, which recovers a sender that only seemed to count. Empty
// lines (and CR, LF or NUL between counted frames) are skipped. Memory is bounded: at most one
// partial message of maxMessageBytes is held; a longer message is skipped and counted.
class SyslogFramer {
public:
    // The message is valid during the call only: it points into the fed chunk or the framer.
    using Sink = std::function<void(std::string_view message)>;

    explicit SyslogFramer(std::size_t maxMessageBytes);

    void feed(std::string_view bytes, const Sink &sink);
    // The peer closed the stream: a last LF-framed message without its LF is complete; a counted
    // frame cut short is lost (counted). The framer is then ready for a new stream.
    void finish(const Sink &sink);

    SyslogFraming framing() const { return m_framing; }
    const SyslogFramerStats &stats() const { return m_stats; }
    // The partial message held between chunks.
    std::size_t bufferedBytes() const { return m_partial.size(); }
    std::size_t maxMessageBytes() const { return m_maxMessageBytes; }

private:
    enum class State : std::uint8_t { FrameStart, Length, Octets, SkipOctets, Line, SkipLine, SkipGarbage };

    void deliverLine(std::string_view line, const Sink &sink);

    std::size_t m_maxMessageBytes;
    SyslogFraming m_framing = SyslogFraming::Undecided;
    State m_state = State::FrameStart;
    std::uint64_t m_length = 0; // the octet count being read, then what is left of the frame
    unsigned m_lengthDigits = 0;
    std::string m_partial;
    SyslogFramerStats m_stats;
};

} // namespace vanopticon::sentinel
