// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/netflow/templatecache.h"
#include "sentinel/respond/ipaddress.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace vanopticon::sentinel {

// What a held data set needs from the datagram it came in: where from, and the header's clock,
// so that its flows are dated as when they were exported, not when the template came.
struct PendingContext {
    IpAddress exporter;
    std::uint16_t version = 0; // 9 or 10
    std::uint32_t domain = 0;
    std::uint32_t sysUptimeMs = 0; // v9 header
    std::uint32_t exportSeconds = 0;
    std::int64_t receivedNs = 0;
};

// Data sets that arrived before their template (an exporter sends templates only now and then,
// and UDP reorders), held until the template comes and then decoded in arrival order. Bounded by
// datagrams, bytes and age; what a bound or age pushes out is reported as dropped.
class PendingData {
public:
    struct Limits {
        std::size_t maxPackets = 1000; // datagrams with held sets
        std::size_t maxBytes = 8 * 1024 * 1024;
        std::int64_t maxAgeNs = 60'000'000'000;
    };
    // Called with the context and the number of sets dropped from one datagram.
    using Dropped = std::function<void(const PendingContext &context, std::size_t sets)>;
    using Decode = std::function<void(const PendingContext &context, std::span<const std::uint8_t> records)>;

    explicit PendingData(Limits limits);

    // Holds one data set (its records, without the set header). Sets of the same datagram (same
    // `datagram` number) are kept together. Older datagrams are pushed out to make room; returns
    // false when even that leaves no room (the set is then dropped, and not reported).
    bool hold(const PendingContext &context, std::uint64_t datagram, std::uint16_t templateId,
        std::span<const std::uint8_t> records, const Dropped &dropped);
    // Decodes, oldest first, every set held for the template `key` names, and forgets them.
    std::size_t release(const TemplateKey &key, const Decode &decode);
    // Drops what was received more than max age before `nowNs`.
    void expire(std::int64_t nowNs, const Dropped &dropped);

    bool waitingFor(const TemplateKey &key) const { return m_waiting.count(key) > 0; }
    std::size_t packets() const { return m_entries.size(); }
    std::size_t sets() const { return m_sets; }
    std::size_t bytes() const { return m_bytes; }
    const Limits &limits() const { return m_limits; }

private:
    struct HeldSet {
        std::uint16_t templateId = 0;
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        bool done = false;
    };
    struct Entry {
        PendingContext context;
        std::uint64_t datagram = 0;
        std::string bytes;
        std::vector<HeldSet> sets;
        std::size_t remaining = 0;
    };

    TemplateKey keyOf(const Entry &entry, std::uint16_t templateId) const;
    void forget(Entry &entry, HeldSet &set);
    void dropFront(const Dropped &dropped);

    Limits m_limits;
    std::deque<Entry> m_entries; // oldest first
    std::unordered_map<TemplateKey, std::size_t, TemplateKeyHash> m_waiting; // held sets per template
    std::size_t m_sets = 0;
    std::size_t m_bytes = 0;
};

} // namespace vanopticon::sentinel
