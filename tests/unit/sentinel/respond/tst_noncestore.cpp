// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/noncestore.h"

#include "shared/crypto/crypto.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

std::string nonce(char fill) {
    return std::string(NonceStore::kNonceBytes, fill);
}

QByteArray readFile(const std::string &path) {
    QFile file(QString::fromStdString(path));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &data) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

} // namespace

class TestNonceStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void remembersAcrossReopen() {
        QTemporaryDir dir;
        const std::string directory = dir.filePath(QStringLiteral("data/node")).toStdString();
        {
            auto store = NonceStore::open(directory, kNow);
            QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
            QVERIFY(!store->contains(nonce('a')));
            QVERIFY(store->remember(nonce('a'), kNow + 60'000, kNow).ok());
            QVERIFY(store->remember(nonce('b'), kNow + 120'000, kNow).ok());
            QVERIFY(store->contains(nonce('a')));
            QCOMPARE(store->size(), std::size_t(2));
        }
        const std::string file = directory + "/command-nonces";
        struct stat st { };
        QCOMPARE(::stat(file.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        QVERIFY(!QFile::exists(QString::fromStdString(file + ".tmp")));
        const QByteArray content = readFile(file);
        QVERIFY(content.startsWith("vanopticon-command-nonces v1\n"));
        const QByteArray entryA = QByteArray("61").repeated(16) + ' ' + QByteArray::number(kNow + 60'000) + '\n';
        QVERIFY(content.contains(entryA));

        auto reopened = NonceStore::open(directory, kNow + 1);
        QVERIFY(reopened.ok());
        QCOMPARE(reopened->size(), std::size_t(2));
        QVERIFY(reopened->contains(nonce('a')));
        QVERIFY(reopened->contains(nonce('b')));
        QVERIFY(!reopened->contains(nonce('c')));
    }

    void expiredNoncesArePruned() {
        QTemporaryDir dir;
        const std::string directory = dir.path().toStdString();
        {
            auto store = NonceStore::open(directory, kNow);
            QVERIFY(store.ok());
            QVERIFY(store->remember(nonce('a'), kNow + 1'000, kNow).ok());
            QVERIFY(store->remember(nonce('b'), kNow + 5'000, kNow).ok());
            // Writing at a later time drops what has expired by then, from memory and file.
            QVERIFY(store->remember(nonce('c'), kNow + 9'000, kNow + 1'000).ok());
            QVERIFY(!store->contains(nonce('a')));
            QCOMPARE(store->size(), std::size_t(2));
        }
        QVERIFY(!readFile(directory + "/command-nonces").contains(QByteArray("61").repeated(16)));
        auto later = NonceStore::open(directory, kNow + 5'000);
        QVERIFY(later.ok());
        QCOMPARE(later->size(), std::size_t(1));
        QVERIFY(later->contains(nonce('c')));
    }

    void boundedByCapacity() {
        QTemporaryDir dir;
        auto store = NonceStore::open(dir.path().toStdString(), kNow, 2);
        QVERIFY(store.ok());
        QVERIFY(store->remember(nonce('a'), kNow + 1'000, kNow).ok());
        QVERIFY(store->remember(nonce('b'), kNow + 2'000, kNow).ok());
        auto full = store->remember(nonce('c'), kNow + 2'000, kNow);
        QVERIFY(!full.ok());
        QCOMPARE(QString::fromStdString(full.error().message),
            QStringLiteral("this node already holds 2 unexpired command nonces, its limit; new commands are "
                           "refused until some expire"));
        QVERIFY(!store->contains(nonce('c')));
        // Once one has expired there is room again.
        QVERIFY(store->remember(nonce('c'), kNow + 3'000, kNow + 1'000).ok());
        QCOMPARE(store->size(), std::size_t(2));
    }

    void damagedFilesAreRefused_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        const QByteArray header("vanopticon-command-nonces v1\n");
        const QByteArray good = QByteArray(32, 'a') + " 1700000060000\n";
        QTest::addRow("foreign header") << QByteArray("something else\n") + good << "not a command nonce file";
        QTest::addRow("empty file") << QByteArray() << "not a command nonce file";
        QTest::addRow("bad hex") << header + good + QByteArray(32, 'z') + " 1\n"
                                 << "command-nonces:3: damaged";
        QTest::addRow("short nonce") << header + QByteArray(30, 'a') + " 1\n"
                                     << "command-nonces:2: damaged";
        QTest::addRow("bad expiry") << header + QByteArray(32, 'a') + " soon\n"
                                    << "command-nonces:2: damaged";
        QTest::addRow("no expiry") << header + QByteArray(32, 'a') + " \n"
                                   << "command-nonces:2: damaged";
        QTest::addRow("expiry overflow") << header + QByteArray(32, 'a') + " 99999999999999999999\n"
                                         << "command-nonces:2: damaged";
        QTest::addRow("truncated") << header + good.left(20) << "command-nonces:2: damaged nonce entry (no line end)";
        QTest::addRow("oversized") << header + good.repeated(5) << "larger than 4 nonces can be";
    }
    void damagedFilesAreRefused() {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("command-nonces")), content);
        // Starting empty instead would make every remembered command replayable.
        auto store = NonceStore::open(dir.path().toStdString(), kNow, 4);
        QVERIFY(!store.ok());
        QVERIFY2(QString::fromStdString(store.error().message).contains(message), store.error().message.c_str());
    }

    void failedWriteIsReported() {
        QTemporaryDir dir;
        auto store = NonceStore::open(dir.path().toStdString(), kNow);
        QVERIFY(store.ok());
        // A directory where the temporary file should go makes the write fail, even for root.
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("command-nonces.tmp")));
        auto written = store->remember(nonce('a'), kNow + 1'000, kNow);
        QVERIFY(!written.ok());
        QVERIFY2(QString::fromStdString(written.error().message).startsWith(u"cannot record the command nonce: "),
            written.error().message.c_str());
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("command-nonces"))));
    }

    void directoryIsRequired() {
        QVERIFY(!NonceStore::open("", kNow).ok());
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("plain-file"));
        writeFile(file, "x");
        auto store = NonceStore::open(file.toStdString(), kNow);
        QVERIFY(!store.ok());
        QVERIFY(QString::fromStdString(store.error().message).contains(u"cannot create the directory"));
    }
};

QTEST_GUILESS_MAIN(TestNonceStore)
#include "tst_noncestore.moc"
