// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>

#include <cstdint>

// Builds NetFlow v9 / IPFIX datagrams byte by byte (big-endian), for the cases the captured
// vectors do not cover: withdrawals, redefinitions, variable-length fields, malformed lengths.
class PacketBuilder {
public:
    PacketBuilder &u8(std::uint8_t value) {
        m_bytes.append(char(value));
        return *this;
    }
    PacketBuilder &u16(std::uint16_t value) { return u8(std::uint8_t(value >> 8)).u8(std::uint8_t(value)); }
    PacketBuilder &u32(std::uint32_t value) { return u16(std::uint16_t(value >> 16)).u16(std::uint16_t(value)); }
    PacketBuilder &u64(std::uint64_t value) { return u32(std::uint32_t(value >> 32)).u32(std::uint32_t(value)); }
    PacketBuilder &bytes(const QByteArray &value) {
        m_bytes.append(value);
        return *this;
    }
    PacketBuilder &zeros(int count) {
        m_bytes.append(QByteArray(count, '\0'));
        return *this;
    }

    // IPFIX message header; the length is filled in by ipfix().
    PacketBuilder &ipfixHeader(std::uint32_t exportSeconds, std::uint32_t domain) {
        return u16(10).u16(0).u32(exportSeconds).u32(0).u32(domain);
    }
    PacketBuilder &v9Header(
        std::uint16_t count, std::uint32_t uptimeMs, std::uint32_t unixSeconds, std::uint32_t sourceId) {
        return u16(9).u16(count).u32(uptimeMs).u32(unixSeconds).u32(0).u32(sourceId);
    }
    // Starts a set (or v9 flowset); endSet() writes its length.
    PacketBuilder &beginSet(std::uint16_t id) {
        m_setStart = m_bytes.size();
        return u16(id).u16(0);
    }
    PacketBuilder &endSet() {
        patch16(m_setStart + 2, std::uint16_t(m_bytes.size() - m_setStart));
        return *this;
    }

    QByteArray ipfix() const {
        QByteArray out = m_bytes;
        const auto length = std::uint16_t(out.size());
        out[2] = char(length >> 8);
        out[3] = char(length);
        return out;
    }
    QByteArray raw() const { return m_bytes; }

private:
    void patch16(qsizetype at, std::uint16_t value) {
        m_bytes[at] = char(value >> 8);
        m_bytes[at + 1] = char(value);
    }

    QByteArray m_bytes;
    qsizetype m_setStart = 0;
};
