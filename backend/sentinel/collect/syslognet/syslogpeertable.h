// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonArray>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

struct sockaddr;
class QHostAddress;

namespace vanopticon::sentinel {

// What one sender did, for the operator: who sends, how much, and who sends garbage.
struct SyslogPeerCounters {
    std::string address; // "192.0.2.7", "2001:db8::1"; "other" for the shared entry
    std::uint64_t connections = 0; // TCP connections accepted
    std::uint64_t rejected = 0; // TCP connections closed at once: the limit was reached
    std::uint64_t messages = 0; // received (datagrams, framed messages)
    std::uint64_t bytes = 0;
    std::uint64_t errors = 0; // unparsable messages, framing errors, failed TLS handshakes
    std::uint64_t dropped = 0; // too long, or received while the pipeline was paused
};

// The senders of one receiver, by IP address (IPv4 and IPv4-mapped IPv6 are one). Bounded: past
// kMaxPeers distinct addresses, the rest share one "other" entry, so a spoofed flood of source
// addresses cannot grow it. Looking a peer up allocates only the first time it is seen.
class SyslogPeerTable {
public:
    static constexpr std::size_t kMaxPeers = 1024;

    SyslogPeerCounters &peer(const sockaddr &address);
    SyslogPeerCounters &peer(const QHostAddress &address);

    std::size_t size() const { return m_peers.size(); }
    const SyslogPeerCounters &other() const { return m_other; }
    // The `count` peers that sent the most messages, busiest first, with "other" if it was used.
    QJsonArray busiest(std::size_t count) const;

private:
    using Key = std::array<std::uint8_t, 16>; // the IPv6 (or IPv4-mapped) address
    struct KeyHash {
        std::size_t operator()(const Key &key) const;
    };

    SyslogPeerCounters &peer(const Key &key);

    std::unordered_map<Key, SyslogPeerCounters, KeyHash> m_peers;
    SyslogPeerCounters m_other {"other"};
};

} // namespace vanopticon::sentinel
