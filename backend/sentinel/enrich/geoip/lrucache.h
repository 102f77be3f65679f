// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace vanopticon::sentinel {

// A fixed-capacity least-recently-used cache whose storage is allocated once, at construction:
// a find (hit or miss) never allocates, and an insert reuses the evicted slot, so a Value whose
// members keep their capacity (std::string) stops allocating once the cache is warm.
// Recency has a resolution of capacity/8 moves, as memcached's bump interval: a hit on an entry
// moved to the front within the last capacity/8 moves (so still among the most recent eighth)
// leaves it in place. Re-linking it would write to three other nodes, a cache miss each in a large
// cache, on every hit of a hot address, and could not change what is evicted next (the far end).
// Not thread-safe: each enrichment step owns one and uses it from the pipeline thread.
template<typename Key, typename Value, typename Hash> class LruCache {
public:
    explicit LruCache(std::size_t capacity)
        : m_nodes(capacity)
        , m_bumpInterval(static_cast<std::uint32_t>(capacity / 8)) {
        assert(capacity > 0 && capacity < kNone);
        std::size_t buckets = 16;
        while (buckets < capacity * 2)
            buckets *= 2;
        m_buckets.assign(buckets, kNone);
    }

    // The cached value, now the most recently used; nullptr when absent. What counts as a hit
    // (a pending or expired entry may not) is the caller's to decide and count.
    Value *find(const Key &key) {
        const std::uint32_t index = locate(key);
        if (index == kNone)
            return nullptr;
        touch(index);
        return &m_nodes[index].value;
    }

    // A slot for `key` (which must be absent), the most recently used; evicts the least recently
    // used entry when full. The slot keeps the evicted value's contents: the caller overwrites it.
    Value &insert(const Key &key) {
        assert(locate(key) == kNone);
        std::uint32_t index;
        if (m_size < m_nodes.size()) {
            index = static_cast<std::uint32_t>(m_size++);
        } else {
            index = m_tail;
            unlinkList(index);
            unlinkBucket(index);
            ++m_evictions;
        }
        Node &node = m_nodes[index];
        node.key = key;
        const std::size_t bucket = m_hash(key) & (m_buckets.size() - 1);
        node.chainNext = m_buckets[bucket];
        m_buckets[bucket] = index;
        pushFront(index);
        return node.value;
    }

    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_nodes.size(); }
    std::uint64_t evictions() const { return m_evictions; }

    void clear() {
        m_buckets.assign(m_buckets.size(), kNone);
        m_size = 0;
        m_head = m_tail = kNone;
    }

private:
    static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

    struct Node {
        Key key {};
        Value value {};
        std::uint32_t prev = kNone;
        std::uint32_t next = kNone;
        std::uint32_t chainNext = kNone;
        std::uint32_t moved = 0; // m_moves when last moved to the front
    };

    std::uint32_t locate(const Key &key) const {
        std::uint32_t index = m_buckets[m_hash(key) & (m_buckets.size() - 1)];
        while (index != kNone && !(m_nodes[index].key == key))
            index = m_nodes[index].chainNext;
        return index;
    }

    void touch(std::uint32_t index) {
        // Unsigned arithmetic: right across the counter's wrap-around too.
        if (index == m_head || m_moves - m_nodes[index].moved < m_bumpInterval)
            return;
        unlinkList(index);
        pushFront(index);
    }

    void pushFront(std::uint32_t index) {
        Node &node = m_nodes[index];
        node.moved = ++m_moves;
        node.prev = kNone;
        node.next = m_head;
        if (m_head != kNone)
            m_nodes[m_head].prev = index;
        m_head = index;
        if (m_tail == kNone)
            m_tail = index;
    }

    void unlinkList(std::uint32_t index) {
        Node &node = m_nodes[index];
        if (node.prev != kNone)
            m_nodes[node.prev].next = node.next;
        else
            m_head = node.next;
        if (node.next != kNone)
            m_nodes[node.next].prev = node.prev;
        else
            m_tail = node.prev;
        node.prev = node.next = kNone;
    }

    void unlinkBucket(std::uint32_t index) {
        std::uint32_t *link = &m_buckets[m_hash(m_nodes[index].key) & (m_buckets.size() - 1)];
        while (*link != index) {
            assert(*link != kNone);
            link = &m_nodes[*link].chainNext;
        }
        *link = m_nodes[index].chainNext;
    }

    std::vector<Node> m_nodes;
    std::vector<std::uint32_t> m_buckets;
    std::size_t m_size = 0;
    std::uint32_t m_head = kNone;
    std::uint32_t m_tail = kNone;
    std::uint64_t m_evictions = 0;
    std::uint32_t m_moves = 0;
    std::uint32_t m_bumpInterval;
    [[no_unique_address]] Hash m_hash {};
};

} // namespace vanopticon::sentinel
