// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/cef/cef.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <iconv.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

const QString kLognormDir = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/cef/liblognorm");
const QString kLogstashLiterals
    = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/cef/logstash-codec-cef/cef_spec_CEF_literals.txt");

std::string readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(path));
    return file.readAll().toStdString();
}

QString text(std::string_view bytes) {
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

std::optional<std::string> readSingleQuoted(std::string_view source, std::size_t &pos) {
    const std::size_t end = source.find('\'', pos);
    if (end == std::string_view::npos)
        return std::nullopt;
    std::string out(source.substr(pos, end - pos));
    pos = end + 1;
    return out;
}

// The header and extensions a record must give, or none when it must be refused.
struct Expected {
    bool accepted = false;
    std::map<std::string, std::string> header; // DeviceVendor, …, Severity (liblognorm's names)
    std::map<std::string, std::string> extensions; // all of them (liblognorm) or some (Logstash)
};

std::string headerValue(const CefMessage &message, const std::string &name) {
    if (name == "Version")
        return std::to_string(message.version);
    if (name == "DeviceVendor")
        return std::string(message.deviceVendor);
    if (name == "DeviceProduct")
        return std::string(message.deviceProduct);
    if (name == "DeviceVersion")
        return std::string(message.deviceVersion);
    if (name == "SignatureID")
        return std::string(message.signatureId);
    if (name == "Name")
        return std::string(message.name);
    if (name == "Severity")
        return std::string(message.severity);
    qFatal("unknown header name %s", name.c_str());
}

// ---- liblognorm's tests/field_cef*.sh, read as they are ----

struct LognormCase {
    QString file;
    int line = 0;
    std::string input;
    Expected expected;
};

// `execute '<input>'` followed by `assert_output_json_eq '<json>'`, as bash reads single quotes.
std::vector<LognormCase> readLognormScript(const QString &fileName) {
    const std::string source = readFile(kLognormDir + u'/' + fileName);
    std::vector<LognormCase> cases;
    const std::string_view all = source;
    for (std::size_t at = 0; (at = all.find("\nexecute '", at)) != std::string_view::npos;) {
        LognormCase c;
        c.file = fileName;
        c.line = static_cast<int>(std::count(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(at) + 1, '\n')) + 1;
        std::size_t pos = at + std::string_view("\nexecute '").size();
        const auto input = readSingleQuoted(all, pos);
        const std::size_t assertAt = all.find("\nassert_output_json_eq '", pos);
        if (!input || assertAt == std::string_view::npos)
            qFatal("%s: cannot read the case at line %d", qPrintable(fileName), c.line);
        pos = assertAt + std::string_view("\nassert_output_json_eq '").size();
        const auto json = readSingleQuoted(all, pos);
        QJsonParseError error {};
        const QJsonObject expected = QJsonDocument::fromJson(QByteArray::fromStdString(*json), &error).object();
        if (!json || error.error != QJsonParseError::NoError)
            qFatal("%s: expected output at line %d is not JSON", qPrintable(fileName), c.line);
        c.input = *input;
        if (expected.contains(u"f")) {
            c.expected.accepted = true;
            const QJsonObject f = expected.value(u"f").toObject();
            for (const char *name :
                {"DeviceVendor", "DeviceProduct", "DeviceVersion", "SignatureID", "Name", "Severity"})
                c.expected.header[name] = f.value(QLatin1String(name)).toString().toStdString();
            const QJsonObject extensions = f.value(u"Extensions").toObject();
            for (auto it = extensions.begin(); it != extensions.end(); ++it)
                c.expected.extensions[it.key().toStdString()] = it.value().toString().toStdString();
        } else if (!expected.contains(u"unparsed-data")) {
            qFatal("%s: expected output at line %d is neither a result nor a refusal", qPrintable(fileName), c.line);
        }
        cases.push_back(std::move(c));
        at = pos;
    }
    const auto executes = static_cast<std::size_t>(QByteArray::fromStdString(source).count("\nexecute '"));
    if (cases.size() != executes || cases.empty())
        qFatal("%s: read %zu cases of %zu", qPrintable(fileName), cases.size(), executes);
    return cases;
}

// ---- Logstash's CEF codec spec: the literals it decodes (Ruby source lines) ----

// What a literal's Ruby expression needs and the spec defines on other lines: the variables
// interpolated into it and the rest of an expression continued on the next line.
const std::map<std::string, std::string> kRubyVariables = {
    // context 'escaped-equals and unescaped-spaces in the extension values':
    // query_string = 'key1=value1&key2=value3 aa.bc&key3=value4', escaped with gsub('=','\\=')
    {"escaped_query_string", R"(key1\=value1&key2\=value3 aa.bc&key3\=value4)"},
    // the escape sequences of PR #98 (decode: escaped newlines and carriage returns)
    {"escaped_equals", R"(\=)"},
    {"escaped_newline", R"(\n)"},
    {"escaped_carriage_return", R"(\r)"},
    {"escaped_backslash", R"(\\)"},
};
// 'when a CEF header ends with a pair of properly-escaped backslashes': backslash = '\\'
const std::map<int, std::string> kRubyContinuations = {
    {614, R"(\\\\|10|src=10.0.0.192 dst=12.121.122.82 spt=1232)"},
};

struct RubyLiteral {
    int line = 0;
    std::string name;
    std::string value;
};

// A Ruby string literal at `pos`: '…' (only \\ and \' are escapes) or "…" (C escapes, #{var}).
std::optional<std::string> readRubyString(std::string_view source, std::size_t &pos) {
    const char quote = source[pos++];
    std::string out;
    while (pos < source.size()) {
        const char c = source[pos++];
        if (c == quote)
            return out;
        if (c == '\\' && pos < source.size()) {
            const char next = source[pos];
            if (quote == '\'') {
                if (next == '\\' || next == '\'') {
                    out += next;
                    ++pos;
                } else {
                    out += c;
                }
                continue;
            }
            ++pos;
            switch (next) {
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 's':
                out += ' ';
                break;
            case 'e':
                out += '\x1b';
                break;
            default:
                out += next; // "\|", "\"", "\\": the character itself
            }
            continue;
        }
        if (quote == '"' && c == '#' && pos < source.size() && source[pos] == '{') {
            const std::size_t close = source.find('}', pos);
            if (close == std::string_view::npos)
                return std::nullopt;
            const auto variable = kRubyVariables.find(std::string(source.substr(pos + 1, close - pos - 1)));
            if (variable == kRubyVariables.end())
                return std::nullopt;
            out += variable->second;
            pos = close + 1;
            continue;
        }
        out += c;
    }
    return std::nullopt;
}

std::string toShiftJis(const std::string &utf8) {
    iconv_t converter = iconv_open("SHIFT_JIS", "UTF-8");
    if (converter == reinterpret_cast<iconv_t>(-1))
        qFatal("iconv cannot convert UTF-8 to SHIFT_JIS");
    std::string in = utf8;
    std::string out(in.size() * 2, '\0');
    char *inPtr = in.data();
    char *outPtr = out.data();
    std::size_t inLeft = in.size();
    std::size_t outLeft = out.size();
    if (iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft) == static_cast<std::size_t>(-1))
        qFatal("iconv failed");
    iconv_close(converter);
    out.resize(out.size() - outLeft);
    return out;
}

