// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslogframer.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::sentinel {

namespace {

// "MSG-LEN = NONZERO-DIGIT *DIGIT": ten digits count up to 9,999,999,999 bytes, far beyond any
// bound a receiver sets; more is not a length.
constexpr unsigned kMaxLengthDigits = 10;
constexpr std::string_view kLineEnds {"\n\0", 2};

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool isFrameGap(char c) {
    return c == '\n' || c == '\r' || c == '\0';
}

} // namespace

SyslogFramer::SyslogFramer(std::size_t maxMessageBytes)
    : m_maxMessageBytes(maxMessageBytes) {
    assert(maxMessageBytes > 0);
}

void SyslogFramer::deliverLine(std::string_view line, const Sink &sink) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.empty())
        return;
    ++m_stats.messages;
    sink(line);
}

void SyslogFramer::feed(std::string_view bytes, const Sink &sink) {
    m_stats.bytes += bytes.size();
    std::size_t i = 0;
    while (i < bytes.size()) {
        const std::string_view rest = bytes.substr(i);
        switch (m_state) {
        case State::FrameStart: {
            const char c = rest.front();
            if (isFrameGap(c)) {
                ++i;
                break;
            }
            if (m_framing == SyslogFraming::Undecided)
                m_framing = (c >= '1' && c <= '9') ? SyslogFraming::OctetCounting : SyslogFraming::NonTransparent;
            if (m_framing == SyslogFraming::OctetCounting) {
                m_state = State::Length;
                m_length = 0;
                m_lengthDigits = 0;
            } else {
                m_state = State::Line;
                m_partial.clear();
            }
            break;
        }
        case State::Length: {
            const char c = rest.front();
            if (isDigit(c) && !(m_lengthDigits == 0 && c == '0') && m_lengthDigits < kMaxLengthDigits) {
                m_length = m_length * 10 + static_cast<unsigned>(c - '0');
                ++m_lengthDigits;
                ++i;
            } else if (c == ' ' && m_lengthDigits > 0) {
                ++i;
                if (m_length > m_maxMessageBytes) {
                    ++m_stats.oversized;
                    m_state = State::SkipOctets;
                } else {
                    m_state = State::Octets;
                    m_partial.clear();
                }
            } else {
                // Not a length: the sender does not count (or lost count). Skip to a line end
                // and decide afresh there.
                ++m_stats.badLengthPrefixes;
                m_state = State::SkipGarbage;
                m_framing = SyslogFraming::Undecided;
            }
            break;
        }
        case State::Octets: {
            const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(rest.size(), m_length));
            if (m_partial.empty() && take == m_length) {
                ++m_stats.messages;
                sink(rest.substr(0, take)); // the whole frame is in this chunk: no copy
            } else {
                m_partial.append(rest.substr(0, take));
                if (take == m_length) {
                    ++m_stats.messages;
                    sink(m_partial);
                    m_partial.clear();
                }
            }
            i += take;
            m_length -= take;
            if (m_length == 0)
                m_state = State::FrameStart;
            break;
        }
        case State::SkipOctets: {
            const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(rest.size(), m_length));
            i += take;
            m_length -= take;
            if (m_length == 0)
                m_state = State::FrameStart;
            break;
        }
        case State::Line: {
            const std::size_t end = rest.find_first_of(kLineEnds);
            const bool complete = end != std::string_view::npos;
            const std::string_view piece = rest.substr(0, end);
            std::size_t length = m_partial.size() + piece.size();
            if (complete && length > 0 && (piece.empty() ? m_partial.back() : piece.back()) == '\r')
                --length;
            // An incomplete line may yet end in CR LF: one byte more is allowed for the CR.
            if (length > m_maxMessageBytes + (complete ? 0 : 1)) {
                ++m_stats.oversized;
                m_partial.clear();
                m_state = complete ? State::FrameStart : State::SkipLine;
                i = complete ? i + end + 1 : bytes.size();
                break;
            }
            if (!complete) {
                m_partial.append(piece);
                i = bytes.size();
                break;
            }
            if (m_partial.empty()) {
                deliverLine(piece, sink);
            } else {
                m_partial.append(piece);
                deliverLine(m_partial, sink);
                m_partial.clear();
            }
            i += end + 1;
            m_state = State::FrameStart;
            break;
        }
        case State::SkipLine:
        case State::SkipGarbage: {
            const std::size_t end = m_state == State::SkipLine ? rest.find_first_of(kLineEnds) : rest.find('\n');
            if (end == std::string_view::npos) {
                i = bytes.size();
            } else {
                i += end + 1;
                m_state = State::FrameStart;
            }
            break;
        }
        }
    }
}

void SyslogFramer::finish(const Sink &sink) {
    if (m_state == State::Line && !m_partial.empty()) {
        const std::size_t length = m_partial.size() - (m_partial.back() == '\r' ? 1 : 0);
        if (length > m_maxMessageBytes)
            ++m_stats.oversized;
        else
            deliverLine(m_partial, sink);
    } else if (m_state == State::Octets || (m_state == State::Length && m_lengthDigits > 0))
        ++m_stats.truncatedAtClose;
    m_partial.clear();
    m_state = State::FrameStart;
    m_framing = SyslogFraming::Undecided;
}

} // namespace vanopticon::sentinel
