// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/rfc5424/rfc5424.h"
#include "sentinel/parse/rfc5424/rfc5424event.h"
#include "support/rsyslogscript.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;
namespace rsyslog = vanopticon::testsupport::rsyslog;

// Counts heap allocations, so the test can hold the parser to "nothing per record but the batch".
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

namespace {

const QString kRsyslogDir = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/syslog/rsyslog");
const QString kGoSyslogCases = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/syslog/go-syslog/rfc5424_cases.jsonl");
constexpr std::int64_t kNowNs = 1'795'435'200'000'000'000; // 2026-11-23T12:00:00Z

// rsyslog's scripts with RFC 5424 messages whose output this test reproduces.
constexpr const char *kRsyslogScripts[] = {"parsertest-parse1.sh", "hostname-with-slash-pmrfc5424.sh",
    "rfc5424parser-sp_at_msg_start.sh", "mmpstrucdata-escaping.sh", "mmpstrucdata-case.sh"};
// And those it cannot, with the reason.
constexpr std::pair<const char *, const char *> kRsyslogScriptsNotRun[] = {
    {"fac_invld4_rfc5424.sh",
        "its messages are made by rsyslog's tcpflood (-y -P 8000000000000000000000000000000), not in the data; and "
        "rsyslog takes that PRI as facility 'invld' where RFC 5424 6.2.1 (and go-syslog's cases) refuse a PRI "
        "beyond 191, as this parser does"},
};

std::int64_t nsFromIso(const QString &iso) {
    const QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!time.isValid())
        qFatal("bad ISO time in test data: %s", qPrintable(iso));
    return time.toMSecsSinceEpoch() * 1'000'000;
}

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = kNowNs;
    context.hostName = "collector-host";
    return context;
}

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string_view view(const QByteArray &data) {
    return std::string_view(data.constData(), static_cast<std::size_t>(data.size()));
}

QByteArray valueOf(const Event &event, std::string_view name) {
    const auto id = FieldRegistry::instance().find(name);
    return id && event.has(*id) ? bytes(event.value(*id)) : QByteArray("<absent>");
}

std::string readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

bool within(std::string_view part, std::string_view line) {
    return part.data() >= line.data() && part.data() + part.size() <= line.data() + line.size();
}

// Every view of a parse lies inside the line, and MSG runs to its end.
bool viewsInside(const Rfc5424Message &m, std::string_view line) {
    bool inside = within(m.hostname, line) && within(m.appName, line) && within(m.procId, line) && within(m.msgId, line)
        && within(m.structuredData, line) && within(m.message, line)
        && m.message.data() + m.message.size() == line.data() + line.size();
    for (const Rfc5424Element &element : m.sdElements()) {
        inside = inside && within(element.id, m.structuredData);
        for (const Rfc5424Param &param : m.paramsOf(element))
            inside = inside && within(param.name, m.structuredData) && within(param.value, m.structuredData);
    }
    return inside && m.paramCount <= Rfc5424Message::kMaxParams && m.elementCount <= Rfc5424Message::kMaxElements;
}

std::string unescaped(std::string_view value) {
    std::string buffer(value.size(), '\0');
    return std::string(unescapeParamValue(value, buffer));
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char &c : out)
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
}

// json-c's text for a string (rsyslog prints its JSON with json-c).
void appendJsonC(std::string &out, std::string_view text) {
    out += '"';
    for (char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '/':
            out += "\\/";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    out += '"';
}

// What rsyslog's mmpstrucdata makes of the structured data, as json-c prints it:
// { "id": { "name": "value" } }, SD-IDs and names lower-cased unless sd_name.lowercase="off".
std::string structuredDataJson(const Rfc5424Message &m, bool lowercase) {
    if (m.elementCount == 0)
        return "{ }";
    std::string out = "{ ";
    for (std::size_t e = 0; e < m.elementCount; ++e) {
        const Rfc5424Element &element = m.elements[e];
        out += e == 0 ? "" : ", ";
        appendJsonC(out, lowercase ? lower(element.id) : std::string(element.id));
        out += ": { ";
        bool first = true;
        for (const Rfc5424Param &param : m.paramsOf(element)) {
            out += first ? "" : ", ";
            first = false;
            appendJsonC(out, lowercase ? lower(param.name) : std::string(param.name));
            out += ": ";
            appendJsonC(out, unescaped(param.value));
        }
        out += first ? "}" : " }";
    }
    return out + " }";
}

// rsyslog's properties of an RFC 5424 message (its SYSLOGTAG is APP-NAME[PROCID]).
rsyslog::PropertyLookup lookupIn(const Rfc5424Message &m, const rsyslog::Script &script) {
    return [&m, &script](std::string_view rawName, std::string_view dateFormat) -> std::optional<std::string> {
        const std::string name = lower(rawName);
        const std::string tag
            = std::string(m.appName) + (m.procId.empty() ? std::string() : "[" + std::string(m.procId) + "]");
        if (name == "pri")
            return std::to_string(m.priority);
        if (name == "syslogfacility-text")
            return std::string(rsyslog::kFacilities[m.facility]);
        if (name == "syslogseverity-text")
            return std::string(rsyslog::kSeverities[m.severity]);
        if (name == "syslogseverity")
            return std::to_string(m.severity);
        if (name == "timestamp" || name == "timereported")
            return rsyslog::formatTime(m.timestampNs, m.utcOffsetSeconds, dateFormat);
        if (name == "hostname")
            return m.hostname.empty() ? script.localHostname : std::string(m.hostname);
        if (name == "programname" || name == "app-name")
            return std::string(m.appName);
        if (name == "syslogtag")
            return tag;
        if (name == "procid")
            return std::string(m.procId);
        if (name == "msgid")
            return std::string(m.msgId);
        if (name == "msg")
            return std::string(m.message);
        if (name == "structured-data")
            return m.structuredData.empty() ? std::string("-") : std::string(m.structuredData);
        if (name == "$!rfc5424-sd") {
            const bool lowercase = script.actionSetting("mmpstrucdata", "sd_name.lowercase").value_or("on") != "off";
            return structuredDataJson(m, lowercase);
        }
        return std::nullopt;
    };
}

} // namespace

