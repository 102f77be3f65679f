// SPDX-License-Identifier: Apache-2.0
// The shipped logsource mapping (resources/sigma/logsources.yaml) against SigmaHQ's regression
// data: every event of every case, read from the .evtx and from the .json as Vanopticon reads
// them, belongs to the logsource of the rule the case is for (the id in its info.yml). Here
// because it needs both modules: the sentinel reads the events, the analysis maps them.
#include "analysis/sigma/logsource/logsourcemap.h"
#include "sentinel/collect/evtx/evtximporter.h"
#include "sentinel/collect/evtx/evtxjson.h"

#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::analysis::sigma;
using namespace Qt::StringLiterals;

namespace {

const QString kSigmaData = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/sigma");
const QString kShipped = QStringLiteral(VANOPTICON_SOURCE_DIR "/resources/sigma/logsources.yaml");

struct RuleLogsource {
    QString path;
    Logsource logsource;
};

// Every rule of the corpus by id, with its logsource (read with yaml-cpp: the rule loader is
// not what is tested here).
QHash<QString, RuleLogsource> rulesById() {
    QHash<QString, RuleLogsource> rules;
    for (const QString &folder : {u"rules"_s, u"rules-emerging-threats"_s, u"rules-threat-hunting"_s}) {
        QDirIterator it(kSigmaData + u"/"_s + folder, {u"*.yml"_s}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            for (const YAML::Node &document : YAML::LoadAllFromFile(path.toStdString())) {
                if (!document["id"] || !document["logsource"])
                    continue;
                const YAML::Node node = document["logsource"];
                RuleLogsource rule;
                rule.path = path;
                for (const auto &[key, target] : {std::pair {"category", &Logsource::category},
                         std::pair {"product", &Logsource::product}, std::pair {"service", &Logsource::service}}) {
                    if (node[key])
                        rule.logsource.*target = node[key].Scalar();
                }
                rules.insert(QString::fromStdString(document["id"].Scalar()), rule);
            }
        }
    }
    return rules;
}

QString describe(const Logsource &l) {
    return u"category=%1 product=%2 service=%3"_s.arg(
        QString::fromStdString(l.category), QString::fromStdString(l.product), QString::fromStdString(l.service));
}

QString describe(const LogsourceSet &set) {
    const auto join = [](const std::vector<std::string> &values) {
        QStringList out;
        for (const std::string &value : values)
            out.append(QString::fromStdString(value));
        return out.join(u',');
    };
    return u"category=%1 product=%2 service=%3"_s.arg(join(set.categories), join(set.products), join(set.services));
}

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = 1'700'000'000'000'000'000;
    context.hostName = "importer";
    return context;
}

} // namespace

class TestEvtxLogsource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        m_rules = rulesById();
        QVERIFY2(m_rules.size() > 3000, qPrintable(u"%1 rules with an id"_s.arg(m_rules.size())));
        auto map = LogsourceMap::loadFile(kShipped.toStdString());
        QVERIFY2(map.ok(), map.ok() ? "" : map.error().message.c_str());
        m_map = std::move(map).value();
    }

    void everyCaseReachesItsRule_data() {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QStringList>("ruleIds");
        QDirIterator it(kSigmaData + u"/regression_data"_s, {u"info.yml"_s}, QDir::Files, QDirIterator::Subdirectories);
        QStringList infos;
        while (it.hasNext())
            infos.append(it.next());
        infos.sort();
        int cases = 0;
        for (const QString &info : infos) {
            const QDir folder = QFileInfo(info).dir();
            if (folder.entryList({u"*.evtx"_s, u"*.json"_s}, QDir::Files).isEmpty())
                continue; // a case with events of another format (cisco aaa): nothing to read here
            QStringList ids;
            for (const YAML::Node &rule : YAML::LoadFile(info.toStdString())["rule_metadata"])
                ids.append(QString::fromStdString(rule["id"].Scalar()));
            QTest::newRow(qPrintable(QDir(kSigmaData).relativeFilePath(folder.path()))) << folder.path() << ids;
            ++cases;
        }
        // 152 cases with Windows events: fewer means the material is missing, not passing.
        QVERIFY2(cases >= 150, qPrintable(u"%1 cases"_s.arg(cases)));
    }

    void everyCaseReachesItsRule() {
        QFETCH(QString, folder);
        QFETCH(QStringList, ruleIds);
        QVERIFY(!ruleIds.isEmpty());
        int eventsChecked = 0;
        const QDir dir(folder);
        for (const QString &name : dir.entryList({u"*.evtx"_s, u"*.json"_s}, QDir::Files)) {
            const QString path = dir.filePath(name);
            EventBatch batch;
            if (name.endsWith(u".json"_s)) {
                QFile file(path);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray json = file.readAll();
                EvtxJsonReader reader;
                auto read
                    = reader.read(std::string_view(json.constData(), std::size_t(json.size())), testContext(), batch);
                QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
                QCOMPARE(reader.stats().failed, 0u);
            } else {
                EvtxImporter importer(testContext());
                QVERIFY(importer.open(path.toStdString()).ok());
                while (!importer.readSome(batch, 64)) { }
                QCOMPARE(importer.stats().failed, 0u);
            }
            QVERIFY2(!batch.empty(), qPrintable(path));
            for (const QString &id : ruleIds) {
                QVERIFY2(m_rules.contains(id), qPrintable(u"no rule with id "_s + id));
                const RuleLogsource &rule = m_rules.value(id);
                for (const Event &event : batch.events()) {
                    const LogsourceId logsource = m_map.resolve(event);
                    QVERIFY2(m_map.ruleApplies(rule.logsource, logsource),
                        qPrintable(u"%1: the event (%2) is not in the rule's logsource (%3, %4)"_s.arg(
                            name, describe(m_map.set(logsource)), describe(rule.logsource), rule.path)));
                    ++eventsChecked;
                }
            }
        }
        QVERIFY(eventsChecked >= 2); // the .evtx and the .json
    }

private:
    QHash<QString, RuleLogsource> m_rules;
    LogsourceMap m_map;
};

QTEST_GUILESS_MAIN(TestEvtxLogsource)
#include "tst_evtxlogsource.moc"
