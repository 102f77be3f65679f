// SPDX-License-Identifier: Apache-2.0
#include "shared/core/jsonwriter.h"

#include <QJsonDocument>
#include <QTest>

#include <random>

using namespace vanopticon;

namespace {

// One byte as appendJsonString writes it when it stands alone (a lone byte of 0x80 or above is
// never valid UTF-8).
std::string escapedAlone(unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        break;
    }
    if (c < 0x20 || c == 0x7F)
        return std::string("\\u00") + kHex[c >> 4] + kHex[c & 0xF];
    if (c >= 0x80)
        return "\xEF\xBF\xBD";
    return std::string(1, char(c));
}

std::string written(std::string_view text) {
    std::string out;
    appendJsonString(out, text);
    return out;
}

} // namespace

class TestJsonWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void escapes_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::addRow("plain") << QByteArray("abc") << QByteArray("\"abc\"");
        QTest::addRow("quote and backslash") << QByteArray("a\"b\\c") << QByteArray("\"a\\\"b\\\\c\"");
        QTest::addRow("controls") << QByteArray("a\nb\tc\x01") << QByteArray("\"a\\nb\\tc\\u0001\"");
        QTest::addRow("utf8 kept") << QByteArray("Link\xc3\xb6ping") << QByteArray("\"Link\xc3\xb6ping\"");
        QTest::addRow("invalid byte") << QByteArray("a\xff"
                                                    "b")
                                      << QByteArray("\"a\xef\xbf\xbd"
                                                    "b\"");
        QTest::addRow("overlong") << QByteArray("\xc0\xaf") << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\"");
        QTest::addRow("surrogate") << QByteArray("\xed\xa0\x80")
                                   << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
        QTest::addRow("truncated") << QByteArray("\xe2\x82") << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\"");
    }
    void escapes() {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        std::string out;
        appendJsonString(out, std::string_view(input.constData(), static_cast<std::size_t>(input.size())));
        QCOMPARE(QByteArray::fromStdString(out), expected);
        // Whatever the input, the output is a valid JSON string.
        QJsonParseError error {};
        QJsonDocument::fromJson("[" + QByteArray::fromStdString(out) + "]", &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
    }

    // Runs of plain text are copied at once: every byte value, at every place in a run, is still
    // found and escaped.
    void everyByteAtEveryPlace() {
        for (int value = 0; value < 256; ++value) {
            const auto c = static_cast<unsigned char>(value);
            for (std::size_t place = 0; place < 24; ++place) {
                const std::string before(place, 'x');
                const std::string after(23 - place, 'y');
                const std::string expected = '"' + before + escapedAlone(c) + after + '"';
                const std::string actual = written(before + char(c) + after);
                if (actual != expected)
                    QFAIL(qPrintable(QStringLiteral("byte 0x%1 at %2").arg(value, 2, 16, QChar(u'0')).arg(place)));
            }
        }
    }

    // Random ASCII of every length up to 40, against escaping one byte at a time.
    void randomAsciiMatchesByteByByte() {
        std::mt19937 random(11);
        // Mostly printable, with quotes, backslashes, controls and DEL mixed in.
        const std::string alphabet = std::string("abcXYZ019 .:/-=[]{}") + "\"\\\n\t\x01\x1f\x7f";
        for (int round = 0; round < 20'000; ++round) {
            const std::size_t length = random() % 41;
            std::string text;
            std::string expected = "\"";
            for (std::size_t k = 0; k < length; ++k) {
                const char c = random() % 4 == 0 ? alphabet[random() % alphabet.size()] : char('a' + random() % 26);
                text += c;
                expected += escapedAlone(static_cast<unsigned char>(c));
            }
            expected += '"';
            QCOMPARE(written(text), expected);
        }
    }
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
