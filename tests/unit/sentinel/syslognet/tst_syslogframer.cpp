// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslogframer.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <random>
#include <string>
#include <vector>

using namespace vanopticon::sentinel;

Q_DECLARE_METATYPE(std::vector<std::string>)

namespace {

using Messages = std::vector<std::string>;

// Real messages: go-syslog's valid RFC 5424 inputs (some with LF inside, some with trailing
// spaces), and RFC 3164 lines as Linux writes them.
Messages realMessages(bool withLineFeeds) {
    Messages messages;
    QFile file(QStringLiteral(VANOPTICON_TEST_DATA_DIR "/syslog/go-syslog/rfc5424_cases.jsonl"));
    if (file.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : file.readAll().split('\n')) {
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            const std::string input = object.value(u"input").toString().toLatin1().toStdString();
            if (object.value(u"valid").toBool() && (withLineFeeds || input.find('\n') == std::string::npos))
                messages.push_back(input);
        }
    }
    messages.emplace_back("<38>Nov 23 10:15:30 web1 sshd[1234]: Failed password for root from 203.0.113.7 port 52144 "
                          "ssh2");
    messages.emplace_back("<30>Nov 23 10:15:31 web1 systemd[1]: Started Session 42 of user alice.");
    return messages;
}

std::string octetCounted(const Messages &messages) {
    std::string stream;
    for (const std::string &message : messages)
        stream += std::to_string(message.size()) + " " + message;
    return stream;
}

std::string lineFramed(const Messages &messages, std::string_view end) {
    std::string stream;
    for (const std::string &message : messages)
        stream += message + std::string(end);
    return stream;
}

struct Run {
    Messages messages;
    SyslogFramerStats stats;
    SyslogFraming framing = SyslogFraming::Undecided;
    std::size_t maxBuffered = 0;
};

// Feeds the stream in chunks that end at `cuts` (ascending offsets), then finishes it.
Run feedInChunks(const std::string &stream, const std::vector<std::size_t> &cuts, std::size_t maxMessageBytes) {
    SyslogFramer framer(maxMessageBytes);
    Run run;
    const SyslogFramer::Sink sink = [&run](std::string_view message) { run.messages.emplace_back(message); };
    std::size_t start = 0;
    for (std::size_t cut : cuts) {
        framer.feed(std::string_view(stream).substr(start, cut - start), sink);
        run.maxBuffered = std::max(run.maxBuffered, framer.bufferedBytes());
        if (framer.framing() != SyslogFraming::Undecided)
            run.framing = framer.framing();
        start = cut;
    }
    framer.feed(std::string_view(stream).substr(start), sink);
    if (framer.framing() != SyslogFraming::Undecided)
        run.framing = framer.framing();
    framer.finish(sink);
    run.stats = framer.stats();
    return run;
}

bool sameStats(const SyslogFramerStats &a, const SyslogFramerStats &b) {
    return a.bytes == b.bytes && a.messages == b.messages && a.oversized == b.oversized
        && a.badLengthPrefixes == b.badLengthPrefixes && a.truncatedAtClose == b.truncatedAtClose;
}

} // namespace