class TestRfc5424 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // influxdata/go-syslog's RFC 5424 cases, read at test time: every valid input parses, every
    // invalid one is refused. The file carries bytes as JSON \u00XX escapes (Latin-1).
    void goSyslogCases_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("problem"); // the file could not be read as expected
        const std::string text = readFile(kGoSyslogCases);
        int row = 0;
        int valid = 0;
        for (const std::string &line : rsyslog::splitLines(text)) {
            if (line.empty())
                continue;
            const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
            const QString input = object.value(u"input").toString();
            QString problem;
            if (!object.contains(u"input") || !object.value(u"valid").isBool())
                problem = QStringLiteral("not an {input, valid} object: ") + QString::fromStdString(line);
            for (const QChar c : input) {
                if (c.unicode() > 0xff)
                    problem = QStringLiteral("a character beyond Latin-1: the bytes are not known");
            }
            valid += object.value(u"valid").toBool() ? 1 : 0;
            const QByteArray label = input.left(60).toLatin1().toPercentEncoding(" <>[]=\"-:.@");
            QTest::addRow("%d: %s", ++row, label.constData())
                << input.toLatin1() << object.value(u"valid").toBool() << problem;
        }
        if (row == 0 || valid == 0 || valid == row)
            QTest::addRow("the file") << QByteArray() << false
                                      << QString(u"cannot read valid and invalid cases from "_s + kGoSyslogCases);
    }
    void goSyslogCases() {
        QFETCH(QByteArray, input);
        QFETCH(bool, valid);
        QFETCH(QString, problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const std::string_view line = view(input);
        Rfc5424Message m;
        const ParseOutcome outcome = parseRfc5424(line, m);
        QVERIFY2(outcome.ok() == valid, outcome.ok() ? "parsed, but the case is invalid" : outcome.failure.data());
        EventBatch batch;
        QCOMPARE(parseRfc5424Event(line, testContext(), batch).ok(), valid);
        QCOMPARE(batch.size(), std::size_t(valid ? 1 : 0));
        if (valid) {
            QVERIFY(viewsInside(m, line));
            QCOMPARE(bytes(batch.events()[0].value(field::Raw)), input);
        }
    }

    // rsyslog's parser tests, read from the scripts at test time: each message rsyslog's RFC 5424
    // parser handles is parsed here and rendered with the script's template; the script's
    // expected lines (or its content checks) must come out.
    void rsyslogScripts_data() {
        QTest::addColumn<QString>("file");
        for (const char *file : kRsyslogScripts)
            QTest::newRow(file) << QString::fromLatin1(file);
    }
    void rsyslogScripts() {
        QFETCH(QString, file);
        const std::string text = readFile(kRsyslogDir + u'/' + file);
        QVERIFY2(!text.empty(), qPrintable(kRsyslogDir + u'/' + file));
        const rsyslog::Script script = rsyslog::readScript(text);
        QVERIFY(!script.inputs.empty());
        QCOMPARE(script.counts.size(), script.inputs.size());
        QVERIFY(!script.outputTemplate.empty());
        QVERIFY(!script.expected.empty() || !script.contentChecks.empty());
        const bool filtered = !script.tagFilter.empty() || !script.tagEquals.empty() || !script.msgContains.empty()
            || script.facilityFilter >= 0;

        // One entry per output line; nullopt for a line from a message the RFC 3164 parser handles
        // (tst_rfc3164 checks those).
        std::vector<std::optional<std::string>> output;
        for (std::size_t i = 0; i < script.inputs.size(); ++i) {
            const std::string line = script.escape8Bit ? rsyslog::escape8Bit(script.inputs[i]) : script.inputs[i];
            if (!sentinel::isRfc5424Header(line)) {
                QVERIFY2(!filtered, "a filtered script with RFC 3164 messages: its output cannot be known here");
                output.insert(output.end(), script.counts[i], std::nullopt);
                continue;
            }
            Rfc5424Message m;
            const ParseOutcome outcome = parseRfc5424(line, m);
            QVERIFY2(outcome.ok(), qPrintable(QString::fromStdString(line + " → " + std::string(outcome.failure))));
            const std::string tag
                = std::string(m.appName) + (m.procId.empty() ? std::string() : "[" + std::string(m.procId) + "]");
            if ((!script.tagFilter.empty() && tag.find(script.tagFilter) == std::string::npos)
                || (!script.tagEquals.empty() && tag != script.tagEquals)
                || (!script.msgContains.empty() && m.message.find(script.msgContains) == std::string_view::npos)
                || (script.facilityFilter >= 0 && m.facility != script.facilityFilter))
                continue;
            auto rendered = rsyslog::render(script.outputTemplate, lookupIn(m, script));
            QVERIFY2(rendered.has_value(), script.outputTemplate.c_str());
            if (!rendered->empty() && rendered->back() == '\n')
                rendered->pop_back();
            output.insert(output.end(), script.counts[i], *rendered);
        }

        std::size_t compared = 0;
        if (!script.expected.empty()) {
            QCOMPARE(output.size(), script.expected.size());
            for (std::size_t i = 0; i < output.size(); ++i) {
                if (!output[i])
                    continue;
                QCOMPARE(QByteArray::fromStdString(*output[i]), QByteArray::fromStdString(script.expected[i]));
                ++compared;
            }
        }
        for (const auto &[content, count] : script.contentChecks) {
            std::size_t lines = 0;
            for (const auto &rendered : output)
                lines += rendered && rendered->find(content) != std::string::npos ? 1 : 0;
            QCOMPARE(lines, count);
            ++compared;
        }
        QVERIFY(compared > 0);
    }

    // Every rsyslog script in the data that sends an RFC 5424 message is either run above or
    // listed with the reason it cannot be: new material is not passed over silently.
    void rsyslogScriptsAccountedFor() {
        const QDir directory(kRsyslogDir);
        const QStringList scripts = directory.entryList({u"*.sh"_s}, QDir::Files, QDir::Name);
        QVERIFY2(!scripts.isEmpty(), qPrintable(kRsyslogDir));
        const QRegularExpression rfc5424Message(u"<[0-9]{1,3}>1 "_s);
        int found = 0;
        for (const QString &script : scripts) {
            QFile file(directory.filePath(script));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(file.readAll());
            if (!script.contains(u"5424"_s) && !text.contains(rfc5424Message) && !text.contains(u"tcpflood -y"_s))
                continue;
            ++found;
            const QByteArray name = script.toUtf8();
            const bool run = std::any_of(std::begin(kRsyslogScripts), std::end(kRsyslogScripts),
                [&name](const char *listed) { return name == listed; });
            const bool excused = std::any_of(std::begin(kRsyslogScriptsNotRun), std::end(kRsyslogScriptsNotRun),
                [&name](const auto &listed) { return name == listed.first; });
            QVERIFY2(run != excused, qPrintable(script + u": neither run nor excused (or both)"_s));
        }
        QCOMPARE(found, int(std::size(kRsyslogScripts) + std::size(kRsyslogScriptsNotRun)));
    }

    void rsyslogFuzzCorpus_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("priority");
        QTest::addColumn<QString>("utc");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<QString>("hostname");
        QTest::addColumn<QString>("appName");
        QTest::addColumn<QString>("procId");
        QTest::addColumn<QString>("msgId");
        QTest::addColumn<QString>("structuredData"); // as JSON: {"id": {"name": "value"}}
        QTest::addColumn<QString>("message");
        QTest::addRow("rfc5424-basic") << "rfc5424-basic" << 165 << "2003-10-11T22:14:15.003Z" << 0
                                       << "mymachine.example.com"
                                       << "evntslog"
                                       << ""
                                       << "ID47"
                                       << "{\"exampleSDID@32473\": {\"iut\": \"3\", \"eventSource\": \"Application\"}}"
                                       << "An application event log entry";
        QTest::addRow("rfc5424-escaped-sd") << "rfc5424-escaped-sd" << 34 << "2026-07-23T07:30:45Z" << 7200 << "host"
                                            << "app"
                                            << "123"
                                            << "msg"
                                            << "{\"meta@32473\": {\"value\": \"escaped]bracket\", \"quote\": \"\\\"\"}}"
                                            << "payload";
        QTest::addRow("rfc5424-nil") << "rfc5424-nil" << 13 << "" << 0 << ""
                                     << ""
                                     << ""
                                     << ""
                                     << "{}"
                                     << "minimal";
    }
    void rsyslogFuzzCorpus() {
        QFETCH(QString, file);
        QFETCH(int, priority);
        QFETCH(QString, utc);
        QFETCH(int, utcOffset);
        QFETCH(QString, hostname);
        QFETCH(QString, appName);
        QFETCH(QString, procId);
        QFETCH(QString, msgId);
        QFETCH(QString, structuredData);
        QFETCH(QString, message);
        std::string line = readFile(kRsyslogDir + QStringLiteral("/fuzz-corpus/") + file);
        QVERIFY(!line.empty());
        if (line.back() == '\n')
            line.pop_back();
        Rfc5424Message m;
        const ParseOutcome outcome = parseRfc5424(line, m);
        QVERIFY2(outcome.ok(), outcome.failure.data());
        QCOMPARE(m.priority, priority);
        QCOMPARE(m.version, 1);
        QCOMPARE(m.hasTimestamp, !utc.isEmpty());
        QCOMPARE(m.timestampNs, utc.isEmpty() ? 0 : nsFromIso(utc));
        QCOMPARE(m.utcOffsetSeconds, utcOffset);
        QCOMPARE(bytes(m.hostname), hostname.toUtf8());
        QCOMPARE(bytes(m.appName), appName.toUtf8());
        QCOMPARE(bytes(m.procId), procId.toUtf8());
        QCOMPARE(bytes(m.msgId), msgId.toUtf8());
        QCOMPARE(bytes(m.message), message.toUtf8());
        QJsonObject sd;
        for (const Rfc5424Element &element : m.sdElements()) {
            QJsonObject params;
            for (const Rfc5424Param &param : m.paramsOf(element))
                params.insert(QString::fromUtf8(bytes(param.name)),
                    QString::fromUtf8(QByteArray::fromStdString(unescaped(param.value))));
            sd.insert(QString::fromUtf8(bytes(element.id)), params);
        }
        QCOMPARE(sd, QJsonDocument::fromJson(structuredData.toUtf8()).object());
        QVERIFY(viewsInside(m, line));
    }

    // RFC 5424's own examples (section 6.5) and the forms around them.
    void header_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("priority");
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("utc"); // empty: NILVALUE
        QTest::addColumn<qint64>("extraNs"); // beyond the milliseconds QDateTime reads
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<QByteArray>("hostname");
        QTest::addColumn<QByteArray>("appName");
        QTest::addColumn<QByteArray>("procId");
        QTest::addColumn<QByteArray>("msgId");
        QTest::addColumn<QByteArray>("structuredData");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<bool>("bom");
        QTest::addRow("example 1, with BOM")
            << QByteArray("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' "
                          "failed for lonvick on /dev/pts/8")
            << 34 << 1 << "2003-10-11T22:14:15.003Z" << qint64(0) << 0 << QByteArray("mymachine.example.com")
            << QByteArray("su") << QByteArray() << QByteArray("ID47") << QByteArray()
            << QByteArray("'su root' failed for lonvick on /dev/pts/8") << true;
        QTest::addRow("example 2, microseconds west of UTC")
            << QByteArray("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the "
                          "do-nuts.")
            << 165 << 1 << "2003-08-24T12:14:15.000Z" << qint64(3'000) << -7 * 3600 << QByteArray("192.0.2.1")
            << QByteArray("myproc") << QByteArray("8710") << QByteArray() << QByteArray()
            << QByteArray("%% It's time to make the do-nuts.") << false;
        QTest::addRow("example 3, structured data and message")
            << QByteArray("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
                          "iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \xEF\xBB\xBF"
                          "An application event log entry...")
            << 165 << 1 << "2003-10-11T22:14:15.003Z" << qint64(0) << 0 << QByteArray("mymachine.example.com")
            << QByteArray("evntslog") << QByteArray() << QByteArray("ID47")
            << QByteArray("[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]")
            << QByteArray("An application event log entry...") << true;
        QTest::addRow("example 4, structured data only")
            << QByteArray("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
                          "iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 "
                          "class=\"high\"]")
            << 165 << 1 << "2003-10-11T22:14:15.003Z" << qint64(0) << 0 << QByteArray("mymachine.example.com")
            << QByteArray("evntslog") << QByteArray() << QByteArray("ID47")
            << QByteArray("[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
                          "eventID=\"1011\"][examplePriority@32473 class=\"high\"]")
            << QByteArray() << false;
        QTest::addRow("all nil, empty message after the space")
            << QByteArray("<0>1 - - - - - - ") << 0 << 1 << "" << qint64(0) << 0 << QByteArray() << QByteArray()
            << QByteArray() << QByteArray() << QByteArray() << QByteArray() << false;
        QTest::addRow("second space kept in the message")
            << QByteArray("<13>1 - h a - - -  indented") << 13 << 1 << "" << qint64(0) << 0 << QByteArray("h")
            << QByteArray("a") << QByteArray() << QByteArray() << QByteArray() << QByteArray(" indented") << false;
        QTest::addRow("newline inside the message")
            << QByteArray("<1>1 - - - - - - x\ny") << 1 << 1 << "" << qint64(0) << 0 << QByteArray() << QByteArray()
            << QByteArray() << QByteArray() << QByteArray() << QByteArray("x\ny") << false;
        QTest::addRow("version 999, offset -23:59")
            << QByteArray("<191>999 2018-12-31T23:59:59.999999-23:59 h a p m - x") << 191 << 999
            << "2019-01-01T23:58:59.999Z" << qint64(999'000) << -(23 * 3600 + 59 * 60) << QByteArray("h")
            << QByteArray("a") << QByteArray("p") << QByteArray("m") << QByteArray() << QByteArray("x") << false;
        QTest::addRow("a host name that is a dash and more")
            << QByteArray("<13>1 - -host - - - -") << 13 << 1 << "" << qint64(0) << 0 << QByteArray("-host")
            << QByteArray() << QByteArray() << QByteArray() << QByteArray() << QByteArray() << false;
        QTest::addRow("rsyslog's space after =")
            << QByteArray("<13>1 - h a - - [x@1 a= \"b\"] m") << 13 << 1 << "" << qint64(0) << 0 << QByteArray("h")
            << QByteArray("a") << QByteArray() << QByteArray() << QByteArray("[x@1 a= \"b\"]") << QByteArray("m")
            << false;
    }
    void header() {
        QFETCH(QByteArray, line);
        QFETCH(int, priority);
        QFETCH(int, version);
        QFETCH(QString, utc);
        QFETCH(qint64, extraNs);
        QFETCH(int, utcOffset);
        QFETCH(QByteArray, hostname);
        QFETCH(QByteArray, appName);
        QFETCH(QByteArray, procId);
        QFETCH(QByteArray, msgId);
        QFETCH(QByteArray, structuredData);
        QFETCH(QByteArray, message);
        QFETCH(bool, bom);
        Rfc5424Message m;
        const ParseOutcome outcome = parseRfc5424(view(line), m);
        QVERIFY2(outcome.ok(), outcome.failure.data());
        QCOMPARE(m.priority, priority);
        QCOMPARE(m.facility, priority / 8);
        QCOMPARE(m.severity, priority % 8);
        QCOMPARE(m.version, version);
        QCOMPARE(m.hasTimestamp, !utc.isEmpty());
        QCOMPARE(m.timestampNs, utc.isEmpty() ? 0 : nsFromIso(utc) + extraNs);
        QCOMPARE(m.utcOffsetSeconds, utcOffset);
        QCOMPARE(bytes(m.hostname), hostname);
        QCOMPARE(bytes(m.appName), appName);
        QCOMPARE(bytes(m.procId), procId);
        QCOMPARE(bytes(m.msgId), msgId);
        QCOMPARE(bytes(m.structuredData), structuredData);
        QCOMPARE(bytes(m.message), message);
        QCOMPARE(m.hasBom, bom);
        QVERIFY(viewsInside(m, view(line)));
        QVERIFY(sentinel::isRfc5424Header(view(line)) == (version == 1));
    }

    void refusals_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reason");
        const QByteArray host256(256, 'h');
        QTest::addRow("empty") << QByteArray() << "empty message";
        QTest::addRow("no pri") << QByteArray("1 - - - - - -") << "malformed PRI";
        QTest::addRow("pri with a leading zero") << QByteArray("<01>1 - - - - - -") << "malformed PRI";
        QTest::addRow("pri of four digits") << QByteArray("<0013>1 - - - - - -") << "malformed PRI";
        QTest::addRow("pri 192") << QByteArray("<192>1 - - - - - -") << "PRI out of range";
        QTest::addRow("version 0") << QByteArray("<13>0 - - - - - -") << "malformed VERSION";
        QTest::addRow("version without a space") << QByteArray("<13>1") << "malformed VERSION";
        QTest::addRow("an RFC 3164 line") << QByteArray("<13>Oct 11 22:14:15 host su: x") << "malformed VERSION";
        QTest::addRow("lower-case t") << QByteArray("<13>1 2003-10-11t22:14:15Z - - - - -") << "malformed TIMESTAMP";
        QTest::addRow("no zone") << QByteArray("<13>1 2003-10-11T22:14:15 - - - - -") << "malformed TIMESTAMP";
        QTest::addRow("seven fraction digits")
            << QByteArray("<13>1 2003-10-11T22:14:15.1234567Z - - - - -") << "malformed TIMESTAMP";
        QTest::addRow("leap second") << QByteArray("<13>1 2016-12-31T23:59:60Z - - - - -") << "malformed TIMESTAMP";
        QTest::addRow("offset 24:00") << QByteArray("<13>1 2016-12-31T23:59:00+24:00 - - - - -")
                                      << "malformed TIMESTAMP";
        QTest::addRow("september 31") << QByteArray("<13>1 2003-09-31T22:14:15Z - - - - -") << "does not exist";
        QTest::addRow("year 1969") << QByteArray("<13>1 1969-12-31T23:59:59Z - - - - -") << "out of range";
        QTest::addRow("year 9999") << QByteArray("<13>1 9999-12-31T23:59:59Z - - - - -") << "out of range";
        QTest::addRow("two spaces after the timestamp") << QByteArray("<13>1 -  h - - - -") << "malformed HOSTNAME";
        QTest::addRow("host name of 256 bytes")
            << QByteArray("<13>1 - " + host256 + " - - - -") << "malformed HOSTNAME";
        QTest::addRow("control byte in the host name") << QByteArray("<13>1 - h\x01 - - - -") << "malformed HOSTNAME";
        QTest::addRow("app name of 49 bytes")
            << QByteArray("<13>1 - h " + QByteArray(49, 'a') + " - - -") << "malformed APP-NAME";
        QTest::addRow("procid of 129 bytes")
            << QByteArray("<13>1 - h a " + QByteArray(129, 'p') + " - -") << "malformed PROCID";
        QTest::addRow("msgid of 33 bytes")
            << QByteArray("<13>1 - h a p " + QByteArray(33, 'm') + " -") << "malformed MSGID";
        QTest::addRow("no structured data") << QByteArray("<13>1 - h a p m") << "malformed MSGID";
        QTest::addRow("structured data neither - nor [") << QByteArray("<13>1 - h a p m x") << "STRUCTURED-DATA";
        QTest::addRow("empty SD-ID") << QByteArray("<13>1 - h a p m []") << "malformed SD-ID";
        QTest::addRow("SD-ID of 33 bytes")
            << QByteArray("<13>1 - h a p m [" + QByteArray(33, 'i') + "]") << "malformed SD-ID";
        QTest::addRow("duplicate SD-ID") << QByteArray("<13>1 - h a p m [a][b][a]") << "duplicate SD-ID";
        QTest::addRow("param without quotes") << QByteArray("<13>1 - h a p m [a b=c]") << "malformed SD-PARAM";
        QTest::addRow("unescaped ]") << QByteArray("<13>1 - h a p m [a b=\"]\"]") << "malformed PARAM-VALUE";
        QTest::addRow("escaped n") << QByteArray("<13>1 - h a p m [a b=\"\\n\"]") << "malformed PARAM-VALUE";
        QTest::addRow("unterminated value") << QByteArray("<13>1 - h a p m [a b=\"x") << "unterminated";
        QTest::addRow("unterminated element") << QByteArray("<13>1 - h a p m [a b=\"x\"") << "unterminated";
        QTest::addRow("no space before the message") << QByteArray("<13>1 - h a p m [a]x") << "expected a space";
        QTest::addRow("newline after nil structured data")
            << QByteArray("<13>1 - h a p m -\n<14>1 - - - - - -") << "expected a space";
        QByteArray many = "<13>1 - h a p m ";
        for (int i = 0; i < 33; ++i)
            many += "[e" + QByteArray::number(i) + "]";
        QTest::addRow("33 SD elements") << many << "too many SD elements";
    }
    void refusals() {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);
        Rfc5424Message m;
        const ParseOutcome outcome = parseRfc5424(view(line), m);
        QVERIFY(!outcome.ok());
        QVERIFY2(QString::fromUtf8(bytes(outcome.failure)).contains(reason), outcome.failure.data());
        EventBatch batch;
        QCOMPARE(parseRfc5424Event(view(line), testContext(), batch).failure, outcome.failure);
        QVERIFY(batch.empty());
    }

    void unescape_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<QByteArray>("expected");
        QTest::addRow("none") << QByteArray("plain") << 16 << QByteArray("plain");
        QTest::addRow("all three") << QByteArray("a\\\"b\\\\c\\]d") << 16 << QByteArray("a\"b\\c]d");
        QTest::addRow("escaped backslash before a quote") << QByteArray("\\\\\\\"") << 16 << QByteArray("\\\"");
        QTest::addRow("cut between characters") << QByteArray("abcdef") << 3 << QByteArray("abc");
        QTest::addRow("cut inside a 2-byte character") << QByteArray("ab\xC3\xA9") << 3 << QByteArray("ab");
        QTest::addRow("cut inside a 3-byte character") << QByteArray("a\xE2\x8C\x98z") << 3 << QByteArray("a");
        QTest::addRow("cut after a whole 3-byte character")
            << QByteArray("a\xE2\x8C\x98z") << 4 << QByteArray("a\xE2\x8C\x98");
        QTest::addRow("cut inside a 4-byte character") << QByteArray("\xF0\x90\x8C\xBC") << 2 << QByteArray();
    }
    void unescape() {
        QFETCH(QByteArray, value);
        QFETCH(int, capacity);
        QFETCH(QByteArray, expected);
        std::vector<char> buffer(static_cast<std::size_t>(capacity));
        QCOMPARE(bytes(unescapeParamValue(view(value), buffer)), expected);
    }

    void event() {
        const QByteArray line = "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 ID9 [origin "
                                "ip=\"198.51.100.4\" software=\"a\\\"b\"][meta sequenceId=\"14125553\"] %% It's time";
        EventBatch batch;
        Rfc5424EventInfo info;
        MessageClassifier classifier;
        QVERIFY(parseRfc5424Event(view(line), testContext(), batch, info, classifier).ok());
        QCOMPARE(batch.size(), std::size_t(1));
        const Event &event = batch.events()[0];
        QCOMPARE(event.timestampNs, nsFromIso(u"2003-08-24T12:14:15.000Z"_s) + 3'000);
        QVERIFY(event.severity == Severity::Low); // notice
        QCOMPARE(valueOf(event, "event_type"), QByteArray("syslog"));
        QCOMPARE(valueOf(event, "category"), QByteArray("system"));
        QCOMPARE(valueOf(event, "source_type"), QByteArray("syslog"));
        QCOMPARE(valueOf(event, "host"), QByteArray("192.0.2.1"));
        QCOMPARE(valueOf(event, "service"), QByteArray("myproc"));
        QCOMPARE(valueOf(event, "ProcessName"), QByteArray("myproc"));
        QCOMPARE(valueOf(event, "ProcessId"), QByteArray("8710"));
        QCOMPARE(valueOf(event, "msg_id"), QByteArray("ID9"));
        QCOMPARE(valueOf(event, "message"), QByteArray("%% It's time"));
        QCOMPARE(valueOf(event, "raw"), line);
        QCOMPARE(valueOf(event, "origin.ip"), QByteArray("198.51.100.4"));
        QCOMPARE(valueOf(event, "origin.software"), QByteArray("a\"b"));
        QCOMPARE(valueOf(event, "meta.sequenceId"), QByteArray("14125553"));
        QCOMPARE(valueOf(event, "SourceIp"), QByteArray("<absent>")); // the sender is not an attacker
        QCOMPARE(event.fields().size(), std::size_t(13));
        QCOMPARE(bytes(info.message.appName), QByteArray("myproc"));
        QCOMPARE(info.sdFieldsDropped, std::size_t(0));
        QCOMPARE(classifier.stats().events, std::uint64_t(1));

        // Private SD-IDs ("name@enterprise") become field names the server accepts.
        EventBatch privateIds;
        Rfc5424EventInfo privateInfo;
        QVERIFY(parseRfc5424Event(R"(<165>1 2003-10-11T22:14:15.003Z host app - ID47 [exampleSDID@32473 iut="3"] x)",
            testContext(), privateIds, privateInfo, classifier)
                    .ok());
        QCOMPARE(valueOf(privateIds.events()[0], "exampleSDID_32473.iut"), QByteArray("3"));
        QCOMPARE(privateInfo.sdFieldsDropped, std::size_t(0));
        // 32 + 1 + 32 bytes: longer than a field name may be; dropped and counted.
        const std::string longNames
            = "<165>1 - host app - - [" + std::string(32, 'a') + " " + std::string(32, 'b') + "=\"v\"] x";
        QVERIFY(parseRfc5424Event(longNames, testContext(), privateIds, privateInfo, classifier).ok());
        QCOMPARE(privateInfo.sdFieldsDropped, std::size_t(1));

        // What the record does not say, the context does.
        EventBatch nil;
        QVERIFY(parseRfc5424Event("<11>1 - - - - - - disk full", testContext(), nil).ok());
        const Event &bare = nil.events()[0];
        QCOMPARE(bare.timestampNs, kNowNs);
        QVERIFY(bare.severity == Severity::High); // err
        QCOMPARE(valueOf(bare, "host"), QByteArray("collector-host"));
        QCOMPARE(valueOf(bare, "service"), QByteArray("<absent>"));
        QCOMPARE(valueOf(bare, "ProcessId"), QByteArray("<absent>"));
        QCOMPARE(valueOf(bare, "msg_id"), QByteArray("<absent>"));
        QCOMPARE(valueOf(bare, "message"), QByteArray("disk full"));

        // The header as the classifier takes it.
        const SyslogRecord record = toSyslogRecord(info.message, view(line), kNowNs);
        QCOMPARE(record.severity, 5);
        QCOMPARE(bytes(record.appName), QByteArray("myproc"));
        QCOMPARE(bytes(record.procId), QByteArray("8710"));
        QCOMPARE(bytes(record.message), QByteArray("%% It's time"));
        QCOMPARE(bytes(record.raw), line);
        QCOMPARE(record.timestampNs, event.timestampNs);
        Rfc5424Message undated;
        QVERIFY(parseRfc5424("<11>1 - - - - - -", undated).ok());
        QCOMPARE(toSyslogRecord(undated, {}, kNowNs).timestampNs, kNowNs);
    }

    // sshd's own RFC 5424 messages are logins, as its RFC 3164 lines are; the SD is kept too.
    void sshdLoginsAreTyped() {
        const QByteArray line = "<38>1 2026-11-23T10:15:30.123456+01:00 web1 sshd 1234 - [origin ip=\"192.0.2.10\"] "
                                "Failed password for invalid user admin from 203.0.113.7 port 52144 ssh2";
        EventBatch batch;
        Rfc5424EventInfo info;
        MessageClassifier classifier;
        QVERIFY(parseRfc5424Event(view(line), testContext(), batch, info, classifier).ok());
        const Event &event = batch.events()[0];
        QCOMPARE(valueOf(event, "event_type"), QByteArray("auth_failed"));
        QCOMPARE(valueOf(event, "category"), QByteArray("authentication"));
        QCOMPARE(valueOf(event, "User"), QByteArray("admin"));
        QCOMPARE(valueOf(event, "SourceIp"), QByteArray("203.0.113.7"));
        QCOMPARE(valueOf(event, "SourcePort"), QByteArray("52144"));
        QCOMPARE(valueOf(event, "reason"), QByteArray("invalid_user"));
        QCOMPARE(valueOf(event, "origin.ip"), QByteArray("192.0.2.10"));
        QCOMPARE(event.timestampNs, nsFromIso(u"2026-11-23T09:15:30.123Z"_s) + 456'000);
        QCOMPARE(classifier.stats().authEvents, std::uint64_t(1));
    }

    void severities_data() {
        QTest::addColumn<int>("syslogSeverity");
        QTest::addColumn<int>("severity");
        const int expected[] = {int(Severity::High), int(Severity::High), int(Severity::High), int(Severity::High),
            int(Severity::Medium), int(Severity::Low), int(Severity::Info), int(Severity::Info)};
        for (int s = 0; s < 8; ++s)
            QTest::addRow("%d", s) << s << expected[s];
    }
    void severities() {
        QFETCH(int, syslogSeverity);
        QFETCH(int, severity);
        EventBatch batch;
        const std::string line = "<" + std::to_string(8 + syslogSeverity) + ">1 - - - - - -";
        QVERIFY(parseRfc5424Event(line, testContext(), batch).ok());
        QCOMPARE(int(batch.events()[0].severity), severity);
    }

    // A hostile sender: 100 params (64 kept as fields, the rest counted), a value beyond
    // kMaxSdValueBytes (cut at a character boundary, counted), the raw record kept whole.
    void structuredDataBounds() {
        QByteArray line = "<13>1 - h a - - [bulk";
        for (int i = 0; i < 100; ++i)
            line += " p" + QByteArray::number(i) + "=\"" + QByteArray::number(i) + "\"";
        line += "][long v=\"" + QByteArray(int(kMaxSdValueBytes) - 1, 'x') + "\xC3\xA9\"] m";
        EventBatch batch;
        Rfc5424EventInfo info;
        MessageClassifier classifier;
        QVERIFY(parseRfc5424Event(view(line), testContext(), batch, info, classifier).ok());
        QCOMPARE(info.message.elementCount, std::size_t(2));
        QCOMPARE(info.message.paramCount, Rfc5424Message::kMaxParams);
        QCOMPARE(info.message.paramsOmitted, std::size_t(100 + 1 - Rfc5424Message::kMaxParams));
        QCOMPARE(info.message.sdElements()[1].paramCount, std::uint16_t(0)); // its param was beyond the bound
        QCOMPARE(info.sdFieldsDropped, info.message.paramsOmitted);
        const Event &event = batch.events()[0];
        QCOMPARE(valueOf(event, "bulk.p0"), QByteArray("0"));
        QCOMPARE(valueOf(event, "bulk.p63"), QByteArray("63"));
        QCOMPARE(valueOf(event, "bulk.p64"), QByteArray("<absent>"));
        QCOMPARE(valueOf(event, "raw"), line);

        QByteArray longValue = "<13>1 - h a - - [long v=\"" + QByteArray(int(kMaxSdValueBytes) - 1, 'x')
            + "\xC3\xA9\" w=\"" + QByteArray(int(kMaxSdValueBytes), 'y') + "\"] m";
        EventBatch cut;
        QVERIFY(parseRfc5424Event(view(longValue), testContext(), cut, info, classifier).ok());
        QCOMPARE(info.sdValuesCut, std::size_t(1));
        QCOMPARE(valueOf(cut.events()[0], "long.v"), QByteArray(int(kMaxSdValueBytes) - 1, 'x'));
        QCOMPARE(valueOf(cut.events()[0], "long.w"), QByteArray(int(kMaxSdValueBytes), 'y'));
    }

    void rfc5424Detection_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("expected");
        QTest::addRow("5424") << QByteArray("<34>1 2003-10-11T22:14:15.003Z h su - - - x") << true;
        QTest::addRow("5424, nil") << QByteArray("<0>1 - - - - - -") << true;
        QTest::addRow("3164") << QByteArray("<34>Oct 11 22:14:15 mymachine su: x") << false;
        QTest::addRow("3164 whose host is 1") << QByteArray("<34>1") << false;
        QTest::addRow("version 2") << QByteArray("<34>2 - - - - - -") << false;
        QTest::addRow("version 10") << QByteArray("<34>10 - - - - - -") << false;
        QTest::addRow("no pri") << QByteArray("1 - - - - - -") << false;
        QTest::addRow("pri of four digits") << QByteArray("<1234>1 ") << false;
    }
    void rfc5424Detection() {
        QFETCH(QByteArray, line);
        QFETCH(bool, expected);
        QCOMPARE(sentinel::isRfc5424Header(view(line)), expected);
    }

    void noAllocationPerRecord() {
        EventBatch batch;
        const SyslogContext context = testContext();
        const std::string record = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                                   "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                                   "[meta note=\"a \\\"quoted\\\" word\"] An application event log entry...";
        Rfc5424EventInfo info;
        MessageClassifier classifier;
        QVERIFY(parseRfc5424Event(record, context, batch, info, classifier).ok()); // field names interned once
        constexpr int kRecords = 2000;
        batch.events().reserve(kRecords + 1);
        const std::size_t before = g_allocations.load();
        for (int i = 0; i < kRecords; ++i)
            QVERIFY(parseRfc5424Event(record, context, batch, info, classifier).ok());
        const std::size_t allocations = g_allocations.load() - before;
        // Only the arena's 64 KiB blocks: roughly one per 100 events here.
        QVERIFY2(allocations * 50 < kRecords, qPrintable(QString::number(allocations)));
        QCOMPARE(batch.size(), std::size_t(kRecords + 1));
    }

    // Hostile bytes: every prefix and thousands of mutations of real messages either parse, with
    // every view inside the line, or are refused with a reason — never a crash, never a misread.
    void hostileInputIsRefusedOrParsedNeverMisread() {
        std::vector<std::string> seeds;
        for (const std::string &jsonLine : rsyslog::splitLines(readFile(kGoSyslogCases))) {
            const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(jsonLine)).object();
            if (object.value(u"valid").toBool())
                seeds.push_back(object.value(u"input").toString().toLatin1().toStdString());
        }
        for (const char *file : {"parsertest-parse1.sh", "mmpstrucdata-escaping.sh"}) {
            const rsyslog::Script script = rsyslog::readScript(readFile(kRsyslogDir + u'/' + QLatin1String(file)));
            for (const std::string &input : script.inputs) {
                if (sentinel::isRfc5424Header(input))
                    seeds.push_back(input);
            }
        }
        QVERIFY(seeds.size() > 30);

        std::mt19937 random(20261123);
        constexpr char kPalette[] = {'<', '>', '[', ']', '"', '\\', '=', ' ', '-', '\0', '\xff', 'T', 'Z', '+', '1'};
        const SyslogContext context = testContext();
        std::size_t parsed = 0;
        std::size_t refused = 0;
        Rfc5424Message m;
        auto check = [&](const std::string &candidate) {
            const ParseOutcome outcome = parseRfc5424(candidate, m);
            EventBatch batch;
            const bool made = parseRfc5424Event(candidate, context, batch).ok();
            QCOMPARE(made, outcome.ok());
            QCOMPARE(batch.size(), std::size_t(made ? 1 : 0));
            if (!outcome.ok()) {
                QVERIFY(!outcome.failure.empty());
                ++refused;
                return;
            }
            ++parsed;
            QVERIFY(viewsInside(m, candidate));
            QVERIFY(m.priority >= 0 && m.priority <= 191 && m.version >= 1 && m.version <= 999);
        };
        for (const std::string &seed : seeds) {
            for (std::size_t length = 0; length <= seed.size(); ++length)
                check(seed.substr(0, length));
            for (int round = 0; round < 200; ++round) {
                std::string mutated = seed;
                const int edits = 1 + static_cast<int>(random() % 4);
                for (int e = 0; e < edits && !mutated.empty(); ++e) {
                    const std::size_t at = random() % mutated.size();
                    const char c = (random() % 2 == 0) ? kPalette[random() % sizeof(kPalette)]
                                                       : static_cast<char>(random() % 256);
                    switch (random() % 3) {
                    case 0:
                        mutated[at] = c;
                        break;
                    case 1:
                        mutated.insert(at, 1, c);
                        break;
                    default:
                        mutated.erase(at, 1);
                    }
                }
                check(mutated);
            }
        }
        QVERIFY(parsed > 0 && refused > 0);
    }
};

QTEST_GUILESS_MAIN(TestRfc5424)
#include "tst_rfc5424.moc"