// "NNN:      let (:name) { <string> [+ <string>…] [.encode('SHIFT_JIS')] }"
std::vector<RubyLiteral> readLogstashLiterals() {
    const std::string source = readFile(kLogstashLiterals);
    std::vector<RubyLiteral> literals;
    std::string_view rest = source;
    while (!rest.empty()) {
        const std::size_t newline = rest.find('\n');
        const std::string_view line = rest.substr(0, newline);
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
        if (line.empty())
            continue;
        RubyLiteral literal;
        const std::size_t colon = line.find(':');
        literal.line = std::stoi(std::string(line.substr(0, colon)));
        const std::size_t nameAt = line.find("(:");
        const std::size_t nameEnd = line.find(')', nameAt);
        const std::size_t brace = line.find('{', nameEnd);
        if (nameAt == std::string_view::npos || nameEnd == std::string_view::npos || brace == std::string_view::npos)
            qFatal("literal line %d: not a let", literal.line);
        literal.name = line.substr(nameAt + 2, nameEnd - nameAt - 2);
        std::size_t pos = brace + 1;
        bool shiftJis = false;
        for (;;) {
            while (pos < line.size() && line[pos] == ' ')
                ++pos;
            if (pos == line.size()) {
                const auto continuation = kRubyContinuations.find(literal.line);
                if (continuation == kRubyContinuations.end())
                    qFatal("literal line %d continues on a line the file does not hold", literal.line);
                literal.value += continuation->second;
                break;
            }
            const char c = line[pos];
            if (c == '\'' || c == '"') {
                const auto value = readRubyString(line, pos);
                if (!value)
                    qFatal("literal line %d: cannot read the string", literal.line);
                literal.value += *value;
            } else if (c == '+') {
                ++pos;
            } else if (line.substr(pos).starts_with(".encode('SHIFT_JIS')")) {
                shiftJis = true;
                pos += std::string_view(".encode('SHIFT_JIS')").size();
            } else if (c == '}') {
                break;
            } else {
                qFatal("literal line %d: unexpected '%c'", literal.line, c);
            }
        }
        if (shiftJis)
            literal.value = toShiftJis(literal.value);
        literals.push_back(std::move(literal));
    }
    return literals;
}

