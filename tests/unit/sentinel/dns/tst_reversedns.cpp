// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/dns/reversednsconfig.h"
#include "sentinel/enrich/dns/reversednsresolver.h"
#include "sentinel/enrich/dns/reversednsstep.h"

#include <QTest>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <new>
#include <sstream>

// Counts heap allocations, so the test can show that a warm lookup allocates nothing.
namespace {
std::atomic<std::size_t> g_allocations {0};
}
void *operator new(std::size_t size) {
    ++g_allocations;
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
    std::free(p);
}

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMs = 1000000;

// Answers from a table, optionally holding every lookup until released, and optionally taking
// "time" on the test's clock, so slowness is simulated rather than waited for.
class FakeResolver : public ReverseDnsResolver {
public:
    explicit FakeResolver(std::atomic<std::int64_t> &clock)
        : m_clock(clock) { }

    void answer(const char *address, ReverseDnsAnswer::Status status, std::string name = {}) {
        const std::lock_guard lock(m_mutex);
        m_answers[*parseIpKey(address)] = ReverseDnsAnswer {status, std::move(name)};
    }
    void hold() {
        const std::lock_guard lock(m_mutex);
        m_held = true;
    }
    void release() {
        {
            const std::lock_guard lock(m_mutex);
            m_held = false;
        }
        m_changed.notify_all();
    }
    void takeTime(std::int64_t ns) { m_takes = ns; }
    bool waitForEntered(int count) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, 10s, [&] { return m_entered >= count; });
    }
    int calls() const { return m_calls; }

    ReverseDnsAnswer resolve(const IpKey &address) override {
        ++m_calls;
        std::unique_lock lock(m_mutex);
        ++m_entered;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return !m_held; });
        m_clock += m_takes.load();
        const auto it = m_answers.find(address);
        return it == m_answers.end() ? ReverseDnsAnswer {ReverseDnsAnswer::Status::NotFound, {}} : it->second;
    }

private:
    std::atomic<std::int64_t> &m_clock;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    struct KeyLess {
        bool operator()(const IpKey &a, const IpKey &b) const { return a.bytes < b.bytes; }
    };
    std::map<IpKey, ReverseDnsAnswer, KeyLess> m_answers;
    bool m_held = false;
    int m_entered = 0;
    std::atomic<int> m_calls {0};
    std::atomic<std::int64_t> m_takes {0};
};

ReverseDnsConfig smallConfig() {
    ReverseDnsConfig config;
    config.fields = {"SourceIp", "DestinationIp"};
    config.timeout = 200ms;
    config.cacheTtl = 60s;
    config.negativeTtl = 10s;
    config.cacheSize = 100;
    config.workers = 1;
    config.queueSize = 16;
    return config;
}

EventBatch batchOf(std::initializer_list<const char *> sources) {
    EventBatch batch;
    for (const char *source : sources)
        batch.setField(batch.addEvent(), field::SourceIp, source);
    return batch;
}

QString hostname(const Event &event, const char *field = "SourceHostname") {
    const std::string_view value = event.value(internField(field));
    return QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size()));
}

config::Section yaml(const std::string &text) {
    return config::Section::loadString(text, "sentinel.yaml").value();
}

// The first name /etc/hosts gives 127.0.0.1, if any.
QString hostsNameOfLoopback() {
    std::ifstream hosts("/etc/hosts");
    for (std::string line; std::getline(hosts, line);) {
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        std::string address, name;
        if (words >> address >> name && address == "127.0.0.1")
            return QString::fromStdString(name);
    }
    return {};
}

} // namespace

