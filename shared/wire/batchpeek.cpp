// SPDX-License-Identifier: Apache-2.0
#include "shared/wire/batchpeek.h"

namespace vanopticon::wire {

namespace {

// Field numbers and wire types of channel.proto / event.proto used here.
constexpr std::uint32_t kEnvelopeBatch = 6;
constexpr std::uint32_t kBatchSequence = 1;
constexpr std::uint32_t kBatchEvents = 2;
enum WireType : std::uint32_t { Varint = 0, Fixed64 = 1, Length = 2, Fixed32 = 5 };

// A cursor over protobuf's encoding; every read checks the bounds.
class Reader {
public:
    explicit Reader(std::string_view bytes)
        : m_bytes(bytes) { }

    bool atEnd() const { return m_position == m_bytes.size(); }

    std::optional<std::uint64_t> varint() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_position == m_bytes.size())
                return std::nullopt;
            const auto byte = static_cast<std::uint8_t>(m_bytes[m_position++]);
            value |= std::uint64_t(byte & 0x7Fu) << shift;
            if ((byte & 0x80u) == 0)
                return value;
        }
        return std::nullopt; // more than ten bytes
    }

    std::optional<std::string_view> lengthDelimited() {
        const auto length = varint();
        if (!length || *length > m_bytes.size() - m_position)
            return std::nullopt;
        const std::string_view value = m_bytes.substr(m_position, std::size_t(*length));
        m_position += std::size_t(*length);
        return value;
    }

    // Skips a value of the given wire type; false for groups, unknown types or a short input.
    bool skip(std::uint32_t wireType) {
        switch (wireType) {
        case Varint:
            return varint().has_value();
        case Fixed64:
            return advance(8);
        case Length:
            return lengthDelimited().has_value();
        case Fixed32:
            return advance(4);
        default:
            return false;
        }
    }

private:
    bool advance(std::size_t count) {
        if (count > m_bytes.size() - m_position)
            return false;
        m_position += count;
        return true;
    }

    std::string_view m_bytes;
    std::size_t m_position = 0;
};

} // namespace

std::optional<BatchHeader> peekBatch(std::string_view envelope) {
    Reader outer(envelope);
    const auto tag = outer.varint();
    if (!tag || *tag != ((kEnvelopeBatch << 3) | Length))
        return std::nullopt;
    const auto batch = outer.lengthDelimited();
    if (!batch || !outer.atEnd())
        return std::nullopt; // a second body (or a repeated one) is the full parse's to merge
    BatchHeader header;
    Reader reader(*batch);
    while (!reader.atEnd()) {
        const auto key = reader.varint();
        if (!key || (*key >> 3) == 0 || (*key >> 3) > 0x1FFFFFFFu)
            return std::nullopt;
        const auto field = std::uint32_t(*key >> 3);
        const auto wireType = std::uint32_t(*key & 7u);
        if (field == kBatchSequence && wireType == Varint) {
            const auto sequence = reader.varint(); // the last one counts, as in a full parse
            if (!sequence)
                return std::nullopt;
            header.batchSequence = *sequence;
        } else if (field == kBatchEvents && wireType == Length) {
            if (!reader.lengthDelimited())
                return std::nullopt;
            ++header.events;
        } else if (!reader.skip(wireType)) {
            return std::nullopt;
        }
    }
    return header;
}

} // namespace vanopticon::wire
