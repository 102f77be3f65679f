// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/jsonflattener.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTest>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <new>
#include <string>

using namespace vanopticon::sentinel;

// Counts heap allocations, so the test can hold the flattener to "nothing once warmed up".
namespace {
std::atomic<std::size_t> g_allocations {0};
}

void *operator new(std::size_t size) {
    ++g_allocations;
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

void *operator new[](std::size_t size) {
    ++g_allocations;
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

// simdjson allocates with the nothrow forms: replaced too, so that every form pairs with the
// deletes below (a sanitizer's own nothrow new would not) and is counted.
void *operator new(std::size_t size, const std::nothrow_t &) noexcept {
    ++g_allocations;
    return std::malloc(size == 0 ? 1 : size);
}

void *operator new[](std::size_t size, const std::nothrow_t &) noexcept {
    ++g_allocations;
    return std::malloc(size == 0 ? 1 : size);
}

void operator delete(void *p) noexcept {
    std::free(p);
}

void operator delete(void *p, const std::nothrow_t &) noexcept {
    std::free(p);
}

void operator delete[](void *p, const std::nothrow_t &) noexcept {
    std::free(p);
}

void operator delete(void *p, std::size_t) noexcept {
    std::free(p);
}

void operator delete[](void *p) noexcept {
    std::free(p);
}

void operator delete[](void *p, std::size_t) noexcept {
    std::free(p);
}

namespace {

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string_view view(const QByteArray &data) {
    return std::string_view(data.constData(), static_cast<std::size_t>(data.size()));
}

char kindLetter(JsonValueKind kind) {
    switch (kind) {
    case JsonValueKind::String:
        return 's';
    case JsonValueKind::Number:
        return 'n';
    case JsonValueKind::Bool:
        return 'b';
    case JsonValueKind::Null:
        return '0';
    case JsonValueKind::Array:
        return 'a';
    case JsonValueKind::Object:
        return 'o';
    }
    return '?';
}

// "s user.name=alice", "a tags=[…] first=a": one line per leaf, for readable comparisons.
QList<QByteArray> describe(const JsonFlattener &flattener) {
    QList<QByteArray> lines;
    for (const JsonField &leaf : flattener.fields()) {
        QByteArray line = QByteArray(1, kindLetter(leaf.kind)) + ' ' + bytes(leaf.name) + '=' + bytes(leaf.value);
        if (leaf.kind == JsonValueKind::Array)
            line += " first=" + bytes(leaf.first);
        lines.append(line);
    }
    return lines;
}

std::string nested(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i)
        text += "{\"k" + std::to_string(i) + "\":";
    text += "1";
    text.append(static_cast<std::size_t>(depth), '}');
    return text;
}

// The reference: Qt's own JSON parser, flattened the same way (last duplicate key wins).
void flattenWithQt(const QJsonValue &value, const QString &path, QMap<QString, QJsonValue> &out) {
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString key = it.key();
            const bool badKey
                = key.isEmpty() || std::any_of(key.begin(), key.end(), [](QChar c) { return c.unicode() < 0x20; });
            if (!badKey)
                flattenWithQt(it.value(), path.isEmpty() ? key : path + QLatin1Char('.') + key, out);
        }
        return;
    }
    out.insert(path, value);
}

bool sameNumber(std::string_view text, double expected) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && value == expected;
}

// Why a leaf differs from Qt's reading of it, or empty when it agrees.
QString disagreement(const JsonField &leaf, const QJsonValue &expected) {
    switch (leaf.kind) {
    case JsonValueKind::String:
        return expected.isString() && expected.toString().toUtf8() == bytes(leaf.value) ? QString()
                                                                                        : QStringLiteral("string");
    case JsonValueKind::Number:
        return expected.isDouble() && sameNumber(leaf.value, expected.toDouble()) ? QString()
                                                                                  : QStringLiteral("number");
    case JsonValueKind::Bool:
        return expected.isBool() && bytes(leaf.value) == (expected.toBool() ? "true" : "false")
            ? QString()
            : QStringLiteral("bool");
    case JsonValueKind::Null:
        return expected.isNull() ? QString() : QStringLiteral("null");
    case JsonValueKind::Array: {
        QJsonParseError error;
        const QJsonDocument mine = QJsonDocument::fromJson(bytes(leaf.value), &error);
        if (error.error != QJsonParseError::NoError || !mine.isArray() || !expected.isArray()
            || mine.array() != expected.toArray())
            return QStringLiteral("array text");
        const QJsonArray array = expected.toArray();
        const bool scalarHead
            = !array.isEmpty() && !array.first().isObject() && !array.first().isArray() && !array.first().isNull();
        if (!scalarHead)
            return leaf.first.empty() ? QString() : QStringLiteral("first of a non-scalar head");
        return disagreement(JsonField {leaf.name, leaf.first, {},
                                array.first().isString()     ? JsonValueKind::String
                                    : array.first().isBool() ? JsonValueKind::Bool
                                                             : JsonValueKind::Number},
            array.first());
    }
    case JsonValueKind::Object:
        return QStringLiteral("object kept as text");
    }
    return QStringLiteral("kind");
}

} // namespace

