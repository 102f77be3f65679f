// SPDX-License-Identifier: Apache-2.0
// SigmaHQ's regression cases (../shared/data/sigma/regression_data): each names a rule and the
// events that must fire it, as .evtx and as evtx_dump JSON. The whole public corpus is compiled
// once, as in production (every rule competes for every event), and each case's events must
// fire its rule at least as often as the case's author expects (`match_count`). At least: some
// files hold more events than the case is about — file_event_win_anydesk_artefact's five events
// include three writes to `\AnyDesk\user.conf…`, each a true match of its rule, while the case
// says 1.
#include "analysis/sigma/engine/sigmadetector.h"
#include "analysis/sigma/rule/sigmaloader.h"
#include "sentinel/collect/evtx/evtximporter.h"
#include "sentinel/collect/evtx/evtxjson.h"
#include "sentinel/parse/lineparser.h"

#include <QDirIterator>
#include <QTest>

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

using namespace Qt::StringLiterals;
using namespace vanopticon;
using namespace vanopticon::analysis::sigma;

namespace {

const QString kSigma = QStringLiteral(VANOPTICON_TEST_DATA_DIR) + u"/sigma"_s;
const std::string kLogsources = std::string(VANOPTICON_SOURCE_DIR) + "/resources/sigma/logsources.yaml";

std::vector<std::string> corpus() {
    std::vector<std::string> paths;
    for (const QString &tree : {u"/rules"_s, u"/rules-emerging-threats"_s, u"/rules-threat-hunting"_s})
        paths.push_back(QString(kSigma + tree).toStdString());
    return paths;
}

struct RegressionCase {
    QString directory;
    std::string ruleId;
    QString type; // evtx, or raw for the cases given as a log file
    QString path; // the .evtx, or the raw log
    int matchCount = 1;
};

// Every info.yml, with its tests. A case whose tests are commented out but whose folder holds a
// .raw log (cisco_cli_dot1x_disabled) is a raw case with the usual single match.
QList<RegressionCase> regressionCases() {
    QList<RegressionCase> cases;
    QDirIterator it(kSigma + u"/regression_data"_s, {u"info.yml"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString info = it.next();
        const YAML::Node root = YAML::LoadFile(info.toStdString());
        RegressionCase base;
        base.directory = QFileInfo(info).absolutePath();
        base.ruleId = root["rule_metadata"][0]["id"].as<std::string>();
        const YAML::Node tests = root["regression_tests_info"];
        if (!tests) {
            const QStringList raw = QDir(base.directory).entryList({u"*.raw"_s}, QDir::Files);
            if (raw.size() == 1) {
                base.type = u"raw"_s;
                base.path = base.directory + u'/' + raw.front();
                cases.append(base);
            }
            continue;
        }
        for (const YAML::Node &test : tests) {
            RegressionCase one = base;
            one.type = QString::fromStdString(test["type"].as<std::string>());
            one.matchCount = test["match_count"] ? test["match_count"].as<int>() : 1;
            one.path = kSigma + u'/' + QString::fromStdString(test["path"].as<std::string>());
            cases.append(one);
        }
    }
    std::sort(
        cases.begin(), cases.end(), [](const RegressionCase &a, const RegressionCase &b) { return a.path < b.path; });
    return cases;
}

EventBatch readEvtx(const QString &path) {
    sentinel::EvtxImporter importer(sentinel::SyslogContext::fromSystem());
    EventBatch batch;
    if (!importer.open(path.toStdString()))
        return batch;
    while (!importer.readSome(batch, 1000)) { }
    return batch;
}

EventBatch readJson(const QString &path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EventBatch batch;
    sentinel::EvtxJsonReader reader;
    const auto read = reader.read(text.str(), sentinel::SyslogContext::fromSystem(), batch);
    if (!read)
        qWarning("%s: %s", qPrintable(path), read.error().message.c_str());
    return batch;
}

EventBatch readLog(const QString &path) {
    sentinel::LineParser parser(sentinel::LineFormat::Auto, sentinel::SyslogContext::fromSystem());
    std::ifstream in(path.toStdString(), std::ios::binary);
    EventBatch batch;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty())
            (void)parser.parse(line, batch);
    }
    return batch;
}

