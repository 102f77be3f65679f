// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/dns/reversednsstep.h"

#include <chrono>

namespace vanopticon::sentinel {

namespace {

std::int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::int64_t toNs(std::chrono::milliseconds duration) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

} // namespace

ReverseDnsStep::ReverseDnsStep(
    const ReverseDnsConfig &config, std::shared_ptr<ReverseDnsResolver> resolver, Clock clock)
    : m_resolver(std::move(resolver))
    , m_clock(clock ? std::move(clock) : Clock(steadyNs))
    , m_timeoutNs(toNs(config.timeout))
    , m_ttlNs(toNs(config.cacheTtl))
    , m_negativeTtlNs(toNs(config.negativeTtl))
    , m_queueSize(config.queueSize)
    , m_cache(config.cacheSize) {
    for (const std::string &name : config.fields)
        m_outputs.push_back(Output {internField(name), internField(hostnameFieldFor(name))});
    for (int i = 0; i < config.workers; ++i)
        m_workers.emplace_back([this] { work(); });
}

ReverseDnsStep::~ReverseDnsStep() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_work.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
}

void ReverseDnsStep::work() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_work.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_stopping)
            return;
        const Request request = m_queue.front();
        m_queue.pop_front();
        ++m_inFlight;
        lock.unlock();

        // A request that waited out its timeout in the queue (behind a stuck resolver) is not
        // worth asking any more: the backlog drains instead of growing.
        ReverseDnsAnswer answer;
        if (m_clock() - request.requestedNs <= m_timeoutNs)
            answer = m_resolver->resolve(request.address);
        const std::int64_t end = m_clock();

        lock.lock();
        m_answers.push_back(Answer {request.address, std::move(answer), request.requestedNs, end});
        --m_inFlight;
        if (m_inFlight == 0 && m_queue.empty())
            m_idle.notify_all();
    }
}

bool ReverseDnsStep::waitUntilIdle(std::chrono::milliseconds limit) {
    std::unique_lock lock(m_mutex);
    return m_idle.wait_for(lock, limit, [this] { return m_queue.empty() && m_inFlight == 0; });
}

bool ReverseDnsStep::request(const IpKey &address, std::int64_t now) {
    {
        const std::lock_guard lock(m_mutex);
        if (m_queue.size() >= m_queueSize)
            return false;
        m_queue.push_back(Request {address, now});
    }
    m_work.notify_one();
    return true;
}

void ReverseDnsStep::remember(Entry &entry, State state, std::int64_t now) {
    entry.state = state;
    entry.expiresNs = now + (state == State::Named ? m_ttlNs : m_negativeTtlNs);
    entry.generation = 0;
    entry.stored = {};
}

void ReverseDnsStep::takeAnswers() {
    {
        const std::lock_guard lock(m_mutex);
        if (m_answers.empty())
            return;
        m_taken.swap(m_answers);
    }
    for (Answer &answer : m_taken) {
        const std::int64_t now = answer.answeredNs; // a TTL runs from the answer, not from its pickup
        Entry *entry = m_cache.find(answer.address);
        if (answer.answeredNs - answer.requestedNs > m_timeoutNs) {
            // Too late. Unless process() already gave up on this request (and counted it) or asked
            // again since, remember "no name" for a while: the resolver is too slow for this address.
            if (entry == nullptr || (entry->state == State::Pending && entry->requestedNs == answer.requestedNs)) {
                ++m_counters.timeouts;
                remember(entry != nullptr ? *entry : m_cache.insert(answer.address), State::Negative, now);
            }
            continue;
        }
        if (entry == nullptr)
            entry = &m_cache.insert(answer.address); // evicted while pending: the answer is still good
        switch (answer.answer.status) {
        case ReverseDnsAnswer::Status::Found:
            if (!isHostName(answer.answer.name)) {
                ++m_counters.invalidNames;
                remember(*entry, State::Negative, now);
                break;
            }
            ++m_counters.resolved;
            entry->name = std::move(answer.answer.name);
            remember(*entry, State::Named, now);
            break;
        case ReverseDnsAnswer::Status::NotFound:
            ++m_counters.notFound;
            remember(*entry, State::Negative, now);
            break;
        case ReverseDnsAnswer::Status::Failed:
            ++m_counters.failures;
            remember(*entry, State::Negative, now);
            break;
        }
    }
    m_taken.clear();
}

void ReverseDnsStep::process(EventBatch &batch) {
    ++m_generation;
    m_counters.stage.in += batch.size();
    takeAnswers();
    const std::int64_t now = m_clock();
    for (Event &event : batch.events()) {
        for (const Output &output : m_outputs) {
            const std::string_view text = event.value(output.source);
            if (text.empty() || event.has(output.hostname))
                continue; // no address, or the source named it already
            ++m_counters.lookups;
            const std::optional<IpKey> address = parseIpKey(text);
            if (!address) {
                ++m_counters.invalid;
                continue;
            }
            Entry *entry = m_cache.find(*address);
            if (entry != nullptr && entry->state == State::Pending) {
                ++m_counters.cacheMisses;
                if (now - entry->requestedNs > m_timeoutNs) {
                    // Stuck (a dead DNS server, or a queue behind one): give up on it now rather
                    // than ask again on every event; the late answer, if any, is dropped.
                    ++m_counters.timeouts;
                    remember(*entry, State::Negative, now);
                } else {
                    ++m_counters.pending;
                }
                continue;
            }
            if (entry == nullptr || entry->expiresNs <= now) {
                ++m_counters.cacheMisses;
                if (!request(*address, now)) {
                    ++m_counters.dropped;
                    continue;
                }
                ++m_counters.requested;
                if (entry == nullptr)
                    entry = &m_cache.insert(*address);
                entry->state = State::Pending;
                entry->requestedNs = now;
                continue;
            }
            ++m_counters.cacheHits;
            if (entry->state != State::Named)
                continue;
            if (entry->generation != m_generation) {
                entry->stored = batch.store(entry->name);
                entry->generation = m_generation;
            }
            batch.setStoredField(event, output.hostname, entry->stored);
            ++m_counters.named;
        }
    }
    m_counters.stage.out += batch.size();
}

} // namespace vanopticon::sentinel
