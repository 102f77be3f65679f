// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/pendingdata.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::sentinel {

PendingData::PendingData(Limits limits)
    : m_limits(limits) {
}

TemplateKey PendingData::keyOf(const Entry &entry, std::uint16_t templateId) const {
    return TemplateKey {
        entry.context.exporter, entry.context.domain, templateId, static_cast<std::uint8_t>(entry.context.version)};
}

void PendingData::forget(Entry &entry, HeldSet &set) {
    assert(!set.done);
    set.done = true;
    --entry.remaining;
    --m_sets;
    const auto it = m_waiting.find(keyOf(entry, set.templateId));
    assert(it != m_waiting.end() && it->second > 0);
    if (--it->second == 0)
        m_waiting.erase(it);
}

void PendingData::dropFront(const Dropped &dropped) {
    Entry &entry = m_entries.front();
    const std::size_t sets = entry.remaining;
    for (HeldSet &set : entry.sets) {
        if (!set.done)
            forget(entry, set);
    }
    m_bytes -= entry.bytes.size();
    if (sets > 0 && dropped)
        dropped(entry.context, sets);
    m_entries.pop_front();
}

bool PendingData::hold(const PendingContext &context, std::uint64_t datagram, std::uint16_t templateId,
    std::span<const std::uint8_t> records, const Dropped &dropped) {
    const bool sameDatagram = !m_entries.empty() && m_entries.back().datagram == datagram;
    if (m_limits.maxPackets == 0 || records.size() > m_limits.maxBytes)
        return false;
    // Make room by pushing out the oldest datagrams (never the one being held).
    const std::size_t olderEntries = m_entries.size() - (sameDatagram ? 1 : 0);
    std::size_t evictable = olderEntries;
    while (evictable > 0
        && (m_bytes + records.size() > m_limits.maxBytes
            || (!sameDatagram && m_entries.size() >= m_limits.maxPackets))) {
        dropFront(dropped);
        --evictable;
    }
    if (m_bytes + records.size() > m_limits.maxBytes || (!sameDatagram && m_entries.size() >= m_limits.maxPackets))
        return false;

    if (!sameDatagram)
        m_entries.push_back(Entry {context, datagram, {}, {}, 0});
    Entry &entry = m_entries.back();
    const auto offset = static_cast<std::uint32_t>(entry.bytes.size());
    entry.bytes.append(reinterpret_cast<const char *>(records.data()), records.size());
    entry.sets.push_back(HeldSet {templateId, offset, static_cast<std::uint32_t>(records.size()), false});
    ++entry.remaining;
    ++m_sets;
    m_bytes += records.size();
    ++m_waiting[keyOf(entry, templateId)];
    return true;
}

std::size_t PendingData::release(const TemplateKey &key, const Decode &decode) {
    if (!waitingFor(key))
        return 0;
    std::size_t released = 0;
    for (Entry &entry : m_entries) {
        if (entry.remaining == 0 || entry.context.exporter != key.exporter || entry.context.domain != key.domain
            || entry.context.version != key.version)
            continue;
        for (HeldSet &set : entry.sets) {
            if (set.done || set.templateId != key.templateId)
                continue;
            forget(entry, set);
            ++released;
            const auto *data = reinterpret_cast<const std::uint8_t *>(entry.bytes.data()) + set.offset;
            decode(entry.context, std::span<const std::uint8_t>(data, set.length));
        }
    }
    // Entries whose sets have all been decoded are done; their bytes go.
    std::erase_if(m_entries, [this](const Entry &entry) {
        if (entry.remaining > 0)
            return false;
        m_bytes -= entry.bytes.size();
        return true;
    });
    return released;
}

void PendingData::expire(std::int64_t nowNs, const Dropped &dropped) {
    while (!m_entries.empty() && nowNs - m_entries.front().context.receivedNs > m_limits.maxAgeNs)
        dropFront(dropped);
}

} // namespace vanopticon::sentinel
