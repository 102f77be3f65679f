// SPDX-License-Identifier: Apache-2.0
// The sentinel's buffer: block: defaults, every setting, and clear refusals naming the setting.
#include "sentinel/buffer/bufferconfig.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel::buffer;

namespace {

Result<BufferSettings> parse(const std::string &yaml) {
    auto root = config::Section::loadString(yaml, "sentinel.yaml");
    if (!root)
        return root.error();
    return parseBufferConfig(root->child("buffer"));
}

} // namespace

class TestBufferConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaults() {
        auto settings = parse("collector: {}\n");
        QVERIFY(settings);
        QVERIFY(settings->type == BufferSettings::Type::Disk);
        QCOMPARE(settings->path, std::string("buffer"));
        QCOMPARE(settings->maxBytes, std::uint64_t(1) << 30);
        QCOMPARE(settings->maxAge, std::chrono::milliseconds(std::chrono::hours(168)));
        QCOMPARE(settings->syncInterval.count(), 0);
        QCOMPARE(settings->highWatermark, 0.8);
        QCOMPARE(settings->lowWatermark, 0.6);
    }

    void everySetting() {
        auto settings = parse("buffer:\n  type: disk\n  path: /var/spool/vanopticon\n  max_size: 256MB\n"
                              "  max_age: 2d\n  compression: zstd\n  sync_interval: 50ms\n"
                              "  back_pressure: {high_watermark: 0.9, low_watermark: 0.5}\n");
        QVERIFY2(settings, settings ? "" : settings.error().message.c_str());
        QCOMPARE(settings->path, std::string("/var/spool/vanopticon"));
        QCOMPARE(settings->maxBytes, std::uint64_t(256) << 20);
        QCOMPARE(settings->maxAge, std::chrono::milliseconds(std::chrono::hours(48)));
        QCOMPARE(settings->syncInterval, std::chrono::milliseconds(50));
        QCOMPARE(settings->highWatermark, 0.9);
        QCOMPARE(settings->lowWatermark, 0.5);
        auto memory = parse("buffer: {type: memory}\n");
        QVERIFY(memory);
        QVERIFY(memory->type == BufferSettings::Type::Memory);
    }

    void refusals_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown setting") << "buffer: {max_sise: 1GB}\n"
                                         << "sentinel.yaml:1:10: buffer: unknown setting 'max_sise'";
        QTest::newRow("type") << "buffer: {type: ram}\n"
                              << "buffer.type: expected disk or memory, got 'ram'";
        QTest::newRow("empty path") << "buffer: {path: ''}\n"
                                    << "buffer.path: must name a directory";
        QTest::newRow("size text") << "buffer: {max_size: lots}\n"
                                   << "buffer.max_size:";
        QTest::newRow("size too small") << "buffer: {max_size: 100KB}\n"
                                        << "buffer.max_size: must be between 1MB and 1TB";
        QTest::newRow("age too short") << "buffer: {max_age: 10s}\n"
                                       << "buffer.max_age: must be at least 1m";
        QTest::newRow("compression") << "buffer: {compression: lz4}\n"
                                     << "buffer.compression: only zstd is supported";
        QTest::newRow("sync interval") << "buffer: {sync_interval: 1m}\n"
                                       << "buffer.sync_interval: must be at most 10s";
        QTest::newRow("watermark order") << "buffer: {back_pressure: {high_watermark: 0.5, low_watermark: 0.7}}\n"
                                         << "buffer.back_pressure: low_watermark must be below high_watermark";
        QTest::newRow("watermark range") << "buffer: {back_pressure: {high_watermark: 1.5}}\n"
                                         << "buffer.back_pressure.high_watermark:";
        QTest::newRow("back pressure key") << "buffer: {back_pressure: {high: 0.9}}\n"
                                           << "unknown setting 'high'";
    }

    void refusals() {
        QFETCH(QString, yaml);
        QFETCH(QString, message);
        auto settings = parse(yaml.toStdString());
        QVERIFY(!settings);
        QVERIFY2(QString::fromStdString(settings.error().message).contains(message), settings.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestBufferConfig)
#include "tst_bufferconfig.moc"
