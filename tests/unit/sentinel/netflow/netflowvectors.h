// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/respond/ipaddress.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cstdint>
#include <span>
#include <vector>

// The softflowd exports of bitkeks/python-netflow-v9-softflowd (../shared/data/netflow), read as
// they are at test time. Their expected values are in test_netflow.py beside them.
namespace netflowvectors {

inline QString path(const QString &name) {
    return QStringLiteral(VANOPTICON_TEST_DATA_DIR "/netflow/packets/") + name + QStringLiteral(".bin");
}

// The packet's bytes; empty (and the caller's QVERIFY fails) when the file is missing.
inline QByteArray packet(const QString &name) {
    QFile file(path(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

inline std::span<const std::uint8_t> bytes(const QByteArray &data) {
    return {reinterpret_cast<const std::uint8_t *>(data.constData()), std::size_t(data.size())};
}

inline vanopticon::sentinel::IpAddress address(const char *text) {
    return vanopticon::sentinel::IpAddress::parse(text).value();
}

// Every packet of the set, for tests that walk all of them.
inline const std::vector<QString> &allNames() {
    static const std::vector<QString> names {QStringLiteral("PACKET_V1"), QStringLiteral("PACKET_V5"),
        QStringLiteral("PACKET_V9_TEMPLATE"), QStringLiteral("PACKET_V9_TEMPLATE_MIXED"),
        QStringLiteral("PACKETS_V9_0"), QStringLiteral("PACKETS_V9_1"), QStringLiteral("PACKETS_V9_2"),
        QStringLiteral("PACKET_V9_WITH_ZEROS"), QStringLiteral("PACKET_INVALID"), QStringLiteral("PACKET_IPFIX"),
        QStringLiteral("PACKET_IPFIX_TEMPLATE"), QStringLiteral("PACKET_IPFIX_ETHER"),
        QStringLiteral("PACKET_IPFIX_TEMPLATE_ETHER"), QStringLiteral("PACKET_IPFIX_PADDING")};
    return names;
}

} // namespace netflowvectors
