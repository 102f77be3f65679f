// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/cidr.h"
#include "analysis/sigma/match/fieldvalue.h"
#include "analysis/sigma/match/regex.h"
#include "analysis/sigma/match/transforms.h"

#include <QElapsedTimer>
#include <QTest>

using namespace vanopticon::analysis::sigma;

namespace {

std::string bytes(const QByteArray &data) {
    return std::string(data.constData(), static_cast<std::size_t>(data.size()));
}

// Variants as text: wildcards as Sigma writes them (no literal in these tests has one).
QByteArrayList texts(const std::vector<GlobTokens> &variants) {
    QByteArrayList list;
    for (const GlobTokens &tokens : variants) {
        QByteArray text;
        for (const Glob::Token &token : tokens) {
            if (token.kind == Glob::Token::Kind::Literal)
                text += QByteArray::fromStdString(token.literal);
            else
                text += token.kind == Glob::Token::Kind::AnyRun ? '*' : '?';
        }
        list << text;
    }
    return list;
}

const QByteArray kEnDash = "\xE2\x80\x93";
const QByteArray kEmDash = "\xE2\x80\x94";
const QByteArray kBar = "\xE2\x80\x95";

} // namespace

class TestSigmaModifiers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void windash_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArrayList>("expected");
        QTest::addRow("one flag") << QByteArray(" -ma ")
                                  << QByteArrayList {" -ma ", " /ma ", " " + kEnDash + "ma ", " " + kEmDash + "ma ",
                                         " " + kBar + "ma "};
        QTest::addRow("slash written") << QByteArray("/c")
                                       << QByteArrayList {"/c", "-c", kEnDash + "c", kEmDash + "c", kBar + "c"};
        QTest::addRow("wildcards pass through") << QByteArray(
            "*-s*") << QByteArrayList {"*-s*", "*/s*", "*" + kEnDash + "s*", "*" + kEmDash + "s*", "*" + kBar + "s*"};
        QTest::addRow("dash inside a word") << QByteArray("Add-MpPreference") << QByteArrayList {"Add-MpPreference"};
        QTest::addRow("dash before a space") << QByteArray("a - b") << QByteArrayList {"a - b"};
        QTest::addRow("dash at the end") << QByteArray("x -") << QByteArrayList {"x -"};
        QTest::addRow("double dash: the second begins the word")
            << QByteArray("--foo")
            << QByteArrayList {"--foo", "-/foo", "-" + kEnDash + "foo", "-" + kEmDash + "foo", "-" + kBar + "foo"};
        QTest::addRow("no dash") << QByteArray("whoami") << QByteArrayList {"whoami"};
    }
    void windash() {
        QFETCH(QByteArray, value);
        QFETCH(QByteArrayList, expected);
        const auto variants = windashVariants(Glob::fromSigma(bytes(value), false).tokens());
        QVERIFY(variants.ok());
        QCOMPARE(texts(*variants), expected);
    }

    void windashPermutations() {
        // pySigma's example: both flags vary, the dash inside "param-1" does not.
        const auto variants = windashVariants(Glob::fromSigma("-param-1 -param2", false).tokens());
        QVERIFY(variants.ok());
        const QByteArrayList list = texts(*variants);
        QCOMPARE(list.size(), 25);
        QCOMPARE(list.front(), QByteArray("-param-1 -param2"));
        QVERIFY(list.contains("/param-1 /param2"));
        QVERIFY(list.contains("/param-1 -param2"));
        QVERIFY(list.contains(kEmDash + "param-1 " + kBar + "param2"));
        QVERIFY(!list.contains("-param/1 -param2"));
        QCOMPARE(QSet<QByteArray>(list.begin(), list.end()).size(), 25);

        // Five flags: 3125 variants, allowed; six would be 15625: refused.
        QVERIFY(windashVariants(Glob::fromSigma("-a -b -c -d -e", false).tokens()).ok());
        const auto refused = windashVariants(Glob::fromSigma("-a -b -c -d -e -f", false).tokens());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.find("more than 4096") != std::string::npos, refused.error().message.c_str());
    }

    void base64_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::addRow("pySigma's example") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
        QTest::addRow("one byte padded") << QByteArray("a") << QByteArray("YQ==");
        QTest::addRow("two bytes padded") << QByteArray("ab") << QByteArray("YWI=");
        QTest::addRow("empty") << QByteArray("") << QByteArray("");
        QTest::addRow("binary") << QByteArray("\xFF\xFE\x00", 3) << QByteArray("//4A");
        QTest::addRow("rule value") << QByteArray("spinstall0.aspx") << QByteArray("c3BpbnN0YWxsMC5hc3B4");
    }
    void base64() {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, expected);
        QCOMPARE(QByteArray::fromStdString(base64Encode(bytes(value))), expected);
        QCOMPARE(QByteArray::fromStdString(base64Encode(bytes(value))), value.toBase64());
    }

    void base64offset_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArrayList>("expected");
        // Expected values computed with pySigma's algorithm in Python (b64encode with 0–2 spaces
        // prepended, cut by (0, 2, 3) and (None, -3, -2)[(len + i) % 3]).
        QTest::addRow("/c powershell") << QByteArray("/c powershell")
                                       << QByteArrayList {"L2MgcG93ZXJzaGVsb", "9jIHBvd2Vyc2hlbG", "vYyBwb3dlcnNoZWxs"};
        QTest::addRow("pySigma's example") << QByteArray("foobar") << QByteArrayList {"Zm9vYmFy", "Zvb2Jhc", "mb29iYX"};
        QTest::addRow("::FromBase64String")
            << QByteArray("::FromBase64String")
            << QByteArrayList {"OjpGcm9tQmFzZTY0U3RyaW5n", "o6RnJvbUJhc2U2NFN0cmluZ", "6OkZyb21CYXNlNjRTdHJpbm"};
        QTest::addRow("Add-MpPreference")
            << QByteArray("Add-MpPreference ")
            << QByteArrayList {"QWRkLU1wUHJlZmVyZW5jZS", "FkZC1NcFByZWZlcmVuY2Ug", "BZGQtTXBQcmVmZXJlbmNlI"};
        QTest::addRow("UTF-16LE text") << QByteArray("s\0p\0i\0n\0s\0t\0a\0l\0l\0"
                                                     "0\0.\0a\0s\0p\0x\0",
            30)
                                       << QByteArrayList {"cwBwAGkAbgBzAHQAYQBsAGwAMAAuAGEAcwBwAHgA",
                                              "MAcABpAG4AcwB0AGEAbABsADAALgBhAHMAcAB4A",
                                              "zAHAAaQBuAHMAdABhAGwAbAAwAC4AYQBzAHAAeA"};
    }
    void base64offset() {
        QFETCH(QByteArray, value);
        QFETCH(QByteArrayList, expected);
        const auto variants = base64OffsetEncode(bytes(value));
        QByteArrayList actual;
        for (const std::string &variant : variants)
            actual << QByteArray::fromStdString(variant);
        QCOMPARE(actual, expected);
        // Each variant really is inside the encoding of the value at its offset, after any prefix.
        for (int offset = 0; offset < 3; ++offset) {
            const QByteArray encoded = QByteArray(QByteArray("xyz").left(offset) + value + "tail").toBase64();
            QVERIFY2(encoded.contains(expected[offset]), encoded.constData());
        }
    }

    void utf16_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("form");
        QTest::addColumn<QByteArray>("expectedHex");
        const int le = int(Utf16Form::LittleEndian), be = int(Utf16Form::BigEndian);
        const int bom = int(Utf16Form::LittleEndianWithBom);
        QTest::addRow("utf16le cmd") << QByteArray("cmd") << le << QByteArray("63006d006400");
        QTest::addRow("utf16be cmd") << QByteArray("cmd") << be << QByteArray("0063006d0064");
        QTest::addRow("utf16 cmd") << QByteArray("cmd") << bom << QByteArray("fffe63006d006400");
        QTest::addRow("two-byte character") << QByteArray("\xC3\xA9") << le << QByteArray("e900");
        QTest::addRow("three-byte character") << QByteArray("\xE2\x82\xAC") << be << QByteArray("20ac");
        QTest::addRow("surrogate pair") << QByteArray("\xF0\x9F\x98\x80") << le << QByteArray("3dd800de");
        QTest::addRow("empty with BOM") << QByteArray("") << bom << QByteArray("fffe");
    }
    void utf16() {
        QFETCH(QByteArray, value);
        QFETCH(int, form);
        QFETCH(QByteArray, expectedHex);
        const auto encoded = utf16Encode(bytes(value), Utf16Form(form));
        QVERIFY(encoded.ok());
        QCOMPARE(QByteArray::fromStdString(*encoded).toHex(), expectedHex);
    }

    void utf16Refusals() {
        const auto invalid = utf16Encode("a\xFF"
                                         "b",
            Utf16Form::LittleEndian);
        QVERIFY(!invalid.ok());
        QVERIFY2(invalid.error().message.find("not valid UTF-8") != std::string::npos, invalid.error().message.c_str());
        QVERIFY(!utf16Encode("\xC0\xAF", Utf16Form::LittleEndian).ok()); // overlong '/'
        QVERIFY(!utf16Encode("\xED\xA0\x80", Utf16Form::LittleEndian).ok()); // a surrogate

        // On tokens: `*` stays a wildcard, the BOM comes once at the start, `?` is refused.
        const auto tokens = utf16EncodeTokens(Glob::fromSigma("*ab*", false).tokens(), Utf16Form::LittleEndianWithBom);
        QVERIFY(tokens.ok());
        QCOMPARE(tokens->size(), std::size_t(4));
        QCOMPARE(QByteArray::fromStdString(tokens->at(0).literal).toHex(), QByteArray("fffe"));
        QVERIFY(tokens->at(1).kind == Glob::Token::Kind::AnyRun);
        QCOMPARE(QByteArray::fromStdString(tokens->at(2).literal).toHex(), QByteArray("61006200"));
        QVERIFY(tokens->at(3).kind == Glob::Token::Kind::AnyRun);
        QVERIFY(!utf16EncodeTokens(Glob::fromSigma("a?b", false).tokens(), Utf16Form::LittleEndian).ok());
    }

    void expand() {
        const PlaceholderValues placeholders {
            {"Servers", {"srv*", "dc1"}},
            {"Domains", {"corp", "lab"}},
        };
        std::vector<std::string> unresolved;
        auto run = [&](const char *value) {
            const auto variants
                = expandPlaceholders(Glob::fromSigma(value, false).tokens(), &placeholders, &unresolved);
            return variants.ok()
                ? texts(*variants)
                : QByteArrayList {QByteArray("error: " + QByteArray::fromStdString(variants.error().message))};
        };
        QCOMPARE(run("%Servers%"), (QByteArrayList {"srv*", "dc1"}));
        QCOMPARE(run("*/%Servers%"), (QByteArrayList {"*/srv*", "*/dc1"}));
        QCOMPARE(run("*\\%Servers%"), (QByteArrayList {"*%Servers%"})); // a backslash escapes the percent sign
        QCOMPARE(run("%Servers%.%Domains%"), (QByteArrayList {"srv*.corp", "srv*.lab", "dc1.corp", "dc1.lab"}));
        // The specification's example: `\%` is a plain percent sign, the rest a placeholder.
        QCOMPARE(run("\\%plain%Servers%"), (QByteArrayList {"%plainsrv*", "%plaindc1"}));
        QCOMPARE(run("100% sure"), (QByteArrayList {"100% sure"}));
        QCOMPARE(run("%%Domains%"), (QByteArrayList {"%corp", "%lab"}));
        QVERIFY(unresolved.empty());

        // Not configured: no variants at all, and the name is reported once.
        QCOMPARE(run("%Admins%"), QByteArrayList {});
        QCOMPARE(run("x%Admins%y"), QByteArrayList {});
        QCOMPARE(unresolved, std::vector<std::string> {"Admins"});
        const auto none = expandPlaceholders(Glob::fromSigma("%Servers%", false).tokens(), nullptr, &unresolved);
        QVERIFY(none.ok());
        QVERIFY(none->empty());
        QCOMPARE(unresolved, (std::vector<std::string> {"Admins", "Servers"}));
    }

    void regex_data() {
        QTest::addColumn<QByteArray>("pattern");
        QTest::addColumn<QString>("flags");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("expected");
        QTest::addRow("anywhere") << QByteArray("\\-enc\\s") << QString() << QByteArray("powershell -enc AAA") << true;
        QTest::addRow("case-sensitive by default")
            << QByteArray("\\-enc\\s") << QString() << QByteArray("powershell -ENC AAA") << false;
        QTest::addRow("i") << QByteArray("\\-enc\\s") << QStringLiteral("i") << QByteArray("powershell -ENC AAA")
                           << true;
        QTest::addRow("anchored") << QByteArray("^cmd") << QString() << QByteArray("xcmd") << false;
        QTest::addRow("line anchor without m")
            << QByteArray("^two$") << QString() << QByteArray("one\ntwo\nthree") << false;
        QTest::addRow("m") << QByteArray("^two$") << QStringLiteral("m") << QByteArray("one\ntwo\nthree") << true;
        QTest::addRow("dot without s") << QByteArray("a.b") << QString() << QByteArray("a\nb") << false;
        QTest::addRow("s") << QByteArray("a.b") << QStringLiteral("s") << QByteArray("a\nb") << true;
        QTest::addRow("bytes, not UTF-8") << QByteArray("a\\xffb") << QString()
                                          << QByteArray("a\xFF"
                                                        "b")
                                          << true;
        QTest::addRow("dot is one byte") << QByteArray("^a.b$") << QString()
                                         << QByteArray("a\xC3\xA9"
                                                       "b")
                                         << false;
        QTest::addRow("invalid UTF-8 value") << QByteArray("b$") << QString()
                                             << QByteArray("\xC3(\xFF"
                                                           "b")
                                             << true;
        QTest::addRow("empty value") << QByteArray("^$") << QString() << QByteArray("") << true;
        QTest::addRow("alternation") << QByteArray("(foo|bar)\\.exe") << QString() << QByteArray("c:\\bar.exe") << true;
    }
    void regex() {
        QFETCH(QByteArray, pattern);
        QFETCH(QString, flags);
        QFETCH(QByteArray, value);
        QFETCH(bool, expected);
        const Regex::Flags f {flags.contains(u'i'), flags.contains(u'm'), flags.contains(u's')};
        const auto regex = Regex::compile(bytes(pattern), f);
        QVERIFY2(regex.ok(), regex.ok() ? "" : regex.error().message.c_str());
        QCOMPARE(regex->matches(bytes(value)), expected);
        QCOMPARE(regex->pattern(), bytes(pattern));
        QVERIFY(regex->flags() == f);
        const Regex copy = *regex; // shares the compiled code
        QCOMPARE(copy.matches(bytes(value)), expected);
    }

    void regexErrors() {
        const auto unbalanced = Regex::compile("ab(c", {});
        QVERIFY(!unbalanced.ok());
        QVERIFY2(
            unbalanced.error().message.find("at offset 4") != std::string::npos, unbalanced.error().message.c_str());
        QVERIFY2(unbalanced.error().message.find("missing closing parenthesis") != std::string::npos,
            unbalanced.error().message.c_str());
        const auto utf = Regex::compile("(*UTF)a", {});
        QVERIFY(!utf.ok());
    }

    void regexMatchLimit() {
        // Catastrophic backtracking: exponential without a limit; with it, given up quickly,
        // answered "no match" and counted.
        const auto regex = Regex::compile("^(a+)+$", {});
        QVERIFY(regex.ok());
        const std::string hostile = std::string(4096, 'a') + "!";
        const std::uint64_t before = Regex::abandonedMatches();
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!regex->matches(hostile));
        QVERIFY2(timer.elapsed() < 5000, QByteArray::number(timer.elapsed()).constData());
        QCOMPARE(Regex::abandonedMatches(), before + 1);
        QVERIFY(regex->matches(std::string(4096, 'a')));
        QCOMPARE(Regex::abandonedMatches(), before + 1);
    }

    void cidrParse_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("canonical"); // empty: refused
        QTest::addColumn<QByteArray>("reason");
        QTest::addRow("v4") << QByteArray("10.0.0.0/8") << QByteArray("10.0.0.0/8") << QByteArray();
        QTest::addRow("v4 host") << QByteArray("13.107.6.171/32") << QByteArray("13.107.6.171/32") << QByteArray();
        QTest::addRow("v4 bare address") << QByteArray("192.0.2.1") << QByteArray("192.0.2.1/32") << QByteArray();
        QTest::addRow("v4 everything") << QByteArray("0.0.0.0/0") << QByteArray("0.0.0.0/0") << QByteArray();
        QTest::addRow("v6") << QByteArray("2603:1006:1400::/40") << QByteArray("2603:1006:1400::/40") << QByteArray();
        QTest::addRow("v6 loopback") << QByteArray("::1/128") << QByteArray("::1/128") << QByteArray();
        QTest::addRow("v6 bare") << QByteArray("fe80::1") << QByteArray("fe80::1/128") << QByteArray();
        QTest::addRow("host bits set") << QByteArray("192.168.1.1/24") << QByteArray() << QByteArray("host bits");
        QTest::addRow("v6 host bits set") << QByteArray("fe80::1/10") << QByteArray() << QByteArray("host bits");
        QTest::addRow("prefix too long") << QByteArray("10.0.0.0/33") << QByteArray() << QByteArray("more than 32");
        QTest::addRow("v6 prefix too long") << QByteArray("::/129") << QByteArray() << QByteArray("more than 128");
        QTest::addRow("prefix not a number") << QByteArray("10.0.0.0/x") << QByteArray() << QByteArray("not a number");
        QTest::addRow("empty prefix") << QByteArray("10.0.0.0/") << QByteArray() << QByteArray("not a number");
        QTest::addRow("not an address") << QByteArray("10.0.0/8") << QByteArray() << QByteArray("not an IPv4");
        QTest::addRow("wildcard form") << QByteArray("10.*") << QByteArray() << QByteArray("not an IPv4");
        QTest::addRow("empty") << QByteArray("") << QByteArray() << QByteArray("not an IPv4");
    }
    void cidrParse() {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, canonical);
        QFETCH(QByteArray, reason);
        const auto cidr = Cidr::parse(bytes(text));
        if (canonical.isEmpty()) {
            QVERIFY(!cidr.ok());
            QVERIFY2(cidr.error().message.find(bytes(reason)) != std::string::npos, cidr.error().message.c_str());
            return;
        }
        QVERIFY2(cidr.ok(), cidr.ok() ? "" : cidr.error().message.c_str());
        QCOMPARE(QByteArray::fromStdString(cidr->toString()), canonical);
        QVERIFY(*Cidr::parse(cidr->toString()) == *cidr);
    }

    void cidrContains_data() {
        QTest::addColumn<QByteArray>("network");
        QTest::addColumn<QByteArray>("address");
        QTest::addColumn<bool>("expected");
        QTest::addRow("v4 inside") << QByteArray("10.0.0.0/8") << QByteArray("10.200.3.4") << true;
        QTest::addRow("v4 outside") << QByteArray("10.0.0.0/8") << QByteArray("11.0.0.1") << false;
        QTest::addRow("v4 odd prefix inside") << QByteArray("172.16.0.0/12") << QByteArray("172.31.255.255") << true;
        QTest::addRow("v4 odd prefix outside") << QByteArray("172.16.0.0/12") << QByteArray("172.32.0.0") << false;
        QTest::addRow("v4 /31") << QByteArray("13.107.18.10/31") << QByteArray("13.107.18.11") << true;
        QTest::addRow("v4 /32 other") << QByteArray("13.107.6.171/32") << QByteArray("13.107.6.170") << false;
        QTest::addRow("v4 /0") << QByteArray("0.0.0.0/0") << QByteArray("203.0.113.9") << true;
        QTest::addRow("v4-mapped v6 address in v4 network")
            << QByteArray("10.0.0.0/8") << QByteArray("::ffff:10.1.2.3") << true;
        QTest::addRow("v4-mapped outside") << QByteArray("10.0.0.0/8") << QByteArray("::ffff:11.1.2.3") << false;
        QTest::addRow("v6 address in v4 network") << QByteArray("10.0.0.0/8") << QByteArray("::a01:203") << false;
        QTest::addRow("v6 inside") << QByteArray("fe80::/10") << QByteArray("fe80::1c2d:3e4f") << true;
        QTest::addRow("v6 odd prefix inside") << QByteArray("fe80::/10") << QByteArray("febf::1") << true;
        QTest::addRow("v6 odd prefix outside") << QByteArray("fe80::/10") << QByteArray("fec0::1") << false;
        QTest::addRow("v6 private") << QByteArray("fc00::/7") << QByteArray("fd12:3456::1") << true;
        QTest::addRow("v6 with zone") << QByteArray("fe80::/10") << QByteArray("fe80::1%eth0") << true;
        QTest::addRow("v6 uppercase") << QByteArray("2a01:111:f400::/48") << QByteArray("2A01:111:F400::25") << true;
        QTest::addRow("v4 address in mapped v6 network")
            << QByteArray("::ffff:0:0/96") << QByteArray("192.0.2.1") << true;
        QTest::addRow("v4 address in other v6 network") << QByteArray("fe80::/10") << QByteArray("192.0.2.1") << false;
        QTest::addRow("not an address") << QByteArray("10.0.0.0/8") << QByteArray("10.example") << false;
        QTest::addRow("address with prefix") << QByteArray("10.0.0.0/8") << QByteArray("10.0.0.1/8") << false;
        QTest::addRow("address with spaces") << QByteArray("10.0.0.0/8") << QByteArray(" 10.0.0.1") << false;
        QTest::addRow("empty") << QByteArray("10.0.0.0/8") << QByteArray("") << false;
        QTest::addRow("very long") << QByteArray("::/0") << QByteArray(200, ':') << false;
    }
    void cidrContains() {
        QFETCH(QByteArray, network);
        QFETCH(QByteArray, address);
        QFETCH(bool, expected);
        const auto cidr = Cidr::parse(bytes(network));
        QVERIFY(cidr.ok());
        QCOMPARE(cidr->contains(bytes(address)), expected);
    }

    void readNumber_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("isNumber");
        QTest::addColumn<double>("expected");
        QTest::addRow("integer") << QByteArray("4688") << true << 4688.0;
        QTest::addRow("negative") << QByteArray("-5") << true << -5.0;
        QTest::addRow("hexadecimal") << QByteArray("0x1F") << true << 31.0;
        QTest::addRow("hexadecimal status") << QByteArray("0xc000006d") << true << 3221225581.0;
        QTest::addRow("fraction") << QByteArray("2.5") << true << 2.5;
        QTest::addRow("exponent") << QByteArray("1e3") << true << 1000.0;
        QTest::addRow("spaces") << QByteArray(" 7 ") << true << 7.0;
        QTest::addRow("beyond int64") << QByteArray("18446744073709551616") << true << 18446744073709551616.0;
        QTest::addRow("text") << QByteArray("abc") << false << 0.0;
        QTest::addRow("number then text") << QByteArray("12abc") << false << 0.0;
        QTest::addRow("empty") << QByteArray("") << false << 0.0;
        QTest::addRow("infinity") << QByteArray("inf") << false << 0.0;
        QTest::addRow("not a number") << QByteArray("nan") << false << 0.0;
        QTest::addRow("bare hex prefix") << QByteArray("0x") << false << 0.0;
    }
    void readNumber() {
        QFETCH(QByteArray, text);
        QFETCH(bool, isNumber);
        QFETCH(double, expected);
        const auto number = vanopticon::analysis::sigma::readNumber(bytes(text));
        QCOMPARE(number.has_value(), isNumber);
        if (isNumber)
            QCOMPARE(*number, expected);
    }

    void readTimePart_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("part");
        QTest::addColumn<int>("expected"); // -1: no value
        const QByteArray space = "2026-04-17 05:24:53.079";
        const QByteArray iso = "2026-04-17T05:24:53.092051Z";
        QTest::addRow("minute") << space << int(TimePart::Minute) << 24;
        QTest::addRow("hour") << space << int(TimePart::Hour) << 5;
        QTest::addRow("day") << space << int(TimePart::Day) << 17;
        QTest::addRow("week") << space << int(TimePart::Week) << 16;
        QTest::addRow("month") << space << int(TimePart::Month) << 4;
        QTest::addRow("year") << space << int(TimePart::Year) << 2026;
        QTest::addRow("ISO minute") << iso << int(TimePart::Minute) << 24;
        QTest::addRow("ISO hour") << iso << int(TimePart::Hour) << 5;
        QTest::addRow("ISO week") << iso << int(TimePart::Week) << 16;
        QTest::addRow("zone offset ignored") << QByteArray("2026-04-17T23:10:00+02:00") << int(TimePart::Hour) << 23;
        QTest::addRow("no seconds") << QByteArray("2026-04-17 23:10") << int(TimePart::Minute) << 10;
        QTest::addRow("date only day") << QByteArray("2026-04-17") << int(TimePart::Day) << 17;
        QTest::addRow("date only has no hour") << QByteArray("2026-04-17") << int(TimePart::Hour) << -1;
        QTest::addRow("slashes") << QByteArray("2026/04/17") << int(TimePart::Month) << 4;
        // ISO weeks at the year's edges.
        QTest::addRow("week 53 of the previous year") << QByteArray("2021-01-01") << int(TimePart::Week) << 53;
        QTest::addRow("week 1 of the next year") << QByteArray("2024-12-30") << int(TimePart::Week) << 1;
        QTest::addRow("Thursday 1 January") << QByteArray("2026-01-01") << int(TimePart::Week) << 1;
        QTest::addRow("Sunday in week 53") << QByteArray("2027-01-03") << int(TimePart::Week) << 53;
        QTest::addRow("Monday of week 53") << QByteArray("2026-12-28") << int(TimePart::Week) << 53;
        QTest::addRow("leap day") << QByteArray("2024-02-29 12:00:00") << int(TimePart::Day) << 29;
        QTest::addRow("no such day") << QByteArray("2026-02-30") << int(TimePart::Day) << -1;
        QTest::addRow("no such month") << QByteArray("2026-13-01") << int(TimePart::Month) << -1;
        QTest::addRow("no such hour") << QByteArray("2026-04-17 24:00:00") << int(TimePart::Hour) << -1;
        QTest::addRow("mixed separators") << QByteArray("2026-04/17") << int(TimePart::Day) << -1;
        QTest::addRow("bad separator after date") << QByteArray("2026-04-17X05:24") << int(TimePart::Hour) << -1;
        QTest::addRow("epoch seconds") << QByteArray("1776403493") << int(TimePart::Year) << -1;
        QTest::addRow("text") << QByteArray("yesterday") << int(TimePart::Day) << -1;
        QTest::addRow("empty") << QByteArray("") << int(TimePart::Year) << -1;
    }
    void readTimePart() {
        QFETCH(QByteArray, text);
        QFETCH(int, part);
        QFETCH(int, expected);
        const auto value = vanopticon::analysis::sigma::readTimePart(bytes(text), TimePart(part));
        QCOMPARE(value.value_or(-1), expected);
    }
};

QTEST_GUILESS_MAIN(TestSigmaModifiers)
#include "tst_sigmamodifiers.moc"