class TestJsonFlattener : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void flatten_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QList<QByteArray>>("leaves");

        QTest::addRow("scalars") << QByteArray(
            "{\"s\":\"text\",\"i\":42,\"neg\":-7,\"f\":1.5,\"t\":true,\"no\":false,\"z\":null}")
                                 << QList<QByteArray> {"s s=text", "n i=42", "n neg=-7", "n f=1.5", "b t=true",
                                        "b no=false", "0 z=null"};
        QTest::addRow("nested objects become dotted names")
            << QByteArray("{\"user\":{\"name\":\"alice\",\"id\":1000,\"group\":{\"name\":\"staff\"}},\"ok\":1}")
            << QList<QByteArray> {"s user.name=alice", "n user.id=1000", "s user.group.name=staff", "n ok=1"};
        QTest::addRow("dotted keys as written") << QByteArray("{\"user.name\":\"alice\",\"a\":{\"b.c\":\"x\"}}")
                                                << QList<QByteArray> {"s user.name=alice", "s a.b.c=x"};
        QTest::addRow("arrays as compact JSON, first element")
            << QByteArray(
                   "{\"tags\" : [ \"a\" , \"b\" ],\"n\":[3, 4.5],\"objs\":[{\"x\":1}],\"empty\":[],\"nulls\":[null,1]}")
            << QList<QByteArray> {"a tags=[\"a\",\"b\"] first=a", "a n=[3,4.5] first=3",
                   "a objs=[{\"x\":1}] first=", "a empty=[] first=", "a nulls=[null,1] first="};
        QTest::addRow("escapes in strings and arrays")
            << QByteArray(
                   "{\"q\":\"say \\\"hi\\\"\\n\\ttab \\u00e9 \\ud83d\\ude00 \\/\",\"arr\":[\"a\\\"b\\\\c\\u0001\"]}")
            << QList<QByteArray> {"s q=say \"hi\"\n\ttab \xc3\xa9 \xf0\x9f\x98\x80 /",
                   "a arr=[\"a\\\"b\\\\c\\u0001\"] first=a\"b\\c\x01"};
        QTest::addRow("numbers") << QByteArray("{\"u\":18446744073709551615,\"min\":-9223372036854775808,\"e\":1e3,"
                                               "\"tenth\":0.1,\"negzero\":-0.0,\"big\":1.5e300}")
                                 << QList<QByteArray> {"n u=18446744073709551615", "n min=-9223372036854775808",
                                        "n e=1000", "n tenth=0.1", "n negzero=-0", "n big=1.5e+300"};
        QTest::addRow("a NUL inside a string")
            << QByteArray("{\"a\":\"x\\u0000y\"}") << QList<QByteArray> {QByteArray("s a=x\0y", 7)};
        QTest::addRow("empty objects leave nothing")
            << QByteArray("{\"a\":{},\"b\":{\"c\":{}},\"d\":1}") << QList<QByteArray> {"n d=1"};
        QTest::addRow("empty record object") << QByteArray("{}") << QList<QByteArray> {};
        QTest::addRow("whitespace around, CR at the end")
            << QByteArray(" \t{\"a\" : 1 }\r") << QList<QByteArray> {"n a=1"};
        QTest::addRow("duplicate keys are both leaves")
            << QByteArray("{\"a\":1,\"a\":2}") << QList<QByteArray> {"n a=1", "n a=2"};
        QTest::addRow("empty and control-character keys are dropped")
            << QByteArray("{\"\":1,\"a\\u0001b\":2,\"x\":{\"\":3,\"y\":4},\"\\n\":{\"deep\":5},\"ok\":6}")
            << QList<QByteArray> {"n x.y=4", "n ok=6"};
        QTest::addRow("objects past the depth bound stay text")
            << QByteArray(nested(10).c_str()) << QList<QByteArray> {"o k0.k1.k2.k3.k4.k5.k6.k7={\"k8\":{\"k9\":1}}"};
        QTest::addRow("byte order mark") << QByteArray("\xEF\xBB\xBF{\"a\":1}") << QList<QByteArray> {"n a=1"};
        QTest::addRow("UTF-8 in keys and values")
            << QByteArray("{\"n\xc3\xa4me\":\"J\xc3\xbcrgen\"}") << QList<QByteArray> {"s n\xc3\xa4me=J\xc3\xbcrgen"};
    }
    void flatten() {
        QFETCH(QByteArray, record);
        QFETCH(QList<QByteArray>, leaves);
        JsonFlattener flattener;
        const ParseOutcome outcome = flattener.parse(view(record));
        QVERIFY2(outcome.ok(), std::string(outcome.failure).c_str());
        QCOMPARE(describe(flattener), leaves);
    }

    void droppedAndKeptAsText() {
        JsonFlattener flattener;
        QVERIFY(flattener.parse("{\"\":1,\"a\\u0001\":2,\"x\":{\"\":3},\"ok\":4}").ok());
        QCOMPARE(flattener.droppedFields(), std::size_t(3));
        QCOMPARE(flattener.objectsAsText(), std::size_t(0));
        QVERIFY(flattener.parse(nested(12)).ok());
        QCOMPARE(flattener.droppedFields(), std::size_t(0));
        QCOMPARE(flattener.objectsAsText(), std::size_t(1));
    }

    void refused_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QByteArray>("reason");
        QTest::addRow("empty") << QByteArray("") << QByteArray("empty record");
        QTest::addRow("blank") << QByteArray("  \t ") << QByteArray("empty record");
        QTest::addRow("array") << QByteArray("[1,2]") << QByteArray("not a JSON object");
        QTest::addRow("string") << QByteArray("\"text\"") << QByteArray("not a JSON object");
        QTest::addRow("number") << QByteArray("42") << QByteArray("not a JSON object");
        QTest::addRow("null") << QByteArray("null") << QByteArray("not a JSON object");
        QTest::addRow("plain text") << QByteArray("Nov 23 10:15:30 web1 sshd[1]: hello") << QByteArray("invalid JSON");
        QTest::addRow("unclosed object") << QByteArray("{\"a\":1") << QByteArray("invalid JSON");
        QTest::addRow("trailing content") << QByteArray("{\"a\":1} {\"b\":2}") << QByteArray("invalid JSON");
        QTest::addRow("trailing comma") << QByteArray("{\"a\":[1,2,]}") << QByteArray("invalid JSON");
        QTest::addRow("missing value") << QByteArray("{\"a\":}") << QByteArray("invalid JSON");
        QTest::addRow("single quotes") << QByteArray("{'a':1}") << QByteArray("invalid JSON");
        QTest::addRow("bad literal in an array") << QByteArray("{\"a\":[1,tru]}") << QByteArray("invalid literal");
        QTest::addRow("leading zero") << QByteArray("{\"a\":01}") << QByteArray("invalid or out-of-range number");
        QTest::addRow("integer past 64 bits")
            << QByteArray("{\"a\":123456789012345678901234567890}") << QByteArray("invalid or out-of-range number");
        QTest::addRow("number past double")
            << QByteArray("{\"a\":1e400}") << QByteArray("invalid or out-of-range number");
        QTest::addRow("lone surrogate") << QByteArray("{\"a\":\"\\ud800\"}") << QByteArray("invalid string");
        QTest::addRow("bad escape") << QByteArray("{\"a\":\"\\x41\"}") << QByteArray("invalid string");
        QTest::addRow("raw control character") << QByteArray("{\"a\":\"x\x01y\"}") << QByteArray("invalid string");
        QTest::addRow("unclosed string") << QByteArray("{\"a\":\"x") << QByteArray("invalid string");
        QTest::addRow("invalid UTF-8 byte") << QByteArray("{\"a\":\"\xff\"}") << QByteArray("invalid UTF-8");
        QTest::addRow("overlong UTF-8") << QByteArray("{\"a\":\"\xc0\xaf\"}") << QByteArray("invalid UTF-8");
        QTest::addRow("UTF-8 surrogate") << QByteArray("{\"a\":\"\xed\xa0\x80\"}") << QByteArray("invalid UTF-8");
        QTest::addRow("truncated UTF-8") << QByteArray("{\"a\":\"\xe2\x82\"}") << QByteArray("invalid UTF-8");
        QTest::addRow("invalid UTF-8 in a key") << QByteArray("{\"\xfe\":1}") << QByteArray("invalid UTF-8");
        QTest::addRow("NUL byte") << QByteArray("{\"a\":1}\0", 8) << QByteArray("invalid JSON");
        QTest::addRow("nested too deeply") << QByteArray(nested(100).c_str()) << QByteArray("nested too deeply");
    }
    void refused() {
        QFETCH(QByteArray, record);
        QFETCH(QByteArray, reason);
        JsonFlattener flattener;
        QVERIFY(flattener.parse("{\"earlier\":1}").ok());
        const ParseOutcome outcome = flattener.parse(view(record));
        QVERIFY(!outcome.ok());
        QCOMPARE(bytes(outcome.failure), reason);
        QVERIFY(flattener.fields().empty()); // nothing left over from the record before
    }

    void sizeBound() {
        JsonLimits limits;
        limits.maxRecordBytes = 100;
        JsonFlattener flattener(limits);
        const std::string fits = "{\"a\":\"" + std::string(100 - 8, 'x') + "\"}";
        QCOMPARE(fits.size(), std::size_t(100));
        QVERIFY(flattener.parse(fits).ok());
        const std::string tooLarge = "{\"a\":\"" + std::string(100 - 7, 'x') + "\"}";
        QCOMPARE(bytes(flattener.parse(tooLarge).failure), QByteArray("record exceeds the size limit"));
    }

    void fieldAndNameBounds() {
        JsonLimits limits;
        limits.maxFields = 5;
        limits.maxNameBytes = 10;
        JsonFlattener flattener(limits);
        std::string record = "{";
        for (int i = 0; i < 8; ++i)
            record += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        record += "\"abcdefghijk\":1,\"abcde\":{\"fghij\":2},\"abcd\":{\"efghi\":3}}";
        QVERIFY(flattener.parse(record).ok());
        QCOMPARE(describe(flattener), (QList<QByteArray> {"n k0=0", "n k1=1", "n k2=2", "n k3=3", "n k4=4"}));
        // k5…k7 over the count; the 11-byte names over the name bound; "abcd.efghi" over the count.
        QCOMPARE(flattener.droppedFields(), std::size_t(6));
    }

    // A record inside a larger buffer with padding to spare is read where it is; the bytes after
    // it (here: more JSON) must not be taken for part of it.
    void inPlaceAndCopied() {
        const std::string buffer = "{\"a\":1,\"b\":\"x\"},\"c\":3,\"d\":4}]" + std::string(80, '}');
        const std::string_view record = std::string_view(buffer).substr(0, 15);
        QCOMPARE(bytes(record), QByteArray("{\"a\":1,\"b\":\"x\"}"));
        JsonFlattener flattener;
        QVERIFY(flattener.parse(record, buffer.size()).ok());
        QCOMPARE(describe(flattener), (QList<QByteArray> {"n a=1", "s b=x"}));
        QVERIFY(flattener.parse(record, record.size()).ok());
        QCOMPARE(describe(flattener), (QList<QByteArray> {"n a=1", "s b=x"}));
        // Too little room: copied, same answer.
        QVERIFY(flattener.parse(record, record.size() + 10).ok());
        QCOMPARE(describe(flattener), (QList<QByteArray> {"n a=1", "s b=x"}));
    }

    void noAllocationsOnceWarm() {
        const std::string record
            = "{\"timestamp\":\"2024-01-15T10:15:30.123456+0000\",\"flow_id\":1234567,"
              "\"event_type\":\"alert\",\"src_ip\":\"203.0.113.9\",\"src_port\":52144,"
              "\"dest_ip\":\"192.0.2.10\",\"dest_port\":22,\"proto\":\"TCP\",\"tags\":[\"a\",\"b\"],"
              "\"alert\":{\"signature_id\":2001219,\"signature\":\"ET SCAN Potential SSH Scan\","
              "\"severity\":2,\"metadata\":{\"x\":[1,2,{\"y\":null}]}},\"ratio\":0.25}";
        JsonFlattener flattener;
        QVERIFY(flattener.parse(record).ok());
        const std::size_t before = g_allocations.load();
        for (int i = 0; i < 100; ++i)
            QVERIFY(flattener.parse(record).ok());
        QCOMPARE(g_allocations.load() - before, std::size_t(0));
        QCOMPARE(flattener.fields().size(), std::size_t(14));
    }

    // Every JSON text in the third-party material, read by simdjson through the flattener and by
    // Qt's parser: the two must agree on every leaf (JSON lines files: on every line).
    void agreesWithQtJson_data() {
        QTest::addColumn<QString>("path");
        QDirIterator files(QStringLiteral(VANOPTICON_TEST_DATA_DIR),
            {QStringLiteral("*.json"), QStringLiteral("*.jsonl")}, QDir::Files, QDirIterator::Subdirectories);
        int count = 0;
        while (files.hasNext()) {
            const QString path = files.next();
            QTest::newRow(qPrintable(path.mid(QStringLiteral(VANOPTICON_TEST_DATA_DIR).size() + 1))) << path;
            ++count;
        }
        QVERIFY2(count >= 150, "the third-party JSON material is missing");
    }
    void agreesWithQtJson() {
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        // JSON lines: one record a line. Other files hold one JSON text, or several one after another
        // (the Sigma regression events): split where Qt finds the next one beginning.
        QList<QByteArray> records;
        if (path.endsWith(QStringLiteral(".jsonl"))) {
            for (const QByteArray &line : content.split('\n')) {
                if (!line.isEmpty())
                    records.append(line);
            }
        } else {
            QByteArray rest = content;
            while (!rest.trimmed().isEmpty()) {
                QJsonParseError error;
                QJsonDocument::fromJson(rest, &error);
                const qsizetype end = error.error == QJsonParseError::GarbageAtEnd ? error.offset : rest.size();
                records.append(rest.left(end));
                rest = rest.mid(end);
            }
        }

        JsonLimits limits;
        limits.maxRecordBytes = std::size_t {64} * 1024 * 1024;
        limits.maxDepth = 60;
        limits.maxFields = std::size_t {1} << 20;
        limits.maxNameBytes = std::size_t {1} << 20;
        JsonFlattener flattener(limits);
        int objects = 0;
        for (const QByteArray &record : records) {
            QJsonParseError error;
            const QJsonDocument reference = QJsonDocument::fromJson(record, &error);
            QCOMPARE(error.error, QJsonParseError::NoError);
            const ParseOutcome outcome = flattener.parse(view(record));
            if (!reference.isObject()) {
                QCOMPARE(bytes(outcome.failure), QByteArray("not a JSON object"));
                continue;
            }
            QVERIFY2(outcome.ok(), std::string(outcome.failure).c_str());
            ++objects;
            QMap<QString, QJsonValue> expected;
            flattenWithQt(reference.object(), QString(), expected);
            QMap<QString, const JsonField *> mine;
            for (const JsonField &leaf : flattener.fields())
                mine.insert(QString::fromUtf8(bytes(leaf.name)), &leaf);
            QCOMPARE(mine.keys(), expected.keys());
            for (auto it = mine.begin(); it != mine.end(); ++it) {
                const QString why = disagreement(*it.value(), expected.value(it.key()));
                QVERIFY2(why.isEmpty(), qPrintable(it.key() + QStringLiteral(": ") + why));
            }
        }
        if (path.endsWith(QStringLiteral(".jsonl")))
            QCOMPARE(objects, records.size());
        QVERIFY(objects > 0 || path.contains(QStringLiteral("/maxmind/")));
    }
};

QTEST_GUILESS_MAIN(TestJsonFlattener)
#include "tst_jsonflattener.moc"
