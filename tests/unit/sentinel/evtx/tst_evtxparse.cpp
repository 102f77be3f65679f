// SPDX-License-Identifier: Apache-2.0
// The XML reader, the record parser and the event writer on records written the way Windows and
// libevtx write them (the Event schema, http://schemas.microsoft.com/win/2004/08/events/event).
#include "evtxsamples.h"
#include "sentinel/collect/evtx/evtxeventtype.h"
#include "sentinel/collect/evtx/evtxeventwriter.h"
#include "sentinel/collect/evtx/evtxrecord.h"
#include "sentinel/collect/evtx/evtxxmlreader.h"

#include <QTest>

#include <string>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport::evtx;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNowNs = 1'795'435'200'000'000'000; // 2026-11-23T12:00:00Z

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = kNowNs;
    context.hostName = "importer";
    return context;
}

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), qsizetype(text.size()));
}

QByteArray fieldOf(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    return id ? bytes(event.value(*id)) : QByteArray();
}

bool hasField(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    return id && event.has(*id);
}

EventBatch parseOne(const std::string &xml, EvtxFieldStats *stats = nullptr) {
    EventBatch batch;
    const ParseOutcome outcome = parseEvtxEvent(xml, testContext(), batch, stats);
    if (!outcome)
        qFatal("refused: %s", std::string(outcome.failure).c_str());
    return batch;
}

} // namespace

