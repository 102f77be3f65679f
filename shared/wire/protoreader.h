// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

// A cursor over protobuf's encoding, for the few places that read a message straight from its
// bytes instead of through protobuf's parser (the server's hot path). It reads what that parser
// (protobuf 3.21) reads and fails where it fails: keys of at most five bytes, lengths of at most
// five, varints of at most ten, no field number 0, groups nested no deeper than its recursion
// limit and closed by their own number. tst_batchdecoder compares the two on mutated input.
namespace vanopticon::wire {

enum WireType : std::uint32_t {
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5
};

struct FieldKey {
    std::uint32_t number = 0;
    std::uint32_t wireType = 0;
};

class ProtoReader {
public:
    // protobuf's default recursion limit: each nested message or group takes one level.
    static constexpr int kRecursionLimit = 100;

    explicit ProtoReader(std::string_view bytes)
        : m_bytes(bytes) { }

    bool atEnd() const { return m_position == m_bytes.size(); }

    std::optional<std::uint64_t> varint() { return readVarint(10); }

    // The key of the next field. An end-group key is returned (only skipGroup() may accept it);
    // field number 0 and wire types 6 and 7 are malformed.
    std::optional<FieldKey> key() {
        const auto tag = readVarint(5);
        if (!tag)
            return std::nullopt;
        const auto truncated = static_cast<std::uint32_t>(*tag); // protobuf keeps 32 bits of a five-byte key
        const FieldKey key {truncated >> 3, truncated & 7u};
        if (key.number == 0 || key.wireType > Fixed32)
            return std::nullopt;
        return key;
    }

    std::optional<std::string_view> lengthDelimited() {
        const auto length = readVarint(5);
        if (!length || *length > m_bytes.size() - m_position)
            return std::nullopt;
        const std::string_view value = m_bytes.substr(m_position, std::size_t(*length));
        m_position += std::size_t(*length);
        return value;
    }

    // Skips the value of a field whose key was just read. `depth` is the recursion levels left
    // where the field stands: a group takes one more, as in protobuf.
    bool skip(FieldKey key, int depth) {
        switch (key.wireType) {
        case Varint:
            return varint().has_value();
        case Fixed64:
            return advance(8);
        case LengthDelimited:
            return lengthDelimited().has_value();
        case StartGroup:
            return skipGroup(key.number, depth - 1);
        case Fixed32:
            return advance(4);
        default:
            return false; // an end-group key outside its group
        }
    }

private:
    std::optional<std::uint64_t> readVarint(int maxBytes) {
        // Keys, lengths of short strings and small numbers: one byte, most varints of a batch.
        if (m_position < m_bytes.size()) {
            const auto first = static_cast<std::uint8_t>(m_bytes[m_position]);
            if ((first & 0x80u) == 0) {
                ++m_position;
                return first;
            }
        }
        std::uint64_t value = 0;
        for (int i = 0; i < maxBytes; ++i) {
            if (m_position == m_bytes.size())
                return std::nullopt;
            const auto byte = static_cast<std::uint8_t>(m_bytes[m_position++]);
            value |= std::uint64_t(byte & 0x7Fu) << (7 * i);
            if ((byte & 0x80u) == 0)
                return value;
        }
        return std::nullopt;
    }

    bool advance(std::size_t count) {
        if (count > m_bytes.size() - m_position)
            return false;
        m_position += count;
        return true;
    }

    bool skipGroup(std::uint32_t number, int depth) {
        if (depth < 0)
            return false;
        for (;;) {
            const auto inner = key();
            if (!inner)
                return false;
            if (inner->wireType == EndGroup)
                return inner->number == number;
            if (!skip(*inner, depth))
                return false;
        }
    }

    std::string_view m_bytes;
    std::size_t m_position = 0;
};

} // namespace vanopticon::wire