class TestReverseDns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void missQueuesThenHitNames() {
        std::atomic<std::int64_t> now {1000 * kMs};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.1", ReverseDnsAnswer::Status::Found, "host1.example");
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });

        EventBatch first = batchOf({"192.0.2.1"});
        step.process(first);
        QVERIFY(!first.events()[0].has(internField("SourceHostname"))); // never waits
        QCOMPARE(step.counters().cacheMisses, 1u);
        QCOMPARE(step.counters().requested, 1u);

        QVERIFY(step.waitUntilIdle(10s));
        EventBatch second = batchOf({"192.0.2.1", "192.0.2.1"});
        step.process(second);
        QCOMPARE(hostname(second.events()[0]), u"host1.example");
        QCOMPARE(hostname(second.events()[1]), u"host1.example");
        QCOMPARE(second.events()[0].value(internField("SourceHostname")).data(),
            second.events()[1].value(internField("SourceHostname")).data()); // copied once per batch
        const ReverseDnsCounters &counters = step.counters();
        QCOMPARE(counters.cacheHits, 2u);
        QCOMPARE(counters.named, 2u);
        QCOMPARE(counters.resolved, 1u);
        QCOMPARE(counters.lookups, 3u);
        QCOMPARE(counters.hitRate(), 2.0 / 3.0);
        QCOMPARE(counters.stage.in, 3u);
        QCOMPARE(counters.stage.out, 3u);
        QCOMPARE(resolver->calls(), 1);
    }

    void pendingLookupIsNotRepeated() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.7", ReverseDnsAnswer::Status::Found, "seven.example");
        resolver->hold();
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        for (int i = 0; i < 3; ++i) {
            EventBatch batch = batchOf({"192.0.2.7"});
            step.process(batch);
            QVERIFY(!batch.events()[0].has(internField("SourceHostname")));
        }
        QCOMPARE(step.counters().requested, 1u);
        QCOMPARE(step.counters().pending, 2u);
        QCOMPARE(step.counters().cacheMisses, 3u);
        resolver->release();
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch batch = batchOf({"192.0.2.7"});
        step.process(batch);
        QCOMPARE(hostname(batch.events()[0]), u"seven.example");
        QCOMPARE(resolver->calls(), 1);
    }

    void negativeAnswersAreCachedAndExpire() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.8", ReverseDnsAnswer::Status::NotFound);
        resolver->answer("192.0.2.9", ReverseDnsAnswer::Status::Failed);
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        EventBatch batch = batchOf({"192.0.2.8", "192.0.2.9"});
        step.process(batch);
        QVERIFY(step.waitUntilIdle(10s));
        for (int i = 0; i < 3; ++i) {
            EventBatch again = batchOf({"192.0.2.8", "192.0.2.9"});
            step.process(again);
            QVERIFY(!again.events()[0].has(internField("SourceHostname")));
        }
        QCOMPARE(resolver->calls(), 2);
        QCOMPARE(step.counters().notFound, 1u);
        QCOMPARE(step.counters().failures, 1u);
        QCOMPARE(step.counters().cacheHits, 6u);

        now += 10001 * kMs; // past negative_ttl
        EventBatch later = batchOf({"192.0.2.8"});
        step.process(later);
        QCOMPARE(step.counters().requested, 3u);
        QVERIFY(step.waitUntilIdle(10s));
        QCOMPARE(resolver->calls(), 3);
    }

    void namesExpireAfterTheirTtl() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("2001:db8::1", ReverseDnsAnswer::Status::Found, "six.example");
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        EventBatch batch = batchOf({"2001:db8::1"});
        step.process(batch);
        QVERIFY(step.waitUntilIdle(10s));
        now += 59 * 1000 * kMs;
        EventBatch fresh = batchOf({"2001:db8::1"});
        step.process(fresh);
        QCOMPARE(hostname(fresh.events()[0]), u"six.example");
        now += 2 * 1000 * kMs; // past cache_ttl (60 s after the answer)
        EventBatch stale = batchOf({"2001:db8::1"});
        step.process(stale);
        QVERIFY(!stale.events()[0].has(internField("SourceHostname")));
        QCOMPARE(step.counters().requested, 2u);
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch renewed = batchOf({"2001:db8::1"});
        step.process(renewed);
        QCOMPARE(hostname(renewed.events()[0]), u"six.example");
        QCOMPARE(resolver->calls(), 2);
    }

    void slowAnswersCountAsTimeouts() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.10", ReverseDnsAnswer::Status::Found, "slow.example");
        resolver->takeTime(300 * kMs); // timeout is 200 ms
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        EventBatch batch = batchOf({"192.0.2.10"});
        step.process(batch);
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch after = batchOf({"192.0.2.10"});
        step.process(after);
        QVERIFY(!after.events()[0].has(internField("SourceHostname")));
        QCOMPARE(step.counters().timeouts, 1u);
        QCOMPARE(step.counters().resolved, 0u);
        QCOMPARE(step.counters().cacheHits, 1u); // remembered as "no name"
        QCOMPARE(resolver->calls(), 1);
    }

    // A resolver that never answers (a dead DNS server) must not leave addresses pending for
    // ever: once `timeout` has passed since the request, the next event that meets the address
    // counts a timeout and caches "no name"; the late answer changes nothing.
    void stuckResolverTimesOut() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.11", ReverseDnsAnswer::Status::Found, "late.example");
        resolver->answer("192.0.2.12", ReverseDnsAnswer::Status::Found, "queued.example");
        resolver->hold();
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        EventBatch first = batchOf({"192.0.2.11", "192.0.2.12"}); // .12 waits behind .11 (one worker)
        step.process(first);
        QVERIFY(resolver->waitForEntered(1));

        now += 150 * kMs;
        EventBatch early = batchOf({"192.0.2.11", "192.0.2.12"});
        step.process(early);
        QCOMPARE(step.counters().pending, 2u);
        QCOMPARE(step.counters().timeouts, 0u);

        now += 100 * kMs; // 250 ms since the request: past the 200 ms timeout
        EventBatch stuck = batchOf({"192.0.2.11", "192.0.2.12"});
        step.process(stuck);
        QCOMPARE(step.counters().timeouts, 2u); // the queued one too: its wait counts
        EventBatch remembered = batchOf({"192.0.2.11", "192.0.2.12"});
        step.process(remembered);
        QCOMPARE(step.counters().cacheHits, 2u); // "no name", not asked again
        QCOMPARE(step.counters().requested, 2u);

        resolver->release();
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch after = batchOf({"192.0.2.11", "192.0.2.12"});
        step.process(after);
        QVERIFY(!after.events()[0].has(internField("SourceHostname"))); // the late answer is dropped
        QVERIFY(!after.events()[1].has(internField("SourceHostname")));
        QCOMPARE(step.counters().timeouts, 2u);
        QCOMPARE(step.counters().resolved, 0u);
        QCOMPARE(resolver->calls(), 1); // .12 waited out its timeout in the queue: never asked

        now += 10001 * kMs; // past negative_ttl: asked again, and answered in time this time
        EventBatch retry = batchOf({"192.0.2.11"});
        step.process(retry);
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch named = batchOf({"192.0.2.11"});
        step.process(named);
        QCOMPARE(hostname(named.events()[0]), u"late.example");
        QCOMPARE(step.counters().resolved, 1u);
    }

    void fullQueueDropsAndCounts() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.21", ReverseDnsAnswer::Status::Found, "a.example");
        resolver->answer("192.0.2.22", ReverseDnsAnswer::Status::Found, "b.example");
        resolver->answer("192.0.2.23", ReverseDnsAnswer::Status::Found, "c.example");
        resolver->hold();
        ReverseDnsConfig config = smallConfig();
        config.queueSize = 1;
        ReverseDnsStep step(config, resolver, [&now] { return now.load(); });
        EventBatch first = batchOf({"192.0.2.21"});
        step.process(first);
        QVERIFY(resolver->waitForEntered(1)); // the only worker is busy with .21
        EventBatch second = batchOf({"192.0.2.22", "192.0.2.23"});
        step.process(second);
        QCOMPARE(step.counters().requested, 2u);
        QCOMPARE(step.counters().dropped, 1u); // .23: the queue holds one
        resolver->release();
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch third = batchOf({"192.0.2.21", "192.0.2.22", "192.0.2.23"});
        step.process(third);
        QCOMPARE(hostname(third.events()[0]), u"a.example");
        QCOMPARE(hostname(third.events()[1]), u"b.example");
        QVERIFY(!third.events()[2].has(internField("SourceHostname"))); // asked again now
        QCOMPARE(step.counters().requested, 3u);
    }

    void keepsNamesTheSourceGave() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        EventBatch batch;
        Event &event = batch.addEvent();
        batch.setField(event, field::SourceIp, "192.0.2.30");
        batch.setField(event, internField("SourceHostname"), "from-the-log");
        batch.setField(batch.addEvent(), field::SourceIp, "not-an-address");
        step.process(batch);
        QCOMPARE(hostname(batch.events()[0]), u"from-the-log");
        QCOMPARE(step.counters().lookups, 1u);
        QCOMPARE(step.counters().invalid, 1u);
        QCOMPARE(step.counters().requested, 0u);
    }

    void refusesAnswersThatAreNotHostNames() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.40", ReverseDnsAnswer::Status::Found, "evil\nname");
        resolver->answer("192.0.2.41", ReverseDnsAnswer::Status::Found, std::string(300, 'a'));
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        EventBatch batch = batchOf({"192.0.2.40", "192.0.2.41"});
        step.process(batch);
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch after = batchOf({"192.0.2.40", "192.0.2.41"});
        step.process(after);
        QVERIFY(!after.events()[0].has(internField("SourceHostname")));
        QVERIFY(!after.events()[1].has(internField("SourceHostname")));
        QCOMPARE(step.counters().invalidNames, 2u);
    }

    void destinationAndOtherFields() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("198.51.100.5", ReverseDnsAnswer::Status::Found, "dst.example");
        ReverseDnsConfig config = smallConfig();
        config.fields = {"DestinationIp", "relay"};
        ReverseDnsStep step(config, resolver, [&now] { return now.load(); });
        const auto fill = [](EventBatch &batch) {
            Event &event = batch.addEvent();
            batch.setField(event, field::DestinationIp, "198.51.100.5");
            batch.setField(event, internField("relay"), "198.51.100.5");
        };
        EventBatch batch;
        fill(batch);
        step.process(batch);
        QCOMPARE(step.counters().pending, 1u); // the second field found the first one's lookup
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch after;
        fill(after);
        step.process(after);
        QCOMPARE(hostname(after.events()[0], "DestinationHostname"), u"dst.example");
        QCOMPARE(hostname(after.events()[0], "relay.hostname"), u"dst.example");
    }

    void smallCacheEvicts() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        ReverseDnsConfig config = smallConfig();
        config.cacheSize = 2;
        ReverseDnsStep step(config, resolver, [&now] { return now.load(); });
        EventBatch batch = batchOf({"192.0.2.1", "192.0.2.2", "192.0.2.3"});
        step.process(batch);
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch after = batchOf({"192.0.2.4"});
        step.process(after);
        QCOMPARE(step.cachedAddresses(), std::size_t(2));
    }

    void warmHitsDoNotAllocate() {
        std::atomic<std::int64_t> now {0};
        auto resolver = std::make_shared<FakeResolver>(now);
        resolver->answer("192.0.2.50", ReverseDnsAnswer::Status::Found, "a-rather-long-host-name.example.org");
        resolver->answer("192.0.2.51", ReverseDnsAnswer::Status::NotFound);
        ReverseDnsStep step(smallConfig(), resolver, [&now] { return now.load(); });
        EventBatch cold = batchOf({"192.0.2.50", "192.0.2.51"});
        step.process(cold);
        QVERIFY(step.waitUntilIdle(10s));
        EventBatch takeIn = batchOf({"192.0.2.50"});
        step.process(takeIn); // takes the answers into the cache

        EventBatch warm;
        for (int i = 0; i < 40; ++i)
            batch(warm, i % 2 == 0 ? "192.0.2.50" : "192.0.2.51");
        warm.events().reserve(warm.size());
        const std::size_t before = g_allocations.load();
        step.process(warm);
        QCOMPARE(g_allocations.load() - before, std::size_t(0));
        QCOMPARE(hostname(warm.events()[38]), u"a-rather-long-host-name.example.org");
        QVERIFY(!warm.events()[39].has(internField("SourceHostname")));
    }

    // The real resolver, offline: /etc/hosts names the loopback address.
    void systemResolverReadsHostsFile() {
        const QString expected = hostsNameOfLoopback();
        if (expected.isEmpty())
            QSKIP("/etc/hosts does not name 127.0.0.1 on this machine");
        SystemReverseDnsResolver system(200ms);
        const ReverseDnsAnswer answer = system.resolve(*parseIpKey("127.0.0.1"));
        QCOMPARE(int(answer.status), int(ReverseDnsAnswer::Status::Found));
        QCOMPARE(QString::fromStdString(answer.name), expected);

        ReverseDnsConfig config = smallConfig();
        config.timeout = 5s; // only the classification of slow answers; nothing waits for it
        ReverseDnsStep step(config, std::make_shared<SystemReverseDnsResolver>(config.timeout));
        EventBatch batch = batchOf({"127.0.0.1"});
        step.process(batch);
        QVERIFY(step.waitUntilIdle(30s));
        EventBatch after = batchOf({"127.0.0.1"});
        step.process(after);
        QCOMPARE(hostname(after.events()[0]), expected);
    }

    void hostNames_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::addRow("simple") << "localhost" << true;
        QTest::addRow("fqdn") << "mail-1.example.org" << true;
        QTest::addRow("underscore") << "_spf.example" << true;
        QTest::addRow("empty") << "" << false;
        QTest::addRow("space") << "a b" << false;
        QTest::addRow("newline") << "a\nb" << false;
        QTest::addRow("empty label") << "a..b" << false;
        QTest::addRow("leading dot") << ".a" << false;
        QTest::addRow("long label") << QString(64, u'a') << false;
        QTest::addRow("too long") << QString(254, u'a') << false;
    }
    void hostNames() {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isHostName(name.toStdString()), valid);
    }

    void hostnameFields_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("hostname");
        QTest::addRow("source") << "SourceIp"
                                << "SourceHostname";
        QTest::addRow("destination") << "DestinationIp"
                                     << "DestinationHostname";
        QTest::addRow("other Ip") << "ClientIp"
                                  << "ClientHostname";
        QTest::addRow("no suffix") << "relay"
                                   << "relay.hostname";
        QTest::addRow("bare Ip") << "Ip"
                                 << "Ip.hostname";
    }
    void hostnameFields() {
        QFETCH(QString, address);
        QFETCH(QString, hostname);
        QCOMPARE(QString::fromStdString(hostnameFieldFor(address.toStdString())), hostname);
    }

    void config() {
        auto parsed
            = parseReverseDnsConfig(yaml("fields: [SourceIp, DestinationIp]\ntimeout: 200ms\ncache_size: "
                                         "10000\ncache_ttl: 1h\nnegative_ttl: 2m\nworkers: 4\nqueue_size: 64\n"));
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->fields.size(), std::size_t(2));
        QCOMPARE(parsed->timeout, std::chrono::milliseconds(200));
        QCOMPARE(parsed->cacheSize, std::size_t(10000));
        QCOMPARE(parsed->cacheTtl, std::chrono::milliseconds(3600 * 1000));
        QCOMPARE(parsed->negativeTtl, std::chrono::milliseconds(120 * 1000));
        QCOMPARE(parsed->workers, 4);
        QCOMPARE(parsed->queueSize, std::size_t(64));
        auto defaults = parseReverseDnsConfig(yaml("{}"));
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->fields, std::vector<std::string> {"SourceIp"});
        QCOMPARE(defaults->workers, 2);
    }

    void configErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown key") << "ttl: 1h"
                                     << "sentinel.yaml:1:1: unknown setting 'ttl'";
        QTest::addRow("timeout too short") << "timeout: 1ms"
                                           << "timeout: must be between 10ms and 30s";
        QTest::addRow("bad duration") << "cache_ttl: soon"
                                      << "is not a duration";
        QTest::addRow("no workers") << "workers: 0"
                                    << "workers: must be between 1 and 16";
        QTest::addRow("zero cache") << "cache_size: 0"
                                    << "cache_size: must be between 1";
        QTest::addRow("bad field") << "fields: ['a b']"
                                   << "is not a usable field name";
        QTest::addRow("no fields") << "fields: []"
                                   << "expected at least one field";
        QTest::addRow("not a map") << "[1]"
                                   << "expected a mapping";
    }
    void configErrors() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto parsed = parseReverseDnsConfig(yaml(text.toStdString()));
        QVERIFY(!parsed.ok());
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(message), parsed.error().message.c_str());
    }

private:
    static void batch(EventBatch &into, const char *address) {
        into.setField(into.addEvent(), field::SourceIp, address);
    }
};

QTEST_GUILESS_MAIN(TestReverseDns)
#include "tst_reversedns.moc"
