// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/dns/reversednsconfig.h"
#include "sentinel/enrich/dns/reversednsresolver.h"
#include "sentinel/enrich/geoip/ipkey.h"
#include "sentinel/enrich/geoip/lrucache.h"
#include "sentinel/stagecounters.h"
#include "shared/event/event.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vanopticon::sentinel {

struct ReverseDnsCounters {
    StageCounters stage;
    std::uint64_t lookups = 0; // address values met in the configured fields
    std::uint64_t cacheHits = 0; // answered from the cache: a name, or a remembered "no name"
    std::uint64_t cacheMisses = 0; // not answered: absent, expired, still pending or just timed out
    std::uint64_t pending = 0; // of the misses: the lookup was already running
    std::uint64_t requested = 0; // lookups handed to the workers
    std::uint64_t dropped = 0; // lookups not handed over: queue full (tried again on a later event)
    std::uint64_t named = 0; // events given a host name
    std::uint64_t resolved = 0; // answers with a name
    std::uint64_t notFound = 0; // answers: no PTR record
    std::uint64_t failures = 0; // resolver errors
    std::uint64_t timeouts = 0; // no answer within `timeout` of the request (cached as "no name")
    std::uint64_t invalidNames = 0; // answers that are not a host name (cached as negative)
    std::uint64_t invalid = 0; // field values that are not an address

    double hitRate() const {
        const std::uint64_t total = cacheHits + cacheMisses;
        return total == 0 ? 0.0 : static_cast<double>(cacheHits) / static_cast<double>(total);
    }
};

// Enrichment step: names the addresses in the configured fields from a cache, and never waits
// for DNS. A miss queues a lookup for a small pool of worker threads and the event goes on
// without a name; answers are taken into the cache at the start of the next batch. Names are
// kept for cache_ttl, "no name" (no PTR, failure, timeout, invalid answer) for negative_ttl.
// A lookup unanswered `timeout` after it was requested (queue wait included) is a timeout as soon
// as an event meets it again, however long the resolver stays stuck; its late answer is dropped.
class ReverseDnsStep {
public:
    using Clock = std::function<std::int64_t()>; // monotonic, ns; called from the workers too

    ReverseDnsStep(const ReverseDnsConfig &config, std::shared_ptr<ReverseDnsResolver> resolver, Clock clock = {});
    ~ReverseDnsStep(); // stops the workers; waits for lookups already running
    ReverseDnsStep(const ReverseDnsStep &) = delete;
    ReverseDnsStep &operator=(const ReverseDnsStep &) = delete;

    void process(EventBatch &batch);
    const ReverseDnsCounters &counters() const { return m_counters; }
    std::size_t cachedAddresses() const { return m_cache.size(); }

    // Blocks until no lookup is queued or running, or `limit` passes; false on timeout.
    // For tests and an orderly shutdown: process() itself never waits.
    bool waitUntilIdle(std::chrono::milliseconds limit);

private:
    enum class State : std::uint8_t { Pending, Named, Negative };
    struct Entry {
        State state = State::Pending;
        std::int64_t expiresNs = 0; // Named, Negative
        std::int64_t requestedNs = 0; // Pending
        std::string name;
        std::uint64_t generation = 0; // batch whose arena holds `stored`
        std::string_view stored;
    };
    struct Request {
        IpKey address;
        std::int64_t requestedNs = 0;
    };
    struct Answer {
        IpKey address;
        ReverseDnsAnswer answer;
        std::int64_t requestedNs = 0; // when process() asked: the timeout includes the queue wait
        std::int64_t answeredNs = 0;
    };
    struct Output {
        FieldId source;
        FieldId hostname;
    };

    void work();
    void takeAnswers();
    bool request(const IpKey &address, std::int64_t now);
    void remember(Entry &entry, State state, std::int64_t now);

    std::shared_ptr<ReverseDnsResolver> m_resolver;
    Clock m_clock;
    std::int64_t m_timeoutNs;
    std::int64_t m_ttlNs;
    std::int64_t m_negativeTtlNs;
    std::size_t m_queueSize;
    std::vector<Output> m_outputs;
    LruCache<IpKey, Entry, IpKeyHash> m_cache; // pipeline thread only
    std::uint64_t m_generation = 0;
    ReverseDnsCounters m_counters;

    std::mutex m_mutex; // guards everything below
    std::condition_variable m_work;
    std::condition_variable m_idle;
    std::deque<Request> m_queue;
    std::vector<Answer> m_answers;
    std::vector<Answer> m_taken; // swapped with m_answers, so neither reallocates once grown
    int m_inFlight = 0;
    bool m_stopping = false;
    std::vector<std::thread> m_workers;
};

} // namespace vanopticon::sentinel
