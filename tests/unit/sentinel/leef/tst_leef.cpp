// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/leef/leef.h"
#include "sentinel/parse/rfc3164.h"

// Hidden from moc, which misreads this header (it then takes the test class for a template).
#ifndef Q_MOC_RUN
#include "mmleefparsescript.h"
#endif

#include <QFile>
#include <QTest>

#include <optional>
#include <string>
#include <vector>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

QString text(std::string_view bytes) {
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

std::string_view view(const QByteArray &bytes) {
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

// The template's %$!leef!header!name% and %$!leef!fields!key% properties (missing ones empty,
// as rsyslog renders them).
std::optional<std::string> render(std::string_view outputTemplate, const LeefMessage &message) {
    std::string out;
    while (!outputTemplate.empty()) {
        const std::size_t open = outputTemplate.find('%');
        out += outputTemplate.substr(0, open);
        if (open == std::string_view::npos)
            break;
        const std::size_t close = outputTemplate.find('%', open + 1);
        if (close == std::string_view::npos)
            return std::nullopt;
        const std::string_view property = outputTemplate.substr(open + 1, close - open - 1);
        if (property.starts_with("$!leef!fields!")) {
            out += message.attribute(property.substr(std::string_view("$!leef!fields!").size())).value_or("");
        } else if (property == "$!leef!header!vendor") {
            out += message.vendor;
        } else if (property == "$!leef!header!product") {
            out += message.product;
        } else if (property == "$!leef!header!productVersion") {
            out += message.productVersion;
        } else if (property == "$!leef!header!eventId") {
            out += message.eventId;
        } else if (property == "$!leef!header!version") {
            out += message.version;
        } else {
            return std::nullopt;
        }
        outputTemplate.remove_prefix(close + 1);
    }
    return out;
}

} // namespace

class TestLeef : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // rsyslog: `if $syslogtag == "LEEF:"` → mmleefparse → the output template. The syslog header
    // is the collector's to remove: the record starts at the tag.
    void rsyslogPanOs_data() {
        QTest::addColumn<bool>("autoDelimiter");
        QTest::addRow("delimiter as configured") << false;
        QTest::addRow("delimiter detected") << true;
    }
    void rsyslogPanOs() {
        QFETCH(bool, autoDelimiter);
        const mmleefparse::RsyslogScript script = mmleefparse::readScript();
        QCOMPARE(script.inputs.size(), std::size_t {3});
        QCOMPARE(script.expected.size(), script.inputs.size());
        QCOMPARE(script.delimiter, '|');
        SyslogContext context;
        context.nowNs = std::int64_t {1'758'117'600} * 1'000'000'000; // 2025-09-17T14:00:00Z
        for (std::size_t i = 0; i < script.inputs.size(); ++i) {
            const std::string &line = script.inputs[i];
            SyslogMessage syslog;
            QVERIFY(parseRfc3164(line, context, syslog).ok());
            QCOMPARE(text(syslog.tag), u"LEEF:"_s);
            QCOMPARE(text(syslog.hostname), u"firewall.domain.local"_s);
            const std::string_view record(
                syslog.tag.data(), static_cast<std::size_t>(line.data() + line.size() - syslog.tag.data()));
            LeefMessage message;
            const ParseOutcome outcome
                = parseLeef(record, message, LeefOptions {.leef1Delimiter = autoDelimiter ? '\0' : script.delimiter});
            QVERIFY2(outcome.ok(), outcome.failure.data());
            QCOMPARE(text(message.delimiter), u"|"_s);
            QCOMPARE(message.majorVersion, 1);
            QCOMPARE(message.malformedAttributes, std::size_t {0});
            const auto rendered = render(script.outputTemplate, message);
            QVERIFY(rendered);
            QCOMPARE(text(*rendered), text(script.expected[i] + "\n"));
            QCOMPARE(message.attributes.size(), std::size_t {58});
            QCOMPARE(text(message.attribute("devTime").value_or("")).left(11), u"Sep 17 2025"_s);
            QCOMPARE(text(message.attribute("usrName").value_or("<absent>")), u""_s);
        }
    }

    void records_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QString>("failure"); // empty: accepted
        QTest::addColumn<QStringList>("header"); // version, vendor, product, product version, event id
        QTest::addColumn<QString>("delimiter");
        QTest::addColumn<QStringList>("attributes"); // key=value, in order
        QTest::addColumn<int>("malformed");

        const QStringList header {u"1.0"_s, u"Vendor"_s, u"Product"_s, u"1.2"_s, u"login"_s};
        QTest::addRow("1.0, tabs") << QByteArray(
            "LEEF:1.0|Vendor|Product|1.2|login|src=10.0.0.1\tdst=10.0.0.2\tusrName=a b")
                                   << QString() << header << u"\t"_s
                                   << QStringList {u"src=10.0.0.1"_s, u"dst=10.0.0.2"_s, u"usrName=a b"_s} << 0;
        QTest::addRow("1.0, one attribute with a pipe in its value")
            << QByteArray("LEEF:1.0|Vendor|Product|1.2|login|msg=a|b c") << QString() << header << u"\t"_s
            << QStringList {u"msg=a|b c"_s} << 0;
        QTest::addRow("1.0, no attributes") << QByteArray("LEEF:1.0|Vendor|Product|1.2|login|") << QString() << header
                                            << u"\t"_s << QStringList {} << 0;
        QTest::addRow("1.0, no pipe after the event id")
            << QByteArray("LEEF:1.0|Vendor|Product|1.2|login") << QString() << header << u"\t"_s << QStringList {} << 0;
        QTest::addRow("1.0, pieces that are not key=value")
            << QByteArray("LEEF:1.0|Vendor|Product|1.2|login|a=1\tjunk\t=x\t\tb=2=3\t\r\n") << QString() << header
            << u"\t"_s << QStringList {u"a=1"_s, u"b=2=3"_s} << 2;
        QTest::addRow("header escapes") << QByteArray(R"(LEEF:1.0|secu\\rity|threat\|manager|1.\\0|10\|0|)")
                                        << QString()
                                        << QStringList {u"1.0"_s, u"secu\\rity"_s, u"threat|manager"_s, u"1.\\0"_s,
                                               u"10|0"_s}
                                        << u"\t"_s << QStringList {} << 0;

        const QStringList header2 {u"2.0"_s, u"Lancope"_s, u"StealthWatch"_s, u"1.0"_s, u"41"_s};
        const QStringList lancope {u"src=10.0.1.8"_s, u"dst=10.0.0.5"_s, u"sev=5"_s, u"srcPort=81"_s, u"dstPort=21"_s};
        QTest::addRow("2.0, caret") << QByteArray(
            "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21")
                                    << QString() << header2 << u"^"_s << lancope << 0;
        QTest::addRow("2.0, x5E") << QByteArray(
            "LEEF:2.0|Lancope|StealthWatch|1.0|41|x5E|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21")
                                  << QString() << header2 << u"^"_s << lancope << 0;
        QTest::addRow("2.0, 0x5e") << QByteArray(
            "LEEF:2.0|Lancope|StealthWatch|1.0|41|0x5e|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21")
                                   << QString() << header2 << u"^"_s << lancope << 0;
        QTest::addRow("2.0, a character beyond ASCII, in hex")
            << QByteArray("LEEF:2.0|Lancope|StealthWatch|1.0|41|x2502|src=10.0.1.8\xE2\x94\x82"
                          "dst=10.0.0.5\xE2\x94\x82sev=5\xE2\x94\x82srcPort=81\xE2\x94\x82"
                          "dstPort=21")
            << QString() << header2 << u"\u2502"_s << lancope << 0;
        QTest::addRow("2.0, the same character as itself")
            << QByteArray("LEEF:2.0|Lancope|StealthWatch|1.0|41|\xE2\x94\x82|src=10.0.1.8\xE2\x94\x82"
                          "dst=10.0.0.5\xE2\x94\x82sev=5\xE2\x94\x82srcPort=81\xE2\x94\x82"
                          "dstPort=21")
            << QString() << header2 << u"\u2502"_s << lancope << 0;
        QTest::addRow("2.0, empty delimiter field: tab") << QByteArray(
            "LEEF:2.0|Lancope|StealthWatch|1.0|41||src=10.0.1.8\tdst=10.0.0.5\tsev=5\tsrcPort=81\tdstPort=21")
                                                         << QString() << header2 << u"\t"_s << lancope << 0;
        QTest::addRow("2.0, no delimiter field: tab") << QByteArray(
            "LEEF:2.0|Lancope|StealthWatch|1.0|41|src=10.0.1.8\tdst=10.0.0.5\tsev=5\tsrcPort=81\tdstPort=21")
                                                      << QString() << header2 << u"\t"_s << lancope << 0;

        const QString badDelimiter = u"malformed LEEF 2.0 delimiter (one character, or its code as x5E)"_s;
        QTest::addRow("2.0, delimiter not hex") << QByteArray("LEEF:2.0|V|P|1|id|xZZ|a=1") << badDelimiter
                                                << QStringList {} << QString() << QStringList {} << 0;
        QTest::addRow("2.0, two characters") << QByteArray("LEEF:2.0|V|P|1|id|^^|a=1") << badDelimiter << QStringList {}
                                             << QString() << QStringList {} << 0;
        QTest::addRow("2.0, '=' in hex") << QByteArray("LEEF:2.0|V|P|1|id|x3D|a=1") << badDelimiter << QStringList {}
                                         << QString() << QStringList {} << 0;
        QTest::addRow("2.0, a surrogate") << QByteArray("LEEF:2.0|V|P|1|id|xD800|a=1") << badDelimiter << QStringList {}
                                          << QString() << QStringList {} << 0;
        QTest::addRow("version 3.0") << QByteArray("LEEF:3.0|V|P|1|id|a=1")
                                     << u"unsupported LEEF version (1.0 and 2.0 are read)"_s << QStringList {}
                                     << QString() << QStringList {} << 0;
        QTest::addRow("short header") << QByteArray("LEEF:1.0|V|P") << u"LEEF header has fewer than 5 fields"_s
                                      << QStringList {} << QString() << QStringList {} << 0;
        QTest::addRow("no version bar") << QByteArray("LEEF:1.0") << u"LEEF header has fewer than 5 fields"_s
                                        << QStringList {} << QString() << QStringList {} << 0;
        QTest::addRow("not LEEF") << QByteArray("CEF:0|V|P|1|id|n|5|")
                                  << u"not a LEEF record (no \"LEEF:\" at the start)"_s << QStringList {} << QString()
                                  << QStringList {} << 0;
        QTest::addRow("not UTF-8") << QByteArray("LEEF:1.0|V|P|1|id|usrName=\xFF")
                                   << u"LEEF record is not valid UTF-8"_s << QStringList {} << QString()
                                   << QStringList {} << 0;
    }
    void records() {
        QFETCH(QByteArray, record);
        QFETCH(QString, failure);
        QFETCH(QStringList, header);
        QFETCH(QString, delimiter);
        QFETCH(QStringList, attributes);
        QFETCH(int, malformed);
        LeefMessage message;
        const ParseOutcome outcome = parseLeef(view(record), message);
        QCOMPARE(text(outcome.failure), failure);
        if (!outcome)
            return;
        QCOMPARE((QStringList {text(message.version), text(message.vendor), text(message.product),
                     text(message.productVersion), text(message.eventId)}),
            header);
        QCOMPARE(text(message.delimiter), delimiter);
        QStringList actual;
        for (const LeefAttribute &attribute : message.attributes)
            actual << text(attribute.key) + u'=' + text(attribute.value);
        QCOMPARE(actual, attributes);
        QCOMPARE(message.malformedAttributes, static_cast<std::size_t>(malformed));
    }

    void limits() {
        std::string record = "LEEF:1.0|V|P|1|id|";
        for (std::size_t i = 0; i < LeefMessage::kMaxAttributes + 3; ++i)
            record += "k" + std::to_string(i) + "=v\t";
        LeefMessage message;
        QVERIFY(parseLeef(record, message).ok());
        QCOMPARE(message.attributes.size(), LeefMessage::kMaxAttributes);
        QCOMPARE(message.attributesOmitted, std::size_t {3});

        std::string big = "LEEF:1.0|V|P|1|id|msg=";
        big.append(LeefMessage::kMaxRecordBytes - big.size(), 'x');
        QVERIFY(parseLeef(big, message).ok());
        big += 'x';
        QCOMPARE(text(parseLeef(big, message).failure), u"LEEF record too long (more than 64 KiB)"_s);
    }

    // A delimiter given as an option lives in the message, not in the options object.
    void delimiterOutlivesOptions() {
        LeefMessage message;
        QVERIFY(parseLeef("LEEF:1.0|V|P|1|id|a=1;b=2", message, LeefOptions {.leef1Delimiter = ';'}).ok());
        const std::string overwrite(64, '#'); // reuse the stack where a temporary options object was
        QCOMPARE(text(message.delimiter), u";"_s);
        QCOMPARE(message.attributes.size(), std::size_t {2});
        QVERIFY(!overwrite.empty());
    }
};

QTEST_GUILESS_MAIN(TestLeef)
#include "tst_leef.moc"