// What Logstash's spec expects of each literal (cef_spec.rb, `#decode`, ECS compatibility
// disabled), with its long field names written as the CEF keys the record holds.
Expected logstashExpectation(int line) {
    const std::map<std::string, std::string> validated = {{"Version", "0"}, {"DeviceVersion", "1.0"},
        {"SignatureID", "100"}, {"Name", "trojan successfully stopped"}, {"Severity", "10"}};
    const std::map<std::string, std::string> basicBody
        = {{"src", "10.0.0.192"}, {"dst", "12.121.122.82"}, {"spt", "1232"}};
    auto with = [](std::map<std::string, std::string> base, const std::map<std::string, std::string> &more) {
        for (const auto &[key, value] : more)
            base[key] = value;
        return base;
    };
    const std::map<std::string, std::string> adFields = {{"src", "10.0.0.192"}, {"dst", "12.121.122.82"},
        {"ad.field[0]", "field0"}, {"ad.Authentification", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"},
        {"ad.Error_,Code", "3221225578"}, {"additional.dotfieldName", "new_value"}};
    switch (line) {
    case 476: // should parse the cef headers / body
        return {true, with(validated, {{"DeviceVendor", "security"}, {"DeviceProduct", "threatmanager"}}), basicBody};
    case 489: // a second message through the same codec
        return {true, with(validated, {{"DeviceVendor", "fun"}, {"DeviceProduct", "whimsy"}}), basicBody};
    case 574: // extension that is not key=value: _cefparsefailure
        return {};
    case 614: // should include the backslashes unescaped
        return {true, {{"Name", "double backslash\\\\"}, {"Severity", "10"}}, {}};
    case 643: // missing CEF headers (multiple pipes in sequence)
        return {true, with(validated, {{"DeviceVendor", ""}, {"DeviceProduct", ""}}), {}};
    case 652: // should strip leading whitespace from the message
        return {true, validated, basicBody};
    case 659: // escaped pipes in the message
        return {true, {}, {{"moo", "this\\|has an escaped pipe"}}};
    case 666: // not escaped pipes in the message
        return {true, {}, {{"moo", "this|has an pipe"}}};
    case 674: // equal in the message
        return {true, {}, {{"moo", "this =has = equals="}}};
    case 689: // escaped sequences in extension values
        return {true, validated,
            {{"foo", "bar"},
                {"msg",
                    "this message has escaped equals = and escaped newlines \n escaped carriage returns \r and "
                    "escaped backslashes \\ in it"},
                {"bar", "baz"}}};
    case 781: // escaped-equals and unescaped-spaces in the extension values
        return {true, {},
            {{"go", "start now"}, {"query_string", "key1=value1&key2=value3 aa.bc&key3=value4"}, {"final", "done"}}};
    case 792: // escaped backslash in the headers
        return {true,
            {{"Version", "0"}, {"DeviceVendor", "secu\\rity"}, {"DeviceProduct", "threat\\manager"},
                {"DeviceVersion", "1.\\0"}, {"SignatureID", "10\\0"}, {"Name", "tro\\jan successfully stopped"},
                {"Severity", "\\10"}},
            {}};
    case 805: // escaped backslash in front of a pipe
        return {true, with(validated, {{"DeviceVendor", "security\\|"}, {"DeviceProduct", "threatmanager\\"}}), {}};
    case 814: // escaped pipes in the headers
        return {true,
            {{"Version", "0"}, {"DeviceVendor", "secu|rity"}, {"DeviceProduct", "threatmanager|"},
                {"DeviceVersion", "1.|0"}, {"SignatureID", "10|0"}, {"Name", "tro|jan successfully stopped"},
                {"Severity", "|10"}},
            {}};
    case 827: // backslashes in the message
        return {true, {}, {{"moo", "this \\has \\ backslashs\\"}}};
    case 834: // equal in the headers
        return {true, with(validated, {{"DeviceProduct", "threatmanager=equal"}}), {}};
    case 842: // one or more spaces between keys
        return {true, validated, basicBody};
    case 852: // dots in keys
        return {
            true, {}, {{"dvchost", "loghost"}, {"ad.nn", "TEST"}, {"src", "192.168.0.1"}, {"destinationPort", "53"}}};
    case 862: // one or more spaces in values
        return {true, validated, with(basicBody, {{"dproc", "InternetExplorer x.x.x.x"}})};
    case 873: // should keep ad.fields
        return {true, validated, with(adFields, {{"ad.name[1]", "new_name"}})};
    case 887: // should keep ad.fields (deeper dot notation)
        return {true, validated, with(adFields, {{"ad.foo.name[1]", "new_name"}})};
    case 901: // random values alongside additional fields
        return {true, validated,
            with(adFields,
                {{"ad.name[1]", "new_name"},
                    {"cs4",
                        "401 random.user Admin 0 23041A10181C0000  23041810181C0000  /CN=random.user/OU=User Login "
                        "End-Entity  /CN=TEST/OU=Login CA TEST 34"}})};
    case 916: // unmatched key mappings are preserved
        return {true, validated,
            {{"src", "10.0.0.192"}, {"dst", "12.121.122.82"}, {"new_key_by_device", "new_values here"}}};
    case 926: // abbreviated CEF field names
        return {true, validated,
            {{"src", "10.0.0.192"}, {"dst", "12.121.122.82"}, {"proto", "TCP"}, {"shost", "source.host.name"},
                {"dhost", "destination.host.name"}, {"spt", "11024"}, {"dpt", "9200"}, {"outcome", "Success"},
                {"amac", "00:80:48:1c:24:91"}}};
    case 974: // UTF-8 message: the higher-plane characters are kept
        return {true, validated, {{"target", "aaaaa\u3042\u3042\u3042\u3042aaaa"}, {"msg", "Description Omitted"}}};
    case 1001: // non-UTF-8 message: _cefparsefailure
        return {};
    case 1023: // legacy aliases: as provided
        return {true, {},
            {{"destinationLongitude", "-73.614830"}, {"destinationLatitude", "45.505918"},
                {"sourceLongitude", "45.4628328"}, {"sourceLatitude", "9.1076927"}}};
    default:
        qFatal("no expectation for the literal on line %d of the spec", line);
    }
}

void compareHeader(const CefMessage &message, const Expected &expected) {
    for (const auto &[name, value] : expected.header)
        QCOMPARE(text(headerValue(message, name)), text(value));
}

} // namespace