// How often the rule with `id` fired on the batch, and which rules fired at all (for messages).
int firings(SigmaDetector &detector, const EventBatch &batch, const std::string &id, QStringList &fired) {
    std::vector<analysis::EventRef> refs(batch.size());
    SigmaDetector::Output output;
    detector.process(batch, refs, output);
    int count = 0;
    for (const RuleMatch &match : output.matches) {
        const std::string &matched = detector.rules().rules[match.rule].rule.meta.id;
        count += matched == id ? 1 : 0;
        fired.append(QString::fromStdString(matched));
    }
    return count;
}

} // namespace

class TestSigmaRegression : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        m_cases = regressionCases();
        QVERIFY2(m_cases.size() >= 153, qPrintable(QString::number(m_cases.size()) + u" cases found"_s));
        SigmaOptions options;
        options.rulePaths = corpus();
        options.logsourcesFile = kLogsources;
        auto detector = SigmaDetector::create(options);
        QVERIFY2(detector, detector ? "" : detector.error().message.c_str());
        m_detector = std::move(*detector);
        for (const LoadFailure &failure : m_detector->rules().failures)
            qWarning("%s: %s", failure.where.toString().c_str(), failure.reason.c_str());
        QCOMPARE(m_detector->rules().failures.size(), std::size_t(0));
    }

    void everyCaseFiresItsRule_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("form"); // evtx, json or raw
        for (int i = 0; i < m_cases.size(); ++i) {
            const QString name = QFileInfo(m_cases[i].directory).fileName();
            if (m_cases[i].type == u"raw"_s) {
                QTest::newRow(qPrintable(name + u" raw"_s)) << i << u"raw"_s;
                continue;
            }
            QTest::newRow(qPrintable(name + u" evtx"_s)) << i << u"evtx"_s;
            QTest::newRow(qPrintable(name + u" json"_s)) << i << u"json"_s;
        }
    }

    void everyCaseFiresItsRule() {
        QFETCH(int, index);
        QFETCH(QString, form);
        const RegressionCase &one = m_cases[index];
        QStringList fired;
        int count = 0;
        if (form == u"raw"_s) {
            // A raw log says nothing of its logsource; the case's rule alone is replayed with its own.
            RuleCollection rules = loadRules(corpus());
            const auto rule = std::find_if(
                rules.rules.begin(), rules.rules.end(), [&](const SigmaRule &r) { return r.meta.id == one.ruleId; });
            QVERIFY(rule != rules.rules.end());
            SigmaOptions options;
            options.logsourcesFile = kLogsources;
            options.fixedLogsource = rule->logsource;
            RuleCollection single;
            single.rules.push_back(*rule);
            auto logsources = LogsourceMap::loadFile(kLogsources);
            QVERIFY(logsources);
            auto detector = SigmaDetector::create(std::move(single), std::move(*logsources), options);
            QVERIFY(detector);
            const EventBatch batch = readLog(one.path);
            QVERIFY(!batch.empty());
            count = firings(**detector, batch, one.ruleId, fired);
        } else {
            const QString path = form == u"evtx"_s ? one.path : one.path.chopped(5) + u".json"_s;
            const EventBatch batch = form == u"evtx"_s ? readEvtx(path) : readJson(path);
            QVERIFY2(!batch.empty(), qPrintable(path));
            count = firings(*m_detector, batch, one.ruleId, fired);
        }
        QVERIFY2(count >= one.matchCount,
            qPrintable(u"rule "_s + QString::fromStdString(one.ruleId) + u" fired "_s + QString::number(count)
                + u" times, expected at least "_s + QString::number(one.matchCount) + u"; fired: "_s
                + fired.join(u", "_s)));
    }

private:
    QList<RegressionCase> m_cases;
    std::unique_ptr<SigmaDetector> m_detector;
};

QTEST_GUILESS_MAIN(TestSigmaRegression)
#include "tst_sigmaregression.moc"
