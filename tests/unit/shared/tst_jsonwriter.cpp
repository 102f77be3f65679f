// SPDX-License-Identifier: Apache-2.0
#include "shared/core/jsonwriter.h"

#include <QJsonDocument>
#include <QTest>

using namespace vanopticon;

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
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