class TestSyslogFramer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Each stream, cut every way: whole, byte by byte, at every single point, and at random.
    // The messages and figures must not depend on how the bytes arrived.
    void everyChunking_data() {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<std::vector<std::string>>("expected");
        QTest::addColumn<int>("maxMessageBytes");
        QTest::addColumn<int>("oversized");
        QTest::addColumn<int>("badLengthPrefixes");
        QTest::addColumn<int>("truncatedAtClose");
        QTest::addColumn<int>("framing");

        const Messages withLf = realMessages(true);
        const Messages withoutLf = realMessages(false);
        QVERIFY(withLf.size() > withoutLf.size() && withoutLf.size() > 20);
        const auto bytes = [](const std::string &s) { return QByteArray::fromStdString(s); };
        const int oc = int(SyslogFraming::OctetCounting);
        const int nt = int(SyslogFraming::NonTransparent);

        QTest::addRow("octet counting, real messages")
            << bytes(octetCounted(withLf)) << withLf << 65536 << 0 << 0 << 0 << oc;
        QTest::addRow("LF, real messages")
            << bytes(lineFramed(withoutLf, "\n")) << withoutLf << 65536 << 0 << 0 << 0 << nt;
        QTest::addRow("CR LF") << bytes(lineFramed(withoutLf, "\r\n")) << withoutLf << 65536 << 0 << 0 << 0 << nt;
        QTest::addRow("NUL") << bytes(lineFramed(withoutLf, std::string_view("\0", 1))) << withoutLf << 65536 << 0 << 0
                             << 0 << nt;
        QTest::addRow("LF, empty lines skipped, last message without LF")
            << QByteArray("\n<13>1 - - - - - - a\n\n\r\n<13>1 - - - - - - b")
            << Messages {"<13>1 - - - - - - a", "<13>1 - - - - - - b"} << 64 << 0 << 0 << 0 << nt;
        QTest::addRow("octet counting, LF and NUL between frames tolerated") << QByteArray("5 hello\n6 world!\r\n\0"
                                                                                           "3 abc",
            24) << Messages {"hello", "world!", "abc"} << 64 << 0 << 0 << 0 << oc;
        QTest::addRow("octet counting, a frame of exactly the bound")
            << QByteArray("16 0123456789abcdef2 ok") << Messages {"0123456789abcdef", "ok"} << 16 << 0 << 0 << 0 << oc;
        QTest::addRow("octet counting, oversized frame skipped to its end")
            << QByteArray("17 0123456789abcdefg2 ok") << Messages {"ok"} << 16 << 1 << 0 << 0 << oc;
        QTest::addRow("octet counting, huge length skipped")
            << QByteArray("9999999999 short") << Messages {} << 16 << 1 << 0 << 0 << oc;
        QTest::addRow("LF, a line of exactly the bound, with CR")
            << QByteArray("0123456789abcdef\r\nok\n") << Messages {"0123456789abcdef", "ok"} << 16 << 0 << 0 << 0 << nt;
        QTest::addRow("LF, oversized line skipped to its LF")
            << QByteArray("0123456789abcdefg\nok\n0123456789abcdefghijklmnop\nend") << Messages {"ok", "end"} << 16 << 2
            << 0 << 0 << nt;
        QTest::addRow("LF, oversized last line without LF")
            << QByteArray("ok\n0123456789abcdefg") << Messages {"ok"} << 16 << 1 << 0 << 0 << nt;
        QTest::addRow("garbage length: skipped to LF, then LF framing")
            << QByteArray("12a <13>1 - - - - - - x\n<13>1 - - - - - - y\n") << Messages {"<13>1 - - - - - - y"} << 64
            << 0 << 1 << 0 << nt;
        QTest::addRow("length with a leading zero")
            << QByteArray("5 hello05 world\n3 abc") << Messages {"hello", "abc"} << 64 << 0 << 1 << 0 << oc;
        QTest::addRow("length of eleven digits")
            << QByteArray("12345678901 x\n2 ok") << Messages {"ok"} << 64 << 0 << 1 << 0 << oc;
        QTest::addRow("length without a space")
            << QByteArray("5hello\n5 world") << Messages {"world"} << 64 << 0 << 1 << 0 << oc;
        QTest::addRow("counted frame cut short by the peer")
            << QByteArray("5 hello100 <13>1 - - - - - - short") << Messages {"hello"} << 200 << 0 << 0 << 1 << oc;
        QTest::addRow("length cut short by the peer")
            << QByteArray("5 hello12") << Messages {"hello"} << 200 << 0 << 0 << 1 << oc;
    }
    void everyChunking() {
        QFETCH(QByteArray, stream);
        QFETCH(std::vector<std::string>, expected);
        QFETCH(int, maxMessageBytes);
        QFETCH(int, oversized);
        QFETCH(int, badLengthPrefixes);
        QFETCH(int, truncatedAtClose);
        QFETCH(int, framing);
        const std::string bytes = stream.toStdString();
        const std::size_t bound = std::size_t(maxMessageBytes);

        const Run whole = feedInChunks(bytes, {}, bound);
        QCOMPARE(whole.messages, expected);
        QCOMPARE(whole.stats.messages, std::uint64_t(expected.size()));
        QCOMPARE(whole.stats.bytes, std::uint64_t(bytes.size()));
        QCOMPARE(whole.stats.oversized, std::uint64_t(oversized));
        QCOMPARE(whole.stats.badLengthPrefixes, std::uint64_t(badLengthPrefixes));
        QCOMPARE(whole.stats.truncatedAtClose, std::uint64_t(truncatedAtClose));
        QCOMPARE(int(whole.framing), framing);

        std::vector<std::vector<std::size_t>> chunkings;
        std::vector<std::size_t> everyByte;
        for (std::size_t i = 1; i < bytes.size(); ++i) {
            everyByte.push_back(i);
            chunkings.push_back({i});
        }
        chunkings.push_back(everyByte);
        std::mt19937 random(6587);
        for (int round = 0; round < 200 && bytes.size() > 2; ++round) {
            std::vector<std::size_t> cuts;
            for (std::size_t i = 1; i < bytes.size(); ++i) {
                if (random() % 8 == 0)
                    cuts.push_back(i);
            }
            chunkings.push_back(cuts);
        }
        for (const auto &cuts : chunkings) {
            const Run run = feedInChunks(bytes, cuts, bound);
            QCOMPARE(run.messages, expected);
            QVERIFY(sameStats(run.stats, whole.stats));
            // At most one partial message is held (and the CR that may end it).
            QVERIFY(run.maxBuffered <= bound + 1);
        }
    }

    // A message that arrives whole in one chunk is handed on without a copy.
    void wholeMessagesAreNotCopied() {
        for (const std::string &stream : {std::string("5 hello6 world!"), std::string("hello\nworld!\n")}) {
            SyslogFramer framer(64);
            std::vector<std::string_view> seen;
            framer.feed(stream, [&seen](std::string_view message) { seen.push_back(message); });
            QCOMPARE(seen.size(), std::size_t(2));
            for (std::string_view message : seen)
                QVERIFY(message.data() >= stream.data()
                    && message.data() + message.size() <= stream.data() + stream.size());
        }
    }

    // A line that never ends is held to the bound: 10 MB fed in 4 KB chunks holds at most 1 KB.
    void memoryIsBounded() {
        SyslogFramer framer(1024);
        const std::string chunk(4096, 'x');
        std::size_t delivered = 0;
        const SyslogFramer::Sink sink = [&delivered](std::string_view) { ++delivered; };
        for (int i = 0; i < 2560; ++i) {
            framer.feed(chunk, sink);
            QVERIFY(framer.bufferedBytes() <= 1025);
        }
        framer.feed("\nafter\n", sink);
        QCOMPARE(delivered, std::size_t(1));
        QCOMPARE(framer.stats().oversized, std::uint64_t(1));
    }

    // After finish() the framer starts a new stream with a fresh decision.
    void finishStartsAfresh() {
        SyslogFramer framer(64);
        Messages messages;
        const SyslogFramer::Sink sink = [&messages](std::string_view message) { messages.emplace_back(message); };
        framer.feed("5 hello", sink);
        QCOMPARE(framer.framing(), SyslogFraming::OctetCounting);
        framer.finish(sink);
        QCOMPARE(framer.framing(), SyslogFraming::Undecided);
        framer.feed("<13>line\n", sink);
        QCOMPARE(framer.framing(), SyslogFraming::NonTransparent);
        QCOMPARE(messages, (Messages {"hello", "<13>line"}));
    }
};

QTEST_GUILESS_MAIN(TestSyslogFramer)
#include "tst_syslogframer.moc"
