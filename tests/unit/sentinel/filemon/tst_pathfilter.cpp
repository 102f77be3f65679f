// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/pathfilter.h"

#include <QTest>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

class TestPathFilter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void excludePatterns_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("excluded");
        QTest::addRow("name at the top") << u"/etc/.passwd.swp"_s << true;
        QTest::addRow("name deep down") << u"/etc/a/b/c/x.swp"_s << true;
        QTest::addRow("name, not a suffix of a directory") << u"/etc/x.swp/file"_s << false;
        QTest::addRow("a directory name") << u"/srv/repo/.git"_s << true;
        QTest::addRow("whole path") << u"/etc/ssl/certs"_s << true;
        QTest::addRow("below an excluded path") << u"/etc/ssl/certs/ca.pem"_s << false;
        QTest::addRow("star stops at a slash") << u"/home/alice/.cache"_s << true;
        QTest::addRow("star does not cross a slash") << u"/home/alice/x/.cache/y"_s << false;
        QTest::addRow("character class") << u"/var/log/app.1"_s << true;
        QTest::addRow("not in the class") << u"/var/log/app.x"_s << false;
        QTest::addRow("other names") << u"/etc/passwd"_s << false;
    }

    void excludePatterns() {
        QFETCH(QString, path);
        QFETCH(bool, excluded);
        // Below an excluded directory nothing is reported because it is not watched: the filter
        // itself matches the directory only.
        const PathFilter filter({"*.swp", ".git", "/etc/ssl/certs", "/home/*/.cache", "app.[0-9]"});
        QVERIFY(!filter.empty());
        QCOMPARE(filter.excluded(path.toStdString()), excluded);
        QVERIFY(PathFilter().empty());
        QVERIFY(!PathFilter().excluded(path.toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestPathFilter)
#include "tst_pathfilter.moc"
