// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/addresstable.h"
#include "sentinel/enrich/threatintel/iocset.h"
#include "sentinel/enrich/threatintel/mispevent.h"
#include "sentinel/enrich/threatintel/plainlist.h"
#include "sentinel/enrich/threatintel/stixbundle.h"
#include "sentinel/enrich/threatintel/stixpattern.h"
#include "sentinel/enrich/threatintel/threatintelconfig.h"
#include "sentinel/enrich/threatintel/threatintelrefresher.h"
#include "sentinel/enrich/threatintel/threatintelstep.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <random>
#include <set>
#include <sstream>
#include <thread>

// Counts heap allocations, so the test can show that matching allocates nothing per event.
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

namespace {

const std::string kIoc = VANOPTICON_TEST_DATA_DIR "/ioc";

std::string readFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void writeFile(const std::string &path, const std::string &text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

config::Section yaml(const std::string &text) {
    return config::Section::loadString(text, "sentinel.yaml").value();
}

QString describe(const std::vector<Indicator> &indicators) {
    QStringList parts;
    for (const Indicator &indicator : indicators)
        parts << QString::fromStdString(std::string(toString(indicator.kind)) + ":" + indicator.value);
    return parts.join(u' ');
}

QString fieldOf(const Event &event, std::string_view name) {
    const std::string_view value = event.value(internField(name));
    return QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size()));
}

QString joined(const std::vector<std::string> &notes) {
    QStringList parts;
    for (const std::string &note : notes)
        parts << QString::fromStdString(note);
    return parts.join(u'\n');
}

ThreatFeedConfig feed(std::string name, FeedType type, std::string path) {
    ThreatFeedConfig config;
    config.name = std::move(name);
    config.type = type;
    config.path = std::move(path);
    return config;
}

} // namespace

