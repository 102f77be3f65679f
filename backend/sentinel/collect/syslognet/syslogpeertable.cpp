// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslogpeertable.h"

#include <QHostAddress>
#include <QJsonObject>

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

bool isV4Mapped(const std::array<std::uint8_t, 16> &key) {
    static constexpr std::array<std::uint8_t, 12> kPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::equal(kPrefix.begin(), kPrefix.end(), key.begin());
}

std::string keyText(const std::array<std::uint8_t, 16> &key) {
    char text[INET6_ADDRSTRLEN] = {};
    if (isV4Mapped(key))
        ::inet_ntop(AF_INET, key.data() + 12, text, sizeof text);
    else
        ::inet_ntop(AF_INET6, key.data(), text, sizeof text);
    return text;
}

QJsonObject toJson(const SyslogPeerCounters &p) {
    return QJsonObject {{u"address"_s, QString::fromStdString(p.address)}, {u"connections"_s, qint64(p.connections)},
        {u"rejected"_s, qint64(p.rejected)}, {u"messages"_s, qint64(p.messages)}, {u"bytes"_s, qint64(p.bytes)},
        {u"errors"_s, qint64(p.errors)}, {u"dropped"_s, qint64(p.dropped)}};
}

} // namespace

std::size_t SyslogPeerTable::KeyHash::operator()(const Key &key) const {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    std::memcpy(&high, key.data(), 8);
    std::memcpy(&low, key.data() + 8, 8);
    return std::hash<std::uint64_t>()(high * 0x9E3779B97F4A7C15ull ^ low);
}

SyslogPeerCounters &SyslogPeerTable::peer(const Key &key) {
    if (const auto it = m_peers.find(key); it != m_peers.end())
        return it->second;
    if (m_peers.size() >= kMaxPeers)
        return m_other;
    SyslogPeerCounters counters;
    counters.address = keyText(key);
    return m_peers.emplace(key, std::move(counters)).first->second;
}

SyslogPeerCounters &SyslogPeerTable::peer(const sockaddr &address) {
    Key key {};
    if (address.sa_family == AF_INET) {
        sockaddr_in v4 {};
        std::memcpy(&v4, &address, sizeof v4);
        key[10] = key[11] = 0xff;
        std::memcpy(key.data() + 12, &v4.sin_addr, 4);
    } else if (address.sa_family == AF_INET6) {
        sockaddr_in6 v6 {};
        std::memcpy(&v6, &address, sizeof v6);
        std::memcpy(key.data(), &v6.sin6_addr, 16);
    }
    return peer(key);
}

SyslogPeerCounters &SyslogPeerTable::peer(const QHostAddress &address) {
    Key key {};
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4) {
        key[10] = key[11] = 0xff;
        const quint32 network = htonl(v4);
        std::memcpy(key.data() + 12, &network, 4);
    } else {
        const Q_IPV6ADDR v6 = address.toIPv6Address();
        std::memcpy(key.data(), v6.c, 16);
    }
    return peer(key);
}

QJsonArray SyslogPeerTable::busiest(std::size_t count) const {
    std::vector<const SyslogPeerCounters *> peers;
    peers.reserve(m_peers.size());
    for (const auto &[key, counters] : m_peers)
        peers.push_back(&counters);
    const std::size_t shown = std::min(count, peers.size());
    std::partial_sort(peers.begin(), peers.begin() + static_cast<std::ptrdiff_t>(shown), peers.end(),
        [](const SyslogPeerCounters *a, const SyslogPeerCounters *b) {
            return a->messages != b->messages ? a->messages > b->messages : a->address < b->address;
        });
    QJsonArray out;
    for (std::size_t i = 0; i < shown; ++i)
        out.append(toJson(*peers[i]));
    if (m_other.messages > 0 || m_other.connections > 0 || m_other.rejected > 0)
        out.append(toJson(m_other));
    return out;
}

} // namespace vanopticon::sentinel