class TestEvtxParse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // --- EvtxXmlReader ---------------------------------------------------------------------

    void readerTokens() {
        const std::string_view xml = "<?xml version=\"1.0\"?>\n<e:Event xmlns:e='urn:x'>"
                                     "<Data Name=\"a&amp;b\" Other='&quot;q&apos;'>1 &lt; 2 &#x41;&#66; &#x20AC;</Data>"
                                     "<Empty/><!-- note --><Raw><![CDATA[<not markup> & ]]>tail</Raw>"
                                     "<Lines>one\r\ntwo\x01three</Lines></e:Event>";
        EvtxXmlReader reader(xml);
        using Token = EvtxXmlReader::Token;
        QCOMPARE(reader.next(), Token::StartElement);
        QCOMPARE(bytes(reader.name()), QByteArray("Event"));
        QCOMPARE(reader.next(), Token::StartElement);
        QCOMPARE(bytes(reader.name()), QByteArray("Data"));
        QCOMPARE(bytes(reader.attribute("Name").value_or("?")), QByteArray("a&b"));
        QCOMPARE(bytes(reader.attribute("Other").value_or("?")), QByteArray("\"q'"));
        QVERIFY(!reader.attribute("Missing"));
        QCOMPARE(reader.next(), Token::Text);
        QCOMPARE(bytes(reader.text()), QByteArray("1 < 2 AB \xE2\x82\xAC"));
        QCOMPARE(reader.next(), Token::EndElement);
        QCOMPARE(reader.next(), Token::StartElement); // <Empty/>
        QCOMPARE(reader.depth(), std::size_t(2));
        QCOMPARE(reader.next(), Token::EndElement);
        QCOMPARE(bytes(reader.name()), QByteArray("Empty"));
        QCOMPARE(reader.next(), Token::StartElement); // the comment is skipped
        QCOMPARE(reader.next(), Token::Text);
        QCOMPARE(bytes(reader.text()), QByteArray("<not markup> & tail"));
        QCOMPARE(reader.next(), Token::EndElement);
        QCOMPARE(reader.next(), Token::StartElement);
        QCOMPARE(reader.next(), Token::Text);
        // Record values are evidence: line ends and control characters stay as written.
        QCOMPARE(bytes(reader.text()), QByteArray("one\r\ntwo\x01three"));
        QCOMPARE(reader.next(), Token::EndElement);
        QCOMPARE(reader.next(), Token::EndElement);
        QCOMPARE(reader.next(), Token::End);
    }

    void readerRefuses_data() {
        QTest::addColumn<QByteArray>("xml");
        QTest::addRow("DTD with an entity") << QByteArray("<!DOCTYPE x [<!ENTITY a \"bbbbbbbb\">]><x>&a;</x>");
        QTest::addRow("undefined entity") << QByteArray("<x>&a;</x>");
        QTest::addRow("unterminated reference") << QByteArray("<x>&amp</x>");
        QTest::addRow("NUL reference") << QByteArray("<x>&#0;</x>");
        QTest::addRow("surrogate reference") << QByteArray("<x>&#xD800;</x>");
        QTest::addRow("reference past U+10FFFF") << QByteArray("<x>&#x110000;</x>");
        QTest::addRow("mismatched end tag") << QByteArray("<a><b></a></b>");
        QTest::addRow("unclosed element") << QByteArray("<a><b></b>");
        QTest::addRow("text outside the root") << QByteArray("junk<a/>");
        QTest::addRow("second root") << QByteArray("<a/><b/>");
        QTest::addRow("unquoted attribute") << QByteArray("<a x=1/>");
        QTest::addRow("'<' in an attribute") << QByteArray("<a x=\"<\"/>");
        QTest::addRow("unterminated attribute") << QByteArray("<a x=\"1/>");
        QTest::addRow("unterminated CDATA") << QByteArray("<a><![CDATA[x</a>");
        QTest::addRow("unterminated comment") << QByteArray("<a><!-- x</a>");
        QTest::addRow("empty name") << QByteArray("<>x</>");
        QByteArray deep;
        for (std::size_t i = 0; i <= EvtxXmlReader::kMaxDepth; ++i)
            deep += "<a>";
        QTest::addRow("nested too deeply") << deep;
        QByteArray attributes = "<a";
        for (std::size_t i = 0; i <= EvtxXmlReader::kMaxAttributes; ++i)
            attributes += " a" + QByteArray::number(qulonglong(i)) + "=\"1\"";
        QTest::addRow("too many attributes") << attributes + "/>";
    }

    void readerRefuses() {
        QFETCH(QByteArray, xml);
        EvtxXmlReader reader(std::string_view(xml.constData(), std::size_t(xml.size())));
        EvtxXmlReader::Token token = EvtxXmlReader::Token::Text;
        int tokens = 0;
        while (token != EvtxXmlReader::Token::End && token != EvtxXmlReader::Token::Error && ++tokens < 1000)
            token = reader.next();
        QCOMPARE(token, EvtxXmlReader::Token::Error);
        QVERIFY(!reader.error().empty());
        QCOMPARE(reader.next(), EvtxXmlReader::Token::Error); // stays failed
    }

    // --- parseEvtxRecord --------------------------------------------------------------------

    void recordSystemAndEventData() {
        const std::string xml = record("4625", "Security", "Microsoft-Windows-Security-Auditing", failedLogonData());
        EvtxRecord parsed;
        QVERIFY(parseEvtxRecord(xml, parsed).ok());
        QCOMPARE(bytes(parsed.providerName), QByteArray("Microsoft-Windows-Security-Auditing"));
        QCOMPARE(bytes(parsed.providerGuid), QByteArray("{54849625-5478-4994-A5BA-3E3B0328C30D}"));
        QCOMPARE(bytes(parsed.eventId), QByteArray("4625"));
        QCOMPARE(bytes(parsed.level), QByteArray("0"));
        QCOMPARE(bytes(parsed.task), QByteArray("12544"));
        QCOMPARE(bytes(parsed.keywords), QByteArray("0x8010000000000000"));
        QCOMPARE(bytes(parsed.systemTime), QByteArray("2024-03-05T08:09:10.1234567Z"));
        QCOMPARE(bytes(parsed.eventRecordId), QByteArray("4242"));
        QCOMPARE(bytes(parsed.activityId), QByteArray("{0D4DA4A8-8E0D-0001-AAA4-4D0D0D8EDA01}"));
        QCOMPARE(bytes(parsed.processId), QByteArray("652"));
        QCOMPARE(bytes(parsed.threadId), QByteArray("7340"));
        QCOMPARE(bytes(parsed.channel), QByteArray("Security"));
        QCOMPARE(bytes(parsed.computer), QByteArray("dc01.corp.example"));
        QVERIFY(parsed.userId.empty());
        QVERIFY(!parsed.userData);
        QCOMPARE(parsed.items.size(), std::size_t(21));
        QCOMPARE(bytes(parsed.items[5].name), QByteArray("TargetUserName"));
        QCOMPARE(bytes(parsed.items[5].value), QByteArray("administrator"));
        QCOMPARE(bytes(parsed.items[11].value), QByteArray("NtLmSsp ")); // trailing space kept
    }

    void recordUserDataLeaves() {
        const std::string xml = record("1102", "Security", "Microsoft-Windows-Eventlog", userDataLogCleared());
        EvtxRecord parsed;
        QVERIFY(parseEvtxRecord(xml, parsed).ok());
        QVERIFY(parsed.userData);
        QCOMPARE(parsed.items.size(), std::size_t(6));
        QCOMPARE(bytes(parsed.items[1].name), QByteArray("SubjectUserName"));
        QCOMPARE(bytes(parsed.items[1].value), QByteArray("admin"));
        QCOMPARE(bytes(parsed.items[5].name), QByteArray("Inner"));
    }

    void recordRefuses_data() {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QByteArray>("reason");
        QTest::addRow("not an event") << QByteArray("<Other><System/></Other>") << QByteArray("not an <Event> record");
        QTest::addRow("no System") << QByteArray("<Event><EventData/></Event>") << QByteArray("no <System> element");
        QTest::addRow("not well-formed") << QByteArray("<Event><System></Event>")
                                         << QByteArray("an end tag that does not match its start tag");
        QTest::addRow("DTD") << QByteArray("<!DOCTYPE Event><Event><System/></Event>")
                             << QByteArray("a DTD or declaration: not accepted");
        QTest::addRow("empty") << QByteArray("") << QByteArray("not an <Event> record");
        QTest::addRow("not UTF-8") << QByteArray("<Event><System><Computer>\xFF</Computer></System></Event>")
                                   << QByteArray("the XML is not UTF-8");
    }

    void recordRefuses() {
        QFETCH(QByteArray, xml);
        QFETCH(QByteArray, reason);
        EvtxRecord parsed;
        const ParseOutcome outcome
            = parseEvtxRecord(std::string_view(xml.constData(), std::size_t(xml.size())), parsed);
        QVERIFY(!outcome.ok());
        QCOMPARE(bytes(outcome.failure), reason);
        QVERIFY(parsed.items.empty() && parsed.eventId.empty());
    }

    void recordLimits() {
        std::string data = "<EventData>";
        for (std::size_t i = 0; i < EvtxRecord::kMaxItems + 5; ++i)
            data += "<Data Name=\"N" + std::to_string(i) + "\">v</Data>";
        data += "<Data Name=\"" + std::string(EvtxRecord::kMaxNameBytes + 1, 'n') + "\">v</Data>";
        data += "</EventData>";
        EvtxRecord parsed;
        QVERIFY(parseEvtxRecord(record("1", "Application", "App", data), parsed).ok());
        QCOMPARE(parsed.items.size(), EvtxRecord::kMaxItems);
        QCOMPARE(parsed.itemsOmitted, std::size_t(6));

        // A value is cut at its bound, before a multi-byte character rather than through it.
        const std::string euro = "\xE2\x82\xAC";
        std::string big(EvtxRecord::kMaxValueBytes - 1, 'a');
        big += euro + "tail";
        QVERIFY(parseEvtxRecord(
            record("1", "Application", "App", "<EventData><Data Name=\"Big\">" + big + "</Data></EventData>"), parsed)
                    .ok());
        QCOMPARE(parsed.items.size(), std::size_t(1));
        QCOMPARE(parsed.items[0].value.size(), EvtxRecord::kMaxValueBytes - 1);
        QCOMPARE(parsed.valuesCut, std::size_t(1));
    }

    // --- EvtxEventWriter / parseEvtxEvent ----------------------------------------------------

    void failedLogon() {
        EventBatch batch
            = parseOne(record("4625", "Security", "Microsoft-Windows-Security-Auditing", failedLogonData()));
        QCOMPARE(batch.size(), std::size_t(1));
        const Event &event = batch.events().front();
        QCOMPARE(fieldOf(event, "event_type"), QByteArray("auth_failed"));
        QCOMPARE(fieldOf(event, "category"), QByteArray("authentication"));
        QCOMPARE(int(event.severity), int(Severity::Low));
        QCOMPARE(fieldOf(event, "host"), QByteArray("dc01.corp.example"));
        QCOMPARE(fieldOf(event, "service"), QByteArray("Microsoft-Windows-Security-Auditing"));
        QCOMPARE(fieldOf(event, "source_type"), QByteArray("evtx"));
        QCOMPARE(fieldOf(event, "message"), QByteArray("Microsoft-Windows-Security-Auditing 4625: auth_failed"));
        QVERIFY(fieldOf(event, "raw").startsWith("<Event xmlns="));
        QCOMPARE(fieldOf(event, "EventID"), QByteArray("4625"));
        QCOMPARE(fieldOf(event, "EventRecordID"), QByteArray("4242"));
        QCOMPARE(fieldOf(event, "Channel"), QByteArray("Security"));
        QCOMPARE(fieldOf(event, "Computer"), QByteArray("dc01.corp.example"));
        QCOMPARE(fieldOf(event, "Provider_Name"), QByteArray("Microsoft-Windows-Security-Auditing"));
        QCOMPARE(fieldOf(event, "Execution_ProcessID"), QByteArray("652"));
        QCOMPARE(fieldOf(event, "Correlation_ActivityID"), QByteArray("{0D4DA4A8-8E0D-0001-AAA4-4D0D0D8EDA01}"));
        QVERIFY(!hasField(event, "Security_UserID"));
        QCOMPARE(fieldOf(event, "TargetUserName"), QByteArray("administrator"));
        QCOMPARE(fieldOf(event, "LogonType"), QByteArray("3"));
        QCOMPARE(fieldOf(event, "IpAddress"), QByteArray("203.0.113.7"));
        // libevtx pads HexInt64; rules compare with Windows' form.
        QCOMPARE(fieldOf(event, "SubjectLogonId"), QByteArray("0x3e7"));
        QCOMPARE(fieldOf(event, "ProcessId"), QByteArray("0x0"));
        QCOMPARE(fieldOf(event, "Status"), QByteArray("0xc000006d"));
        // The fields the pipeline correlates logins by.
        QCOMPARE(fieldOf(event, "User"), QByteArray("administrator"));
        QCOMPARE(fieldOf(event, "SourceIp"), QByteArray("203.0.113.7"));
        QCOMPARE(fieldOf(event, "SourcePort"), QByteArray("50123"));
        // 2024-03-05T08:09:10.1234567Z
        QCOMPARE(event.timestampNs, std::int64_t(1'709'626'150'123'456'700));
    }

    void successfulLocalLogonHasNoAddress() {
        std::string data = failedLogonData();
        data.replace(data.find("203.0.113.7"), 11, "-");
        data.replace(data.find("50123"), 5, "0");
        EventBatch batch = parseOne(record("4624", "Security", "Microsoft-Windows-Security-Auditing", data));
        const Event &event = batch.events().front();
        QCOMPARE(fieldOf(event, "event_type"), QByteArray("auth_success"));
        QCOMPARE(int(event.severity), int(Severity::Info));
        QCOMPARE(fieldOf(event, "User"), QByteArray("administrator"));
        QVERIFY(!hasField(event, "SourceIp"));
        QVERIFY(!hasField(event, "SourcePort"));
    }

    void dataNamesThatWouldOverrideTheRecord() {
        EvtxFieldStats stats;
        EventBatch batch = parseOne(record("7", "Application", "App", overridingData()), &stats);
        const Event &event = batch.events().front();
        QCOMPARE(fieldOf(event, "Channel"), QByteArray("Application"));
        QCOMPARE(fieldOf(event, "EventData.Channel"), QByteArray("forged"));
        QCOMPARE(fieldOf(event, "host"), QByteArray("dc01.corp.example"));
        QCOMPARE(fieldOf(event, "EventData.host"), QByteArray("forged-host"));
        QCOMPARE(fieldOf(event, "event_type"), QByteArray("windows_event"));
        QCOMPARE(fieldOf(event, "EventData.event_type"), QByteArray("forged_type"));
        QCOMPARE(fieldOf(event, "ThreatName"), QByteArray("EICAR"));
        QCOMPARE(fieldOf(event, "Twice"), QByteArray("first"));
        QCOMPARE(fieldOf(event, "Data"), QByteArray("first unnamed\nsecond unnamed"));
        QCOMPARE(fieldOf(event, "Binary"), QByteArray("0A0B0C"));
        QCOMPARE(stats.namesPrefixed, 3u);
        QCOMPARE(stats.duplicateNames, 1u);
        QCOMPARE(stats.unacceptableNames, 2u);
    }

    void userDataNamesArePrefixedAsUserData() {
        EventBatch batch = parseOne(record("104", "System", "Microsoft-Windows-Eventlog", userDataChannel(), "4"));
        const Event &event = batch.events().front();
        QCOMPARE(fieldOf(event, "event_type"), QByteArray("log_cleared"));
        QCOMPARE(fieldOf(event, "Channel"), QByteArray("System"));
        QCOMPARE(fieldOf(event, "UserData.Channel"), QByteArray("Security"));
        QCOMPARE(fieldOf(event, "SubjectUserName"), QByteArray("admin"));
    }

    void renderedMessageAndFallbacks() {
        std::string xml = record("300", "Application", "App", renderingInfo(), "2");
        xml.replace(xml.find("<Computer>dc01.corp.example</Computer>"), 38, "");
        xml.replace(xml.find("<TimeCreated SystemTime=\"2024-03-05T08:09:10.1234567Z\"/>"), 56, "");
        EvtxFieldStats stats;
        EventBatch batch = parseOne(xml, &stats);
        const Event &event = batch.events().front();
        QCOMPARE(fieldOf(event, "message"), QByteArray("The \"thing\" happened."));
        QCOMPARE(int(event.severity), int(Severity::High));
        QCOMPARE(fieldOf(event, "host"), QByteArray("importer")); // no Computer: the context's host
        QCOMPARE(event.timestampNs, kNowNs); // no TimeCreated: the context's now
        QCOMPARE(stats.timestampsUnread, 1u);
    }

    void refusedRecordsLeaveTheBatchAlone_data() {
        QTest::addColumn<QByteArray>("eventId");
        QTest::addRow("missing") << QByteArray("");
        QTest::addRow("not a number") << QByteArray("12a");
        QTest::addRow("too large") << QByteArray("70000");
    }

    void refusedRecordsLeaveTheBatchAlone() {
        QFETCH(QByteArray, eventId);
        EventBatch batch;
        const ParseOutcome outcome
            = parseEvtxEvent(record(eventId.toStdString(), "Security", "P", ""), testContext(), batch);
        QVERIFY(!outcome.ok());
        QCOMPARE(bytes(outcome.failure), QByteArray("EventID missing or not a number"));
        QVERIFY(batch.empty());
        QVERIFY(!parseEvtxEvent("<Event>", testContext(), batch).ok());
        QVERIFY(batch.empty());
    }

    void rawIsBounded() {
        std::string big(EvtxRecord::kMaxValueBytes, 'x');
        std::string data = "<EventData>";
        for (int i = 0; i < 3; ++i)
            data += "<Data Name=\"V" + std::to_string(i) + "\">" + big + "</Data>";
        data += "</EventData>";
        EvtxFieldStats stats;
        EventBatch batch = parseOne(record("1", "Application", "App", data), &stats);
        QCOMPARE(fieldOf(batch.events().front(), "raw").size(), qsizetype(EvtxEventWriter::kMaxRawBytes));
        QCOMPARE(stats.rawCut, 1u);
    }

    void severityFromLevel_data() {
        QTest::addColumn<QByteArray>("level");
        QTest::addColumn<int>("severity");
        QTest::addRow("LogAlways") << QByteArray("0") << int(Severity::Info);
        QTest::addRow("Critical") << QByteArray("1") << int(Severity::Critical);
        QTest::addRow("Error") << QByteArray("2") << int(Severity::High);
        QTest::addRow("Warning") << QByteArray("3") << int(Severity::Medium);
        QTest::addRow("Information") << QByteArray("4") << int(Severity::Info);
        QTest::addRow("Verbose") << QByteArray("5") << int(Severity::Info);
    }

    void severityFromLevel() {
        QFETCH(QByteArray, level);
        QFETCH(int, severity);
        EventBatch batch = parseOne(record("1", "Application", "App", "", level.toStdString()));
        QCOMPARE(int(batch.events().front().severity), severity);
    }

    void hexValues_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::addRow("HexInt64") << QByteArray("0x00000000003b5e64") << QByteArray("0x3b5e64");
        QTest::addRow("HexInt64 zero") << QByteArray("0x0000000000000000") << QByteArray("0x0");
        QTest::addRow("HexInt32") << QByteArray("0x001fffff") << QByteArray("0x1fffff");
        QTest::addRow("no padding") << QByteArray("0x80070020") << QByteArray("0x80070020");
        QTest::addRow("other length") << QByteArray("0x0001") << QByteArray("0x0001");
        QTest::addRow("not hex") << QByteArray("0x00zz0000") << QByteArray("0x00zz0000");
        QTest::addRow("text") << QByteArray("0x00000000 and more") << QByteArray("0x00000000 and more");
    }

    void hexValues() {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, expected);
        EventBatch batch = parseOne(record("1", "Application", "App",
            "<EventData><Data Name=\"Value\">" + value.toStdString() + "</Data></EventData>"));
        QCOMPARE(fieldOf(batch.events().front(), "Value"), expected);
    }

    // Keywords is a HexInt64 too: classic events have 0x80000000000000 in Windows' XML.
    void keywordsUnpadded() {
        std::string xml = record("1", "Application", "App", "");
        const std::string_view padded = "<Keywords>0x8010000000000000</Keywords>";
        xml.replace(xml.find(padded), padded.size(), "<Keywords>0x0080000000000000</Keywords>");
        EventBatch batch = parseOne(xml);
        QCOMPARE(fieldOf(batch.events().front(), "Keywords"), QByteArray("0x80000000000000"));
    }

    void systemTime_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("ns"); // -1: refused
        QTest::addRow("100 ns units") << QByteArray("2025-11-26T05:11:27.927693700Z")
                                      << qint64(1'764'133'887'927'693'700);
        QTest::addRow("7 digits") << QByteArray("2025-11-26T05:11:27.9276937Z") << qint64(1'764'133'887'927'693'700);
        QTest::addRow("no fraction") << QByteArray("1970-01-01T00:00:01Z") << qint64(1'000'000'000);
        QTest::addRow("leap day") << QByteArray("2024-02-29T00:00:00.5Z") << qint64(1'709'164'800'500'000'000);
        QTest::addRow("no zone") << QByteArray("2025-11-26T05:11:27.9") << qint64(-1);
        QTest::addRow("bad month") << QByteArray("2025-13-26T05:11:27Z") << qint64(-1);
        QTest::addRow("ten digits") << QByteArray("2025-11-26T05:11:27.1234567890Z") << qint64(-1);
        QTest::addRow("sign in fraction") << QByteArray("2025-11-26T05:11:27.-1Z") << qint64(-1);
        QTest::addRow("empty") << QByteArray("") << qint64(-1);
    }

    void systemTime() {
        QFETCH(QByteArray, text);
        QFETCH(qint64, ns);
        const auto parsed = parseEvtxSystemTime(std::string_view(text.constData(), std::size_t(text.size())));
        if (ns < 0)
            QVERIFY(!parsed);
        else
            QCOMPARE(parsed.value_or(-1), ns);
    }

    void eventTypes_data() {
        QTest::addColumn<QByteArray>("channel");
        QTest::addColumn<QByteArray>("provider");
        QTest::addColumn<int>("eventId");
        QTest::addColumn<QByteArray>("registryEventType");
        QTest::addColumn<QByteArray>("eventType");
        const QByteArray sysmon = "Microsoft-Windows-Sysmon/Operational";
        QTest::addRow("sysmon 1") << sysmon << QByteArray() << 1 << QByteArray() << QByteArray("process_creation");
        QTest::addRow("sysmon 3") << sysmon << QByteArray() << 3 << QByteArray() << QByteArray("network_connection");
        QTest::addRow("sysmon 11") << sysmon << QByteArray() << 11 << QByteArray() << QByteArray("file_event");
        QTest::addRow("sysmon 12 create")
            << sysmon << QByteArray() << 12 << QByteArray("CreateKey") << QByteArray("registry_add");
        QTest::addRow("sysmon 12 delete")
            << sysmon << QByteArray() << 12 << QByteArray("DeleteValue") << QByteArray("registry_delete");
        QTest::addRow("sysmon 13") << sysmon << QByteArray() << 13 << QByteArray("SetValue")
                                   << QByteArray("registry_set");
        QTest::addRow("sysmon 22") << sysmon << QByteArray() << 22 << QByteArray() << QByteArray("dns_query");
        QTest::addRow("sysmon by provider") << QByteArray() << QByteArray("Microsoft-Windows-Sysmon") << 1
                                            << QByteArray() << QByteArray("process_creation");
        QTest::addRow("channel case") << QByteArray("SECURITY") << QByteArray() << 4625 << QByteArray()
                                      << QByteArray("auth_failed");
        QTest::addRow("security 4688") << QByteArray("Security") << QByteArray() << 4688 << QByteArray()
                                       << QByteArray("process_creation");
        QTest::addRow("system 7045") << QByteArray("System") << QByteArray() << 7045 << QByteArray()
                                     << QByteArray("service_installed");
        QTest::addRow("ps 4104") << QByteArray("Microsoft-Windows-PowerShell/Operational") << QByteArray() << 4104
                                 << QByteArray() << QByteArray("ps_script");
        QTest::addRow("ps classic 400") << QByteArray("Windows PowerShell") << QByteArray() << 400 << QByteArray()
                                        << QByteArray("ps_classic_start");
        QTest::addRow("same id elsewhere")
            << QByteArray("Application") << QByteArray() << 4625 << QByteArray() << QByteArray("windows_event");
        QTest::addRow("sysmon id in Security")
            << QByteArray("Security") << QByteArray() << 1 << QByteArray() << QByteArray("windows_event");
    }

    void eventTypes() {
        QFETCH(QByteArray, channel);
        QFETCH(QByteArray, provider);
        QFETCH(int, eventId);
        QFETCH(QByteArray, registryEventType);
        QFETCH(QByteArray, eventType);
        const EvtxEventType type = classifyEvtxEvent(
            channel.toStdString(), provider.toStdString(), std::uint32_t(eventId), registryEventType.toStdString());
        QCOMPARE(bytes(type.eventType), eventType);
        QVERIFY(!type.category.empty());
    }
};

QTEST_GUILESS_MAIN(TestEvtxParse)
#include "tst_evtxparse.moc"