class TestCef : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // liblognorm's own tests, with its own parser's rules (CefOptions::strict).
    void liblognorm_data() {
        QTest::addColumn<int>("index");
        m_lognorm.clear();
        for (const char *file : {"field_cef.sh", "field_cef_jsoncnf.sh"}) {
            for (LognormCase &c : readLognormScript(QLatin1String(file)))
                m_lognorm.push_back(std::move(c));
        }
        for (std::size_t i = 0; i < m_lognorm.size(); ++i)
            QTest::addRow("%s:%d", qPrintable(m_lognorm[i].file), m_lognorm[i].line) << static_cast<int>(i);
    }
    void liblognorm() {
        QFETCH(int, index);
        const LognormCase &c = m_lognorm[static_cast<std::size_t>(index)];
        CefMessage message;
        const ParseOutcome outcome = parseCef(c.input, message, CefOptions {.strict = true});
        QCOMPARE(outcome.ok(), c.expected.accepted);
        if (!outcome.ok()) {
            QVERIFY(!outcome.failure.empty());
            return;
        }
        compareHeader(message, c.expected);
        std::map<std::string, std::string> extensions;
        for (const CefExtension &extension : message.extensions)
            QVERIFY(extensions.emplace(extension.key, extension.value).second);
        QCOMPARE(extensions.size(), c.expected.extensions.size());
        for (const auto &[key, value] : c.expected.extensions) {
            QVERIFY2(extensions.contains(key), key.c_str());
            QCOMPARE(text(extensions[key]), text(value));
        }
    }

    // field_cef_v1.sh is the same file for liblognorm's v1 rule engine, which differs from the
    // v2 engine (field_cef.sh) on one input: three spaces after the header. Those two expectations
    // cannot both hold; the parser follows the current engine. Every other case must match.
    void liblognormV1Engine() {
        const std::vector<LognormCase> v2 = readLognormScript(QStringLiteral("field_cef.sh"));
        const std::vector<LognormCase> v1 = readLognormScript(QStringLiteral("field_cef_v1.sh"));
        QCOMPARE(v1.size(), v2.size());
        int differing = 0;
        for (std::size_t i = 0; i < v1.size(); ++i) {
            QCOMPARE(v1[i].input, v2[i].input);
            CefMessage message;
            const bool accepted = parseCef(v1[i].input, message, CefOptions {.strict = true}).ok();
            if (v1[i].expected.accepted != v2[i].expected.accepted) {
                ++differing;
                QCOMPARE(text(v1[i].input), u"CEF:0|Vendor|Product|Version|Signature ID|some name|Severity|   "_s);
                QCOMPARE(accepted, v2[i].expected.accepted);
                continue;
            }
            QCOMPARE(accepted, v1[i].expected.accepted);
        }
        QCOMPARE(differing, 1);
    }

    // By default the parser reads what Logstash reads: every record liblognorm accepts gives the
    // same result; of those it refuses, three are accepted, with their backslash kept as written.
    void liblognormLenient() {
        const std::map<std::string, std::string> acceptedWhenLenient = {
            {"CEF:0|Vendor|Product|Version|Signature ID|some name|Severity| name=v\\alue", "name=v\\alue"},
            {"CEF:0|V\\endor|Product|Version|Signature ID|some name|Severity| name=value", "vendor=V\\endor"},
            {"CEF:1|Vendor|Product|Version|Signature ID|some name|Severity| aa=field1 bb=this is a \\= value cc=field "
             "3",
                "version=1"},
        };
        int lenientOnly = 0;
        for (const LognormCase &c : readLognormScript(QStringLiteral("field_cef.sh"))) {
            CefMessage message;
            const bool accepted = parseCef(c.input, message).ok();
            if (!c.expected.accepted) {
                const auto lenient = acceptedWhenLenient.find(c.input);
                QCOMPARE(accepted, lenient != acceptedWhenLenient.end());
                if (!accepted)
                    continue;
                ++lenientOnly;
                if (lenient->second == "name=v\\alue")
                    QCOMPARE(text(message.extension("name").value_or("")), u"v\\alue"_s);
                else if (lenient->second == "vendor=V\\endor")
                    QCOMPARE(text(message.deviceVendor), u"V\\endor"_s);
                else
                    QCOMPARE(message.version, 1);
                continue;
            }
            QVERIFY2(accepted, c.input.c_str());
            compareHeader(message, c.expected);
            QCOMPARE(message.extensions.size(), c.expected.extensions.size());
            for (const CefExtension &extension : message.extensions)
                QCOMPARE(text(extension.value), text(c.expected.extensions.at(std::string(extension.key))));
        }
        QCOMPARE(lenientOnly, 3);
    }

    void logstash_data() {
        QTest::addColumn<int>("index");
        m_literals = readLogstashLiterals();
        QCOMPARE(m_literals.size(), std::size_t {27});
        for (std::size_t i = 0; i < m_literals.size(); ++i)
            QTest::addRow("line %d %s", m_literals[i].line, m_literals[i].name.c_str()) << static_cast<int>(i);
    }
    void logstash() {
        QFETCH(int, index);
        const RubyLiteral &literal = m_literals[static_cast<std::size_t>(index)];
        const Expected expected = logstashExpectation(literal.line);
        CefMessage message;
        const ParseOutcome outcome = parseCef(literal.value, message);
        QVERIFY2(outcome.ok() == expected.accepted, outcome.ok() ? "accepted" : outcome.failure.data());
        if (!outcome)
            return;
        compareHeader(message, expected);
        for (const auto &[key, value] : expected.extensions) {
            const auto actual = message.extension(key);
            QVERIFY2(actual, key.c_str());
            QCOMPARE(text(*actual), text(value));
        }
    }

    // The parser's own rules, where neither suite says anything.
    void rules_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<bool>("strict");
        QTest::addColumn<QString>("failure"); // empty: accepted
        QTest::addColumn<QStringList>("extensions"); // key=value, in order

        QTest::addRow("no extension, no trailing pipe")
            << QByteArray("CEF:0|a|b|c|d|e|f") << false << QStringLiteral("CEF header has fewer than 7 fields")
            << QStringList {};
        QTest::addRow("empty extension") << QByteArray("CEF:0|a|b|c|d|e|f|") << false << QString() << QStringList {};
        QTest::addRow("trailing CR LF is not part of the last value")
            << QByteArray("CEF:0|a|b|c|d|e|5|src=1.2.3.4 msg=hello \r\n") << false << QString()
            << QStringList {QStringLiteral("src=1.2.3.4"), QStringLiteral("msg=hello")};
        QTest::addRow("tab separates pairs")
            << QByteArray("CEF:0|a|b|c|d|e|5|src=1.2.3.4\tdst=5.6.7.8") << false << QString()
            << QStringList {QStringLiteral("src=1.2.3.4"), QStringLiteral("dst=5.6.7.8")};
        QTest::addRow("empty value before the next key")
            << QByteArray("CEF:0|a|b|c|d|e|5|cs1= cs1Label=Foo Bar") << false << QString()
            << QStringList {QStringLiteral("cs1="), QStringLiteral("cs1Label=Foo Bar")};
        QTest::addRow("url with unescaped '=' (lenient)")
            << QByteArray("CEF:0|a|b|c|d|e|5|request=http://x/?a=b&c=d act=blocked") << false << QString()
            << QStringList {QStringLiteral("request=http://x/?a=b&c=d"), QStringLiteral("act=blocked")};
        QTest::addRow("url with unescaped '=' (strict)")
            << QByteArray("CEF:0|a|b|c|d|e|5|request=http://x/?a=b act=blocked") << true
            << QStringLiteral("unescaped '=' in CEF extension value") << QStringList {};
        QTest::addRow("escaped '=' does not end a key")
            << QByteArray("CEF:0|a|b|c|d|e|5|msg=x a\\=b c=d") << true << QString()
            << QStringList {QStringLiteral("msg=x a=b"), QStringLiteral("c=d")};
        QTest::addRow("a value ending in a lone backslash (lenient)")
            << QByteArray("CEF:0|a|b|c|d|e|5|filePath=C:\\\\Temp\\") << false << QString()
            << QStringList {QStringLiteral("filePath=C:\\Temp\\")};
        QTest::addRow("a value ending in a lone backslash (strict)")
            << QByteArray("CEF:0|a|b|c|d|e|5|filePath=C:\\\\Temp\\") << true
            << QStringLiteral("invalid escape in CEF extension (only \\= \\\\ \\n \\r)") << QStringList {};
        QTest::addRow("escaped pipe in the extension is not a CEF escape (strict)")
            << QByteArray("CEF:0|a|b|c|d|e|5|moo=a\\|b") << true
            << QStringLiteral("invalid escape in CEF extension (only \\= \\\\ \\n \\r)") << QStringList {};
        QTest::addRow("escaped CR") << QByteArray("CEF:0|a|b|c|d|e|5|msg=a\\rb") << false << QString()
                                    << QStringList {QStringLiteral("msg=a\rb")};
        QTest::addRow("version 2") << QByteArray("CEF:2|a|b|c|d|e|5|") << false
                                   << QStringLiteral("unsupported CEF version") << QStringList {};
        QTest::addRow("version not a number")
            << QByteArray("CEF:x|a|b|c|d|e|5|") << false << QStringLiteral("malformed CEF version") << QStringList {};
        QTest::addRow("lowercase prefix")
            << QByteArray("cef:0|a|b|c|d|e|5|") << false
            << QStringLiteral("not a CEF record (no \"CEF:\" at the start)") << QStringList {};
        QTest::addRow("syslog header in front")
            << QByteArray("<14>Jan  1 00:00:00 host CEF:0|a|b|c|d|e|5|") << false
            << QStringLiteral("not a CEF record (no \"CEF:\" at the start)") << QStringList {};
        QTest::addRow("invalid UTF-8") << QByteArray("CEF:0|a|b|c|d|e|5|msg=\xC3\x28") << false
                                       << QStringLiteral("CEF record is not valid UTF-8") << QStringList {};
        QTest::addRow("overlong UTF-8") << QByteArray("CEF:0|a|b|c|d|e|5|msg=\xC0\xAF") << false
                                        << QStringLiteral("CEF record is not valid UTF-8") << QStringList {};
        QTest::addRow("UTF-8 surrogate") << QByteArray("CEF:0|a|b|c|d|e|5|msg=\xED\xA0\x80") << false
                                         << QStringLiteral("CEF record is not valid UTF-8") << QStringList {};
        QTest::addRow("extension beginning with a bare word")
            << QByteArray("CEF:0|a|b|c|d|e|5|hello src=1.2.3.4") << false
            << QStringLiteral("CEF extension is not key=value") << QStringList {};
        QTest::addRow("a key that is only a dot (strict)")
            << QByteArray("CEF:0|a|b|c|d|e|5|.=x") << true << QString() << QStringList {QStringLiteral(".=x")};
        QTest::addRow("a key that is only a dot (lenient)")
            << QByteArray("CEF:0|a|b|c|d|e|5|.=x") << false << QStringLiteral("CEF extension is not key=value")
            << QStringList {};
    }
    void rules() {
        QFETCH(QByteArray, record);
        QFETCH(bool, strict);
        QFETCH(QString, failure);
        QFETCH(QStringList, extensions);
        CefMessage message;
        const ParseOutcome outcome
            = parseCef(std::string_view(record.constData(), static_cast<std::size_t>(record.size())), message,
                CefOptions {.strict = strict});
        QCOMPARE(text(outcome.failure), failure);
        if (!outcome)
            return;
        QStringList actual;
        for (const CefExtension &extension : message.extensions)
            actual << text(extension.key) + u'=' + text(extension.value);
        QCOMPARE(actual, extensions);
    }

    void limits() {
        // A record of exactly the limit is read; one byte more is refused before any work.
        std::string record = "CEF:0|a|b|c|d|e|5|msg=";
        record.append(CefMessage::kMaxRecordBytes - record.size(), 'x');
        CefMessage message;
        QVERIFY(parseCef(record, message).ok());
        QCOMPARE(message.extension("msg")->size(), CefMessage::kMaxRecordBytes - 22);
        record += 'x';
        QCOMPARE(text(parseCef(record, message).failure), u"CEF record too long (more than 64 KiB)"_s);

        // Pairs beyond kMaxExtensions are read (the record is well-formed) but not kept.
        std::string many = "CEF:0|a|b|c|d|e|5|";
        for (std::size_t i = 0; i < CefMessage::kMaxExtensions + 10; ++i)
            many += "k" + std::to_string(i) + "=v ";
        QVERIFY(parseCef(many, message).ok());
        QCOMPARE(message.extensions.size(), CefMessage::kMaxExtensions);
        QCOMPARE(message.extensionsOmitted, std::size_t {10});
        QCOMPARE(text(message.extensions.back().key), QStringLiteral("k%1").arg(CefMessage::kMaxExtensions - 1));
    }

    // One message for many records: values of the previous record never leak into the next.
    void reuse() {
        CefMessage message;
        QVERIFY(parseCef("CEF:0|a\\|b|p|v|s|n|5|msg=x\\=y src=1.1.1.1", message).ok());
        QCOMPARE(text(message.deviceVendor), u"a|b"_s);
        QVERIFY(!parseCef("CEF:0|short", message).ok());
        QVERIFY(parseCef("CEF:1|v|p|v|s|n|5|dst=2.2.2.2", message).ok());
        QCOMPARE(message.version, 1);
        QCOMPARE(text(message.deviceVendor), u"v"_s);
        QCOMPARE(message.extensions.size(), std::size_t {1});
        QVERIFY(!message.extension("src"));
        QCOMPARE(text(*message.extension("dst")), u"2.2.2.2"_s);
    }

private:
    std::vector<LognormCase> m_lognorm;
    std::vector<RubyLiteral> m_literals;
};

QTEST_GUILESS_MAIN(TestCef)
#include "tst_cef.moc"