class TestThreatIntel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void indicators_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // kind:value, empty when refused
        QTest::addRow("ipv4") << "1.2.3.4"
                              << "ip:1.2.3.4";
        QTest::addRow("cidr") << "10.0.0.0/8"
                              << "ip:10.0.0.0/8";
        QTest::addRow("cidr host bits") << "10.1.2.3/8"
                                        << "ip:10.0.0.0/8";
        QTest::addRow("host prefix") << "1.2.3.4/32"
                                     << "ip:1.2.3.4";
        QTest::addRow("ipv6 cidr") << "2001:DB8::/32"
                                   << "ip:2001:db8::/32";
        QTest::addRow("mapped") << "::ffff:1.2.3.4"
                                << "ip:1.2.3.4";
        QTest::addRow("md5 upper") << "D41D8CD98F00B204E9800998ECF8427E"
                                   << "hash:d41d8cd98f00b204e9800998ecf8427e";
        QTest::addRow("sha1") << "da39a3ee5e6b4b0d3255bfef95601890afd80709"
                              << "hash:da39a3ee5e6b4b0d3255bfef95601890afd80709";
        QTest::addRow("domain") << "Evil.Example."
                                << "domain:evil.example";
        QTest::addRow("url") << "HTTPS://WWW.Circl.lu/"
                             << "url:https://www.circl.lu";
        QTest::addRow("url path case kept") << "http://X.example/A?b#c"
                                            << "url:http://x.example/A?b#c";
        QTest::addRow("single label") << "localhost" << QString();
        QTest::addRow("digits only") << "1.2.3" << QString();
        QTest::addRow("hex of odd length") << "d41d8cd98f00b204e9800998ecf8427" << QString();
        QTest::addRow("space inside") << "evil .example" << QString();
        QTest::addRow("empty label") << "evil..example" << QString();
        QTest::addRow("unicode") << QStringLiteral("b\u00fccher.example") << QString();
        QTest::addRow("url without host") << "https:///path" << QString();
    }
    void indicators() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const std::optional<Indicator> indicator = classifyIndicator(text.toStdString());
        QCOMPARE(indicator ? describe({*indicator}) : QString(), expected);
    }

    void stixPatterns_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("values");
        QTest::addColumn<bool>("complete");
        const QString md5 = QStringLiteral("d41d8cd98f00b204e9800998ecf8427e");
        QTest::addRow("ipv4") << "[ipv4-addr:value = '10.0.0.0']"
                              << "ip:10.0.0.0" << true;
        QTest::addRow("sha-256") << "[file:hashes.'SHA-256' = "
                                    "'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C']"
                                 << "hash:ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c" << true;
        QTest::addRow("or of addresses") << "[ipv4-addr:value = '1.2.3.4' OR ipv6-addr:value = '2001:db8::/32']"
                                         << "ip:1.2.3.4 ip:2001:db8::/32" << true;
        QTest::addRow("and of observations") << "[domain-name:value = 'evil.example'] AND [url:value = "
                                                "'http://evil.example/x']"
                                             << "domain:evil.example url:http://evil.example/x" << true;
        QTest::addRow("and narrows") << QString(u"[file:name = 'x.exe' AND file:hashes.MD5 = '" + md5 + u"']")
                                     << QString(u"hash:" + md5) << true;
        QTest::addRow("or with an unsupported side")
            << QString(u"[file:name = 'x.exe' OR file:hashes.MD5 = '" + md5 + u"']") << QString(u"hash:" + md5)
            << false;
        QTest::addRow("in list") << "[ipv4-addr:value IN ('1.2.3.4', '5.6.7.0/24')]"
                                 << "ip:1.2.3.4 ip:5.6.7.0/24" << true;
        QTest::addRow("followedby within") << "([ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = "
                                              "'a.example']) WITHIN 300 SECONDS"
                                           << "ip:1.2.3.4 domain:a.example" << true;
        QTest::addRow("network traffic repeats") << "[network-traffic:dst_ref.value = '198.51.100.1' AND "
                                                    "network-traffic:dst_port = 443] REPEATS 5 TIMES"
                                                 << "ip:198.51.100.1" << true;
        QTest::addRow("start stop") << "[ipv4-addr:value = '1.2.3.4'] START t'2016-06-01T00:00:00Z' STOP "
                                       "t'2016-07-01T00:00:00Z'"
                                    << "ip:1.2.3.4" << true;
        QTest::addRow("x509 hash") << "[x509-certificate:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"
                                   << "hash:da39a3ee5e6b4b0d3255bfef95601890afd80709" << true;
        QTest::addRow("escaped quote") << "[url:value = 'http://a.example/it\\'s']"
                                       << "url:http://a.example/it's" << true;
        QTest::addRow("nested parentheses") << "[(ipv4-addr:value = '1.2.3.4' OR ipv4-addr:value = '1.2.3.5') AND "
                                               "ipv4-addr:value = '1.2.3.6']"
                                            << "ip:1.2.3.4 ip:1.2.3.5 ip:1.2.3.6" << true;
        QTest::addRow("matches") << "[email-message:subject MATCHES '^[IMPORTANT] Please Review Before']" << QString()
                                 << false;
        QTest::addRow("not equal") << "[ipv4-addr:value != '1.2.3.4']" << QString() << false;
        QTest::addRow("not") << "[ipv4-addr:value NOT = '1.2.3.4']" << QString() << false;
        QTest::addRow("range") << "[file:size > 1000]" << QString() << false;
        QTest::addRow("exists") << "[EXISTS windows-registry-key:values]" << QString() << false;
        QTest::addRow("bad value") << "[ipv4-addr:value = 'not-an-address']" << QString() << false;
        QTest::addRow("binary") << "[artifact:payload_bin = b'aGVsbG8=']" << QString() << false;
    }
    void stixPatterns() {
        QFETCH(QString, pattern);
        QFETCH(QString, values);
        QFETCH(bool, complete);
        auto reduced = reduceStixPattern(pattern.toStdString());
        QVERIFY2(reduced.ok(), reduced.ok() ? "" : reduced.error().message.c_str());
        QCOMPARE(describe(reduced->values), values);
        QCOMPARE(reduced->complete, complete);
        if (!complete)
            QVERIFY(!reduced->reason.empty());
    }

    void stixSyntaxErrors_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addRow("no brackets") << "ipv4-addr:value = '1.2.3.4'";
        QTest::addRow("unclosed bracket") << "[ipv4-addr:value = '1.2.3.4'";
        QTest::addRow("unterminated string") << "[ipv4-addr:value = '1.2.3.4]";
        QTest::addRow("no operator") << "[ipv4-addr:value '1.2.3.4']";
        QTest::addRow("dangling and") << "[ipv4-addr:value = '1.2.3.4'] AND";
        QTest::addRow("no path") << "[= '1.2.3.4']";
        QTest::addRow("bad qualifier") << "[ipv4-addr:value = '1.2.3.4'] WITHIN SECONDS";
        QTest::addRow("empty") << "";
        QTest::addRow("too deep") << QString(
            QString(200, u'(') + u"[ipv4-addr:value = '1.2.3.4']" + QString(200, u')'));
    }
    void stixSyntaxErrors() {
        QFETCH(QString, pattern);
        QVERIFY(!reduceStixPattern(pattern.toStdString()).ok());
    }

    void stixVectors_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("values");
        QTest::addColumn<int>("unreducible");
        QTest::addRow("c2 address") << "indicator-for-c2-ip-address.json"
                                    << "ip:10.0.0.0" << 0;
        QTest::addRow("c2 with course of action")
            << "indicators-for-C2-with-COA.json"
            << "ip:10.0.0.0 hash:ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c" << 0;
        QTest::addRow("malicious email") << "malicious-email-indicator-with-attachment.json" << QString() << 2;
    }
    void stixVectors() {
        QFETCH(QString, file);
        QFETCH(QString, values);
        QFETCH(int, unreducible);
        auto contents = parseStixBundle(readFile(kIoc + "/stix/" + file.toStdString()), 0);
        QVERIFY2(contents.ok(), contents.ok() ? "" : contents.error().message.c_str());
        QCOMPARE(describe(contents->indicators), values);
        QCOMPARE(contents->unreducible, std::uint64_t(unreducible));
        QCOMPARE(contents->skipped, 0u);
        if (unreducible > 0) {
            const QString notes = joined(contents->notes);
            QVERIFY2(notes.contains(u"indicator--8cf9236f-1b96-493d-98be-0c1c1e8b62d7: unreducible pattern: "
                                    u"email-message:subject MATCHES"),
                qPrintable(notes));
            QVERIFY2(notes.contains(u"indicator--2e17f6fe-3a4d-438a-911a-e509ba1b9933"), qPrintable(notes));
        }
    }

    void stixSkipsWhatIsNotDetectionMaterial() {
        const std::string bundle
            = "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [\n"
              "  {\"type\": \"indicator\", \"id\": \"indicator--revoked\", \"pattern\": \"[ipv4-addr:value = "
              "'1.1.1.1']\", \"revoked\": true},\n"
              "  {\"type\": \"indicator\", \"id\": \"indicator--expired\", \"pattern\": \"[ipv4-addr:value = "
              "'2.2.2.2']\",\n"
              "   \"pattern_type\": \"stix\", \"valid_until\": \"2020-01-01T00:00:00.000Z\"},\n"
              "  {\"type\": \"indicator\", \"id\": \"indicator--current\", \"pattern\": \"[ipv4-addr:value = "
              "'3.3.3.3']\",\n"
              "   \"pattern_type\": \"stix\", \"valid_until\": \"2030-01-01T00:00:00Z\"},\n"
              "  {\"type\": \"indicator\", \"id\": \"indicator--sigma\", \"pattern\": \"title: x\", \"pattern_type\": "
              "\"sigma\"},\n"
              "  {\"type\": \"indicator\", \"id\": \"indicator--broken\", \"pattern\": \"[ipv4-addr:value = \"},\n"
              "  {\"type\": \"indicator\", \"id\": \"indicator--partial\", \"pattern\": \"[file:name = 'a' OR "
              "domain-name:value = 'b.example']\"},\n"
              "  {\"type\": \"malware\", \"id\": \"malware--1\", \"name\": \"not an indicator\"}\n"
              "]}";
        const std::int64_t now2025 = 1735689600LL * 1000000000; // 2025-01-01T00:00:00Z
        auto contents = parseStixBundle(bundle, now2025);
        QVERIFY(contents.ok());
        QCOMPARE(describe(contents->indicators), u"ip:3.3.3.3 domain:b.example");
        QCOMPARE(contents->skipped, 4u); // revoked, expired, sigma, broken
        QCOMPARE(contents->partial, 1u);
        const QString notes = joined(contents->notes);
        for (const char *expected :
            {"indicator--revoked: revoked", "indicator--expired: expired", "indicator--sigma: pattern_type 'sigma'",
                "indicator--broken: pattern does not parse", "indicator--partial: partly reducible"})
            QVERIFY2(notes.contains(QLatin1String(expected)), qPrintable(notes));
        // Before its valid_until, the expired one counts.
        auto earlier = parseStixBundle(bundle, 1500000000LL * 1000000000);
        QVERIFY(describe(earlier->indicators).contains(u"ip:2.2.2.2"));

        QVERIFY(!parseStixBundle("{not json", 0).ok());
        QVERIFY(!parseStixBundle("{\"objects\": []}", 0).ok());
    }

    void mispVectors() {
        auto attribute = parseMispEvent(readFile(kIoc + "/misp/attribute.json"), true);
        QVERIFY2(attribute.ok(), attribute.ok() ? "" : attribute.error().message.c_str());
        QCOMPARE(attribute->indicators.size(), std::size_t(0));
        QCOMPARE(attribute->skipped, 1u);
        QVERIFY(joined(attribute->notes).contains(u"1 attribute(s) of type 'filename'"));

        auto objects = parseMispEvent(readFile(kIoc + "/misp/event_obj_attr_tag.json"), true);
        QVERIFY(objects.ok());
        QCOMPARE(describe(objects->indicators), u"url:https://www.circl.lu");
        QCOMPARE(objects->skipped, 1u); // the filename attribute of the file object

        auto sighting = parseMispEvent(readFile(kIoc + "/misp/sighting.json"), true);
        QVERIFY(!sighting.ok());
        QVERIFY(QString::fromStdString(sighting.error().message).contains(u"not a MISP event"));
    }

    void mispAttributeTypes() {
        const std::string event
            = "{\"Event\": {\"info\": \"test\", \"Attribute\": [\n"
              "  {\"type\": \"ip-src\", \"value\": \"203.0.113.5\", \"to_ids\": true},\n"
              "  {\"type\": \"ip-dst\", \"value\": \"198.51.100.0/24\", \"to_ids\": \"1\"},\n"
              "  {\"type\": \"ip-dst|port\", \"value\": \"192.0.2.1|443\", \"to_ids\": true},\n"
              "  {\"type\": \"domain\", \"value\": \"Evil.Example\", \"to_ids\": true},\n"
              "  {\"type\": \"hostname\", \"value\": \"host.example\", \"to_ids\": true},\n"
              "  {\"type\": \"domain|ip\", \"value\": \"c2.example|192.0.2.9\", \"to_ids\": true},\n"
              "  {\"type\": \"md5\", \"value\": \"D41D8CD98F00B204E9800998ECF8427E\", \"to_ids\": true},\n"
              "  {\"type\": \"filename|sha256\", \"value\": "
              "\"a.exe|ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c\", \"to_ids\": true},\n"
              "  {\"type\": \"url\", \"value\": \"http://evil.example/payload\", \"to_ids\": true},\n"
              "  {\"type\": \"ip-src\", \"value\": \"192.0.2.200\", \"to_ids\": false},\n"
              "  {\"type\": \"ip-src\", \"value\": \"192.0.2.201\", \"to_ids\": true, \"deleted\": true},\n"
              "  {\"type\": \"ip-src\", \"value\": \"not an address\", \"to_ids\": true},\n"
              "  {\"type\": \"email-src\", \"value\": \"a@b.example\", \"to_ids\": true}\n"
              "]}}";
        auto detection = parseMispEvent(event, true);
        QVERIFY(detection.ok());
        QCOMPARE(describe(detection->indicators),
            u"ip:203.0.113.5 ip:198.51.100.0/24 ip:192.0.2.1 domain:evil.example domain:host.example "
            u"domain:c2.example ip:192.0.2.9 hash:d41d8cd98f00b204e9800998ecf8427e "
            u"hash:ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c url:http://evil.example/payload");
        QVERIFY(detection->indicators[3].includeSubdomains); // domain
        QVERIFY(!detection->indicators[4].includeSubdomains); // hostname
        QCOMPARE(detection->skipped, 4u); // no to_ids, deleted, bad value, email
        const QString notes = joined(detection->notes);
        QVERIFY2(notes.contains(u"'not an address' is not a valid value"), qPrintable(notes));
        QVERIFY2(notes.contains(u"1 attribute(s) without to_ids"), qPrintable(notes));

        auto everything = parseMispEvent(event, false);
        QCOMPARE(everything->indicators.size(), detection->indicators.size() + 1); // 192.0.2.200 too

        // A REST search answer with attributes only.
        auto search = parseMispEvent(
            "{\"response\": {\"Attribute\": [{\"type\": \"sha1\",\n"
            "            \"value\": \"da39a3ee5e6b4b0d3255bfef95601890afd80709\", \"to_ids\": true}]}}",
            true);
        QVERIFY(search.ok());
        QCOMPARE(describe(search->indicators), u"hash:da39a3ee5e6b4b0d3255bfef95601890afd80709");
        QVERIFY(!parseMispEvent("[1, 2]", true).ok());
    }

    void plainLists() {
        const std::string text = "# comment\r\n"
                                 "1.2.3.4\t7\r\n"
                                 "  10.0.0.0/8   # a block\n"
                                 "\n"
                                 "evil.example\n"
                                 "http://evil.example/a#frag\n"
                                 "D41D8CD98F00B204E9800998ECF8427E\n"
                                 "not/a/value\n"
            + std::string(5000, 'a') + "\n";
        const FeedContents contents = parsePlainList(text, std::nullopt);
        QCOMPARE(describe(contents.indicators),
            u"ip:1.2.3.4 ip:10.0.0.0/8 domain:evil.example url:http://evil.example/a#frag "
            u"hash:d41d8cd98f00b204e9800998ecf8427e");
        QCOMPARE(contents.skipped, 2u);
        QVERIFY(joined(contents.notes).contains(u"line 8: 'not/a/value' is not an address, domain, hash or URL"));
        QVERIFY(joined(contents.notes).contains(u"line 9: longer than 4096 bytes"));

        const FeedContents onlyIps = parsePlainList(text, IndicatorKind::Ip);
        QCOMPARE(onlyIps.indicators.size(), std::size_t(2));
        QCOMPARE(onlyIps.skipped, 5u);
    }

    void ipsumLists() {
        const std::string text = readFile(kIoc + "/ipsum/ipsum_first1000.txt");
        const FeedContents contents = parsePlainList(text, IndicatorKind::Ip);
        QCOMPARE(contents.skipped, 0u);
        QCOMPARE(contents.indicators.size(), std::size_t(993)); // 1000 lines, 7 of them comments
        QCOMPARE(contents.indicators.front().value, std::string("77.90.185.20"));
    }

    // ipsum's levels/N.txt lists the addresses on at least N blacklists: with the full list and
    // level 8 as two feeds, an address matches level 8 exactly when its count column is >= 8.
    void ipsumLevelsAgreeWithCounts() {
        ThreatIntelConfig config;
        config.feeds = {feed("ipsum", FeedType::Plain, kIoc + "/ipsum/ipsum_first1000.txt"),
            feed("level8", FeedType::Plain, kIoc + "/ipsum/levels_8.txt")};
        ThreatIntelStep step(config);
        const ThreatIntelRefresh report = step.refresh();
        QCOMPARE(report.loaded, std::size_t(2));
        QVERIFY(report.swapped);

        EventBatch batch;
        std::vector<int> counts;
        std::istringstream lines(readFile(kIoc + "/ipsum/ipsum_first1000.txt"));
        for (std::string line; std::getline(lines, line);) {
            if (line.empty() || line[0] == '#')
                continue;
            const std::size_t tab = line.find('\t');
            batch.setField(batch.addEvent(), field::DestinationIp, line.substr(0, tab));
            counts.push_back(std::stoi(line.substr(tab + 1)));
        }
        step.process(batch);
        std::size_t level8 = 0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const Event &event = batch.events()[i];
            QCOMPARE(fieldOf(event, kThreatMatchedField), u"true");
            QCOMPARE(fieldOf(event, kThreatFeedsField), counts[i] >= 8 ? u"ipsum,level8" : u"ipsum");
            QCOMPARE(fieldOf(event, kThreatIndicatorField), fieldOf(event, "DestinationIp"));
            QCOMPARE(fieldOf(event, kThreatMatchedInField), u"DestinationIp");
            level8 += counts[i] >= 8 ? 1 : 0;
        }
        QCOMPARE(level8, std::size_t(23));
        const ThreatIntelCounters counters = step.counters();
        QCOMPARE(counters.matchedEvents, 993u);
        QCOMPARE(counters.hits, 993u);
        QCOMPARE(counters.feeds[0].entries, 993u);
        QCOMPARE(counters.feeds[1].entries, 23u);
        QCOMPARE(counters.indicators, std::size_t(993));
    }

    // The flat address tables against a brute-force scan: random IPv4 and IPv6 blocks of every
    // prefix length (IPv6 ones short enough to hold IPv4-mapped addresses too), random addresses
    // inside and outside them; every containing block found, most specific first.
    void addressTableAgreesWithBruteForce() {
        std::mt19937_64 random(7);
        const auto randomKey = [&random](bool v4) {
            IpKey key;
            for (std::uint8_t &byte : key.bytes)
                byte = static_cast<std::uint8_t>(random());
            if (v4)
                key = *parseIpKey("::ffff:" + std::to_string(random() % 256) + "." + std::to_string(random() % 4) + "."
                    + std::to_string(random() % 256) + "." + std::to_string(random() % 256));
            else if (random() % 4 == 0)
                key.bytes = {}; // near ::, where ::/8-style blocks hold IPv4-mapped addresses
            return key;
        };
        AddressTable table;
        std::vector<IpPrefix> blocks;
        for (std::uint32_t i = 0; i < 3000; ++i) {
            const bool v4 = random() % 3 != 0;
            const int prefix = v4 ? 96 + static_cast<int>(random() % 33) : static_cast<int>(random() % 129);
            const IpPrefix block {randomKey(v4).masked(prefix), prefix};
            const auto next = static_cast<std::uint32_t>(blocks.size());
            if (table.insert(block, next) == next)
                blocks.push_back(block);
        }
        QCOMPARE(table.size(), blocks.size());
        std::size_t matched = 0;
        for (int i = 0; i < 5000; ++i) {
            IpKey address = randomKey(random() % 3 != 0);
            if (i % 2 == 0) { // inside a block, with random host bits
                const IpPrefix &block = blocks[random() % blocks.size()];
                IpKey bits = randomKey(block.key.isV4() && block.prefix >= 96);
                for (std::size_t b = 0; b < 16; ++b) {
                    const int keep = std::clamp(block.prefix - static_cast<int>(b) * 8, 0, 8);
                    const auto mask = static_cast<std::uint8_t>(0xff00 >> keep);
                    address.bytes[b] = static_cast<std::uint8_t>((block.key.bytes[b] & mask) | (bits.bytes[b] & ~mask));
                }
            }
            std::vector<std::uint32_t> expected;
            for (std::uint32_t b = 0; b < blocks.size(); ++b) {
                if (address.masked(blocks[b].prefix) == blocks[b].key)
                    expected.push_back(b);
            }
            std::stable_sort(expected.begin(), expected.end(),
                [&blocks](std::uint32_t x, std::uint32_t y) { return blocks[x].prefix > blocks[y].prefix; });
            std::vector<std::uint32_t> found;
            table.forEachMatch(address, [&found](std::uint32_t value) { found.push_back(value); });
            QVERIFY2(found.size() == expected.size(), address.toString().c_str());
            for (std::size_t k = 0; k < found.size(); ++k)
                QCOMPARE(blocks[found[k]].prefix, blocks[expected[k]].prefix);
            std::sort(found.begin(), found.end());
            std::sort(expected.begin(), expected.end());
            QVERIFY2(found == expected, address.toString().c_str());
            matched += found.empty() ? 0 : 1;
        }
        QVERIFY(matched > 2500);
    }

    // With several matches, the indicator is the one in the first compared field: ip fields before
    // domain, hash and url fields, each kind in configured order, whatever the event's field order.
    void firstMatchFollowsConfiguredOrder() {
        QTemporaryDir dir;
        const std::string list = dir.filePath(u"list.txt"_qs).toStdString();
        writeFile(list, "192.0.2.1\n192.0.2.2\nd41d8cd98f00b204e9800998ecf8427e\n");
        ThreatIntelConfig config;
        config.ipFields = {"DestinationIp", "SourceIp"};
        config.hashFields = {"md5"};
        config.feeds = {feed("list", FeedType::Plain, list)};
        ThreatIntelStep step(config);
        step.refresh();
        EventBatch batch;
        Event &event = batch.addEvent();
        batch.setField(event, internField("md5"), "D41D8CD98F00B204E9800998ECF8427E");
        batch.setField(event, field::SourceIp, "192.0.2.1");
        batch.setField(event, field::DestinationIp, "192.0.2.2");
        Event &hashOnly = batch.addEvent();
        batch.setField(hashOnly, internField("md5"), "d41d8cd98f00b204e9800998ecf8427e");
        batch.setField(hashOnly, field::SourceIp, "192.0.2.99");
        step.process(batch);
        QCOMPARE(fieldOf(batch.events()[0], kThreatIndicatorField), u"192.0.2.2");
        QCOMPARE(fieldOf(batch.events()[0], kThreatMatchedInField), u"DestinationIp");
        QCOMPARE(fieldOf(batch.events()[1], kThreatIndicatorField), u"d41d8cd98f00b204e9800998ecf8427e");
        QCOMPARE(fieldOf(batch.events()[1], kThreatMatchedInField), u"md5");
        QCOMPARE(step.counters().hits, 4u);
        QCOMPARE(step.counters().lookups, 5u);
    }

    void iocSetMatching() {
        const std::vector<Indicator> a
            = {*ipIndicator("10.0.0.0/8"), *ipIndicator("1.2.3.4"), *domainIndicator("evil.example", true),
                *domainIndicator("host.example", false), *hashIndicator("d41d8cd98f00b204e9800998ecf8427e")};
        const std::vector<Indicator> b = {*ipIndicator("1.2.3.4"), *ipIndicator("10.1.0.0/16"),
            *ipIndicator("2001:db8::/32"), *urlIndicator("https://www.circl.lu")};
        const std::string names[] = {"a", "b"};
        const std::vector<Indicator> *lists[] = {&a, &b};
        const auto set = IocSet::build(names, lists);
        QCOMPARE(set->size(), std::size_t(8));

        const auto ip = [&set](const char *text) { return set->matchIp(*parseIpKey(text)); };
        QCOMPARE(ip("10.9.9.9").feeds, 1u);
        QCOMPARE(ip("10.9.9.9").indicator, std::string_view("10.0.0.0/8"));
        QCOMPARE(ip("10.1.2.3").feeds, 3u); // in both blocks
        QCOMPARE(ip("10.1.2.3").indicator, std::string_view("10.1.0.0/16")); // the more specific
        QCOMPARE(ip("1.2.3.4").feeds, 3u);
        QCOMPARE(ip("::ffff:1.2.3.4").feeds, 3u);
        QCOMPARE(ip("2001:db8:1::7").feeds, 2u);
        QVERIFY(!ip("11.0.0.1"));
        QVERIFY(!ip("1.2.3.5"));
        QCOMPARE(set->feedNames(3), std::string("a,b"));
        IocSet::FeedNamesBuffer buffer;
        QCOMPARE(set->feedNames(3, buffer), std::string_view("a,b"));
        QCOMPARE(set->feedNames(2, buffer), std::string_view("b"));
        QCOMPARE(set->feedNames(0, buffer), std::string_view());

        QCOMPARE(set->matchDomain("evil.example").feeds, 1u);
        QCOMPARE(set->matchDomain("a.b.evil.example").indicator, std::string_view("evil.example"));
        QCOMPARE(set->matchDomain("host.example").feeds, 1u);
        QVERIFY(!set->matchDomain("www.host.example")); // a hostname entry names one host
        QVERIFY(!set->matchDomain("notevil.example"));
        QVERIFY(set->matchHash("d41d8cd98f00b204e9800998ecf8427e"));
        QVERIFY(set->matchUrl("https://www.circl.lu"));
    }

    void stepMatchesRealFeeds() {
        ThreatIntelConfig config;
        config.feeds = {feed("ipsum", FeedType::Plain, kIoc + "/ipsum/ipsum_first1000.txt"),
            feed("partner", FeedType::Stix, kIoc + "/stix/indicators-for-C2-with-COA.json"),
            feed("misp", FeedType::Misp, kIoc + "/misp/event_obj_attr_tag.json"),
            feed("mail", FeedType::Stix, kIoc + "/stix/malicious-email-indicator-with-attachment.json")};
        ThreatIntelStep step(config);
        const ThreatIntelRefresh report = step.refresh();
        QCOMPARE(report.loaded, std::size_t(4));
        QCOMPARE(report.failed, std::size_t(0));

        EventBatch batch;
        batch.setField(batch.addEvent(), field::SourceIp, "77.90.185.20");
        batch.setField(batch.addEvent(), field::DestinationIp, "10.0.0.0");
        batch.setField(batch.addEvent(), internField("Hashes"),
            "SHA1=DA39A3EE5E6B4B0D3255BFEF95601890AFD80709,SHA256="
            "EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C,IMPHASH=00");
        batch.setField(batch.addEvent(), internField("c-uri"), "https://WWW.CIRCL.LU/");
        batch.setField(batch.addEvent(), field::SourceIp, "192.0.2.1");
        batch.setField(batch.events().back(), internField("QueryName"), "www.example.org");
        batch.setField(batch.addEvent(), field::SourceIp, "77.90.185.20");
        batch.setField(batch.events().back(), field::DestinationIp, "10.0.0.0");
        step.process(batch);

        const std::vector<Event> &events = batch.events();
        QCOMPARE(fieldOf(events[0], kThreatFeedsField), u"ipsum");
        QCOMPARE(fieldOf(events[0], kThreatIndicatorField), u"77.90.185.20");
        QCOMPARE(fieldOf(events[0], kThreatMatchedInField), u"SourceIp");
        QCOMPARE(fieldOf(events[1], kThreatFeedsField), u"partner");
        QCOMPARE(fieldOf(events[1], kThreatIndicatorField), u"10.0.0.0");
        QCOMPARE(fieldOf(events[2], kThreatFeedsField), u"partner");
        QCOMPARE(fieldOf(events[2], kThreatIndicatorField),
            u"ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c");
        QCOMPARE(fieldOf(events[2], kThreatMatchedInField), u"Hashes");
        QCOMPARE(fieldOf(events[3], kThreatFeedsField), u"misp");
        QCOMPARE(fieldOf(events[3], kThreatIndicatorField), u"https://www.circl.lu");
        QVERIFY(!events[4].has(internField(kThreatMatchedField)));
        QCOMPARE(fieldOf(events[5], kThreatFeedsField), u"ipsum,partner"); // a union no entry has alone
        QCOMPARE(fieldOf(events[5], kThreatIndicatorField), u"77.90.185.20");

        const ThreatIntelCounters counters = step.counters();
        QCOMPARE(counters.stage.in, 6u);
        QCOMPARE(counters.stage.out, 6u);
        QCOMPARE(counters.matchedEvents, 5u);
        QCOMPARE(counters.hits, 6u);
        // 5 addresses, 3 parts of Hashes, 1 URL; QueryName is not compared: no feed lists a domain.
        QCOMPARE(counters.lookups, 9u);
        QCOMPARE(counters.feeds.size(), std::size_t(4));
        QCOMPARE(counters.feeds[1].entries, 2u);
        QCOMPARE(counters.feeds[2].entries, 1u);
        QCOMPARE(counters.feeds[2].skipped, 1u);
        QCOMPARE(counters.feeds[3].entries, 0u);
        QCOMPARE(counters.feeds[3].unreducible, 2u); // reported, not silently dropped
        QCOMPARE(counters.feeds[3].notes.size(), std::size_t(2));
        QCOMPARE(counters.feeds[0].loads, 1u);
        QVERIFY(counters.feeds[0].loadedAtNs > 0);
    }

    void matchingDoesNotAllocate() {
        ThreatIntelConfig config;
        config.feeds = {feed("ipsum", FeedType::Plain, kIoc + "/ipsum/ipsum_first1000.txt"),
            feed("partner", FeedType::Stix, kIoc + "/stix/indicators-for-C2-with-COA.json"),
            feed("misp", FeedType::Misp, kIoc + "/misp/event_obj_attr_tag.json")};
        ThreatIntelStep step(config);
        step.refresh();
        EventBatch batch;
        for (int i = 0; i < 60; ++i) {
            Event &event = batch.addEvent();
            batch.setField(event, field::SourceIp, i % 3 == 0 ? "77.90.185.20" : "198.51.100.9");
            batch.setField(event, field::DestinationIp, i % 5 == 0 ? "10.0.0.0" : "2001:db8::5");
            batch.setField(event, internField("Hashes"),
                "SHA256=EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C,IMPHASH=00");
            batch.setField(event, internField("c-uri"), "https://www.circl.lu/");
        }
        batch.events().reserve(batch.size());
        const std::size_t before = g_allocations.load();
        step.process(batch);
        QCOMPARE(g_allocations.load() - before, std::size_t(0));
        QCOMPARE(step.counters().matchedEvents, 60u);
        QCOMPARE(fieldOf(batch.events()[0], kThreatFeedsField), u"ipsum,partner,misp");
        QCOMPARE(fieldOf(batch.events()[1], kThreatFeedsField), u"partner,misp");
    }

    void refreshKeepsTheLastGoodSet() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string list = dir.filePath(u"list.txt"_qs).toStdString();
        const std::string stix = dir.filePath(u"bundle.json"_qs).toStdString();
        writeFile(list, "192.0.2.1\n");
        writeFile(stix, readFile(kIoc + "/stix/indicator-for-c2-ip-address.json"));
        ThreatIntelConfig config;
        config.feeds = {feed("list", FeedType::Plain, list), feed("stix", FeedType::Stix, stix)};
        std::int64_t now = 1000;
        ThreatIntelStep step(config, [&now] { return now; });

        const auto matches = [&step](const char *address) {
            EventBatch batch;
            batch.setField(batch.addEvent(), field::SourceIp, address);
            step.process(batch);
            return fieldOf(batch.events()[0], kThreatFeedsField);
        };
        QCOMPARE(matches("192.0.2.1"), QString()); // nothing loaded yet

        ThreatIntelRefresh report = step.refresh();
        QCOMPARE(report.loaded, std::size_t(2));
        QCOMPARE(matches("192.0.2.1"), u"list");
        QCOMPARE(matches("10.0.0.0"), u"stix");

        report = step.refresh(); // nothing changed
        QCOMPARE(report.unchanged, std::size_t(2));
        QVERIFY(!report.swapped);

        writeFile(list, "192.0.2.1\n192.0.2.2\n");
        now = 2000;
        report = step.refresh();
        QCOMPARE(report.loaded, std::size_t(1));
        QCOMPARE(report.unchanged, std::size_t(1));
        QVERIFY(report.swapped);
        QCOMPARE(matches("192.0.2.2"), u"list");
        QCOMPARE(step.counters().feeds[0].loadedAtNs, 2000);

        writeFile(stix, "{\"type\": \"bundle\", \"objects\": [");
        report = step.refresh();
        QCOMPARE(report.failed, std::size_t(1));
        QVERIFY(!report.swapped);
        QCOMPARE(matches("10.0.0.0"), u"stix"); // the previous contents stay
        ThreatIntelCounters counters = step.counters();
        QCOMPARE(counters.feeds[1].loadErrors, 1u);
        QVERIFY(QString::fromStdString(counters.feeds[1].lastError).contains(u"not JSON"));
        QCOMPARE(counters.feeds[1].entries, 1u);

        QVERIFY(QFile::remove(QString::fromStdString(list)));
        report = step.refresh();
        QCOMPARE(report.failed, std::size_t(2));
        QCOMPARE(matches("192.0.2.2"), u"list");
        QVERIFY(QString::fromStdString(step.counters().feeds[0].lastError).contains(u"No such file"));

        writeFile(stix, readFile(kIoc + "/stix/indicators-for-C2-with-COA.json"));
        writeFile(list, "198.51.100.7\n");
        report = step.refresh();
        QCOMPARE(report.loaded, std::size_t(2));
        QCOMPARE(matches("192.0.2.2"), QString()); // replaced, not merged
        QCOMPARE(matches("198.51.100.7"), u"list");
        counters = step.counters();
        QVERIFY(counters.feeds[1].lastError.empty());
        QCOMPARE(counters.feeds[1].entries, 2u);
        QCOMPARE(counters.refreshes, 6u);
        QCOMPARE(counters.swaps, 3u);
    }

    void oversizedFeedIsRefused() {
        QTemporaryDir dir;
        const std::string list = dir.filePath(u"big.txt"_qs).toStdString();
        writeFile(list, std::string(2048, '#'));
        ThreatIntelConfig config;
        config.maxFeedSize = 1024;
        config.feeds = {feed("big", FeedType::Plain, list)};
        ThreatIntelStep step(config);
        QCOMPARE(step.refresh().failed, std::size_t(1));
        QVERIFY(QString::fromStdString(step.counters().feeds[0].lastError).contains(u"more than max_feed_size"));
    }

    // The pipeline keeps matching while sets are rebuilt and swapped on another thread.
    void swapWhileProcessing() {
        QTemporaryDir dir;
        const std::string list = dir.filePath(u"list.txt"_qs).toStdString();
        std::string text;
        for (int i = 0; i < 2000; ++i)
            text += "198.51." + std::to_string(i / 250) + "." + std::to_string(i % 250) + "\n";
        writeFile(list, text);
        ThreatIntelConfig config;
        config.feeds = {feed("list", FeedType::Plain, list)};
        ThreatIntelStep step(config);
        step.refresh();
        std::atomic<bool> done {false};
        std::thread refresher([&] {
            for (int i = 0; i < 20; ++i)
                step.refresh(true);
            done = true;
        });
        std::uint64_t matched = 0;
        std::uint64_t events = 0;
        while (!done) {
            EventBatch batch;
            for (int i = 0; i < 100; ++i)
                batch.setField(batch.addEvent(), field::SourceIp, "198.51.3.17");
            step.process(batch);
            for (const Event &event : batch.events())
                matched += fieldOf(event, kThreatFeedsField) == u"list" ? 1 : 0;
            events += batch.size();
        }
        refresher.join();
        QCOMPARE(matched, events);
        QCOMPARE(step.counters().swaps, 21u);
    }

    void refresherReloadsOnItsOwnThread() {
        QTemporaryDir dir;
        const std::string list = dir.filePath(u"list.txt"_qs).toStdString();
        writeFile(list, "192.0.2.1\n");
        ThreatIntelConfig config;
        config.refreshInterval = std::chrono::minutes(15);
        config.feeds = {feed("list", FeedType::Plain, list)};
        ThreatIntelStep step(config);
        ThreatIntelRefresher refresher(step);
        QCOMPARE(refresher.intervalMs(), 15 * 60 * 1000);
        refresher.start();
        QVERIFY(refresher.isActive());

        QSignalSpy spy(&refresher, &ThreatIntelRefresher::refreshed);
        refresher.refreshNow();
        QVERIFY(spy.wait(10000));
        QCOMPARE(spy.at(0).at(0).toInt(), 1); // loaded
        QCOMPARE(spy.at(0).at(3).toBool(), true); // swapped
        QVERIFY(step.currentSet()->matchIp(*parseIpKey("192.0.2.1")));

        writeFile(list, "192.0.2.1\n192.0.2.99\n");
        refresher.refreshNow();
        QVERIFY(spy.wait(10000));
        QVERIFY(step.currentSet()->matchIp(*parseIpKey("192.0.2.99")));
        refresher.stop();
        QVERIFY(!refresher.isActive());
    }

    void config() {
        auto parsed = parseThreatIntelConfig(
            yaml("refresh_interval: 15m\n"
                 "max_feed_size: 64MB\n"
                 "fields:\n"
                 "  ip: [SourceIp, DestinationIp, ClientIp]\n"
                 "  hash: [sha256]\n"
                 "feeds:\n"
                 "  - {name: ipsum, type: plain, path: /etc/vanopticon/ioc/ipsum.txt, kind: ip}\n"
                 "  - {name: partner, type: stix, path: /etc/vanopticon/ioc/bundle.json}\n"
                 "  - {name: misp, type: misp, path: /etc/vanopticon/ioc/misp-event.json, to_ids_only: false}\n"
                 ""));
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->refreshInterval, std::chrono::milliseconds(15 * 60 * 1000));
        QCOMPARE(parsed->maxFeedSize, 64ull << 20);
        QCOMPARE(parsed->ipFields.size(), std::size_t(3));
        QCOMPARE(parsed->hashFields, std::vector<std::string> {"sha256"});
        QCOMPARE(parsed->domainFields.size(), std::size_t(3)); // default kept
        QCOMPARE(parsed->feeds.size(), std::size_t(3));
        QVERIFY(parsed->feeds[0].kind == IndicatorKind::Ip);
        QVERIFY(parsed->feeds[1].type == FeedType::Stix);
        QVERIFY(!parsed->feeds[2].toIdsOnly);
        QVERIFY(parsed->feeds[1].toIdsOnly);
    }

    void configErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        const QString feedLine = QStringLiteral("feeds:\n  - {name: a, type: plain, path: /a}\n");
        QTest::addRow("unknown key") << QString(u"refresh: 1m\n" + feedLine)
                                     << "sentinel.yaml:1:1: unknown setting 'refresh'";
        QTest::addRow("no feeds") << "refresh_interval: 1m"
                                  << "missing required setting 'feeds'";
        QTest::addRow("bad type") << "feeds:\n  - {name: a, type: csv, path: /a}"
                                  << "sentinel.yaml:2:21: feeds[0].type: unsupported feed type 'csv'";
        QTest::addRow("relative path") << "feeds:\n  - {name: a, type: plain, path: a.txt}"
                                       << "feeds[0].path: expected an absolute path";
        QTest::addRow("duplicate name") << "feeds:\n  - {name: a, type: plain, path: /a}\n  - {name: a, type: misp, "
                                           "path: /b}"
                                        << "feed name 'a' is used twice";
        QTest::addRow("bad name") << "feeds:\n  - {name: 'a,b', type: plain, path: /a}"
                                  << "is not a valid feed name";
        QTest::addRow("kind on stix") << "feeds:\n  - {name: a, type: stix, path: /a, kind: ip}"
                                      << "only plain lists take a kind";
        QTest::addRow("bad kind") << "feeds:\n  - {name: a, type: plain, path: /a, kind: email}"
                                  << "expected ip, domain, hash, url or auto";
        QTest::addRow("to_ids on plain") << "feeds:\n  - {name: a, type: plain, path: /a, to_ids_only: true}"
                                         << "only misp feeds take to_ids_only";
        QTest::addRow("unknown feed key") << "feeds:\n  - {name: a, type: plain, path: /a, url: x}"
                                          << "unknown setting 'url'";
        QTest::addRow("interval too short")
            << QString(u"refresh_interval: 100ms\n" + feedLine) << "must be between 1s and 7d";
        QTest::addRow("bad size") << QString(u"max_feed_size: lots\n" + feedLine) << "is not a size";
        QTest::addRow("unknown field kind")
            << QString(u"fields: {email: [x]}\n" + feedLine) << "unknown setting 'email'";
        QTest::addRow("bad field name") << QString(u"fields: {ip: ['a b']}\n" + feedLine)
                                        << "'a b' is not a valid field name";
        QString many = QStringLiteral("feeds:\n");
        for (int i = 0; i < 65; ++i)
            many += QStringLiteral("  - {name: f%1, type: plain, path: /a}\n").arg(i);
        QTest::addRow("too many feeds") << many << "at most 64 feeds";
    }
    void configErrors() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto parsed = parseThreatIntelConfig(yaml(text.toStdString()));
        QVERIFY(!parsed.ok());
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(message), parsed.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestThreatIntel)
#include "tst_threatintel.moc"
