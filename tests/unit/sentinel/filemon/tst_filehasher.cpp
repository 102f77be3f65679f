// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/filehasher.h"

#include "unit/sentinel/filemon/filemontesting.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(FileHasher::Outcome)

class TestFileHasher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void cleanup() { m_dir.reset(); }

    // The FIPS 180-2 examples; the long one spans many read chunks.
    void knownDigests_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("digest");
        QTest::addRow("empty") << QByteArray() << u"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"_s;
        QTest::addRow("abc") << QByteArray("abc")
                             << u"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"_s;
        QTest::addRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                    << u"248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1"_s;
        QTest::addRow("a million a") << QByteArray(1'000'000, 'a')
                                     << u"CDC76E5C9914FB9281A1C7E284D73E67F1809A48A497200E046D39CCC7112CD0"_s;
    }

    void knownDigests() {
        QFETCH(QByteArray, content);
        QFETCH(QString, digest);
        const QString path = m_dir->filePath(u"file"_s);
        QVERIFY(writeFile(path, content));
        FileHasher hasher(64u << 20);
        const FileHasher::Hash hash = hasher.sha256(path.toStdString());
        QCOMPARE(hash.outcome, FileHasher::Outcome::Hashed);
        QCOMPARE(QString::fromStdString(hash.hex), digest);
        // The buffer is reused: the same file again, the same digest.
        QCOMPARE(QString::fromStdString(hasher.sha256(path.toStdString()).hex), digest);
    }

    void whatIsNotHashed() {
        FileHasher hasher(3);
        const QString small = m_dir->filePath(u"small"_s);
        const QString large = m_dir->filePath(u"large"_s);
        QVERIFY(writeFile(small, "abc"));
        QVERIFY(writeFile(large, "abcd"));
        QCOMPARE(hasher.sha256(small.toStdString()).outcome, FileHasher::Outcome::Hashed);
        const FileHasher::Hash tooLarge = hasher.sha256(large.toStdString());
        QCOMPARE(tooLarge.outcome, FileHasher::Outcome::TooLarge);
        QVERIFY(tooLarge.hex.empty());

        // A symbolic link is not followed (it could point anywhere), a FIFO not waited on.
        const QString link = m_dir->filePath(u"link"_s);
        QVERIFY(QFile::link(small, link));
        QCOMPARE(hasher.sha256(link.toStdString()).outcome, FileHasher::Outcome::NotRegular);
        const QString fifo = m_dir->filePath(u"fifo"_s);
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QCOMPARE(hasher.sha256(fifo.toStdString()).outcome, FileHasher::Outcome::NotRegular);
        QCOMPARE(hasher.sha256(m_dir->path().toStdString()).outcome, FileHasher::Outcome::NotRegular);
        QCOMPARE(hasher.sha256(m_dir->filePath(u"missing"_s).toStdString()).outcome, FileHasher::Outcome::Unreadable);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestFileHasher)
#include "tst_filehasher.moc"
