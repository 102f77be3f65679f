// SPDX-License-Identifier: Apache-2.0
// CRC-32C against the published check value and RFC 3720's test patterns, both computations
// (instruction and tables) against a bit-at-a-time reference, and continuation.
#include "shared/core/crc32c.h"

#include <QTest>

#include <random>
#include <string>

using namespace vanopticon;

namespace {

std::uint32_t bitwise(std::string_view data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const char c : data) {
        crc ^= static_cast<unsigned char>(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78u : 0);
    }
    return ~crc;
}

} // namespace

class TestCrc32c : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownValues_data() {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<uint>("expected");
        QTest::newRow("check value") << QByteArray("123456789") << 0xE3069283u;
        QTest::newRow("empty") << QByteArray() << 0u;
        // RFC 3720, B.4 (iSCSI): 32 bytes of zeros, of ones, incrementing, decrementing.
        QTest::newRow("32 zeros") << QByteArray(32, '\0') << 0x8A9136AAu;
        QTest::newRow("32 ones") << QByteArray(32, '\xFF') << 0x62A8AB43u;
        QByteArray up, down;
        for (int i = 0; i < 32; ++i) {
            up.append(char(i));
            down.append(char(31 - i));
        }
        QTest::newRow("incrementing") << up << 0x46DD794Eu;
        QTest::newRow("decrementing") << down << 0x113FDB5Cu;
    }

    void knownValues() {
        QFETCH(QByteArray, data);
        QFETCH(uint, expected);
        const std::string_view view(data.constData(), std::size_t(data.size()));
        QCOMPARE(crc32c(view), expected);
        QCOMPARE(crc32cPortable(view), expected);
    }

    // Every length and alignment around the 8-byte steps, random content.
    void bothComputationsAgreeWithTheReference() {
        std::mt19937 random(7);
        std::string buffer(300, '\0');
        for (char &c : buffer)
            c = static_cast<char>(random());
        for (std::size_t offset = 0; offset < 9; ++offset) {
            for (std::size_t length = 0; length + offset <= buffer.size(); length += 7) {
                const std::string_view data(buffer.data() + offset, length);
                const std::uint32_t expected = bitwise(data);
                QCOMPARE(crc32c(data), expected);
                QCOMPARE(crc32cPortable(data), expected);
            }
        }
    }

    void continues() {
        const std::string_view whole = "the quick brown fox jumps over the lazy dog";
        for (std::size_t cut = 0; cut <= whole.size(); ++cut) {
            QCOMPARE(crc32c(whole.substr(cut), crc32c(whole.substr(0, cut))), crc32c(whole));
            QCOMPARE(crc32cPortable(whole.substr(cut), crc32cPortable(whole.substr(0, cut))), crc32c(whole));
        }
    }
};

QTEST_GUILESS_MAIN(TestCrc32c)
#include "tst_crc32c.moc"
