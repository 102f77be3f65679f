// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/ruleloader.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace vanopticon;
using namespace vanopticon::analysis;
using namespace std::chrono_literals;

namespace {

// A valid event_count rule; tests replace one line to break it.
const std::string kEventCount = R"(rules:
  - id: ssh_brute_force
    title: SSH brute force
    description: Many failed SSH logins.
    type: event_count
    severity: high
    confidence: 0.9
    filter: 'event_type == "auth_failed" AND service == "sshd"'
    group_by: [SourceIp]
    window: 60s
    threshold: 5
    tags: [attack.credential_access, attack.t1110]
)";

const std::string kTemporal = R"(rules:
  - id: brute_force_attack
    title: Brute force then success
    type: temporal_ordered
    severity: critical
    group_by: [User, SourceIp]
    window: 5m
    steps:
      - filter: 'event_type == "auth_failed"'
        min_count: 5
      - filter: 'event_type == "auth_success"'
)";

std::string replaced(std::string text, const std::string &from, const std::string &to) {
    const std::size_t at = text.find(from);
    if (at == std::string::npos)
        qFatal("test bug: '%s' is not in the rule text", from.c_str());
    return text.replace(at, from.size(), to);
}

void writeFile(const QString &path, const std::string &text) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
}

} // namespace

class TestCorrelationRuleLoader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadsBothTypes() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("rules.yaml"));
        writeFile(path, kEventCount + kTemporal.substr(std::string("rules:\n").size()));
        auto rules = loadCorrelationRules(path.toStdString());
        QVERIFY2(rules.ok(), rules.ok() ? "" : rules.error().message.c_str());
        QCOMPARE(rules->size(), std::size_t(2));

        const CorrelationRule &count = rules->at(0);
        QCOMPARE(count.id, std::string("ssh_brute_force"));
        QCOMPARE(count.title, std::string("SSH brute force"));
        QCOMPARE(count.description, std::string("Many failed SSH logins."));
        QVERIFY(count.type == CorrelationType::EventCount);
        QVERIFY(count.severity == Severity::High);
        QCOMPARE(count.confidence, 0.9);
        QCOMPARE(count.filter.toString(), std::string("(event_type == \"auth_failed\" AND service == \"sshd\")"));
        QCOMPARE(count.groupBy, std::vector<FieldId> {field::SourceIp});
        QCOMPARE(count.window, std::chrono::milliseconds(60s));
        QCOMPARE(count.threshold, 5u);
        QCOMPARE(count.tags, (std::vector<std::string> {"attack.credential_access", "attack.t1110"}));
        QCOMPARE(QString::fromStdString(count.source), path + QStringLiteral(":2:5"));

        const CorrelationRule &sequence = rules->at(1);
        QVERIFY(sequence.type == CorrelationType::TemporalOrdered);
        QVERIFY(sequence.severity == Severity::Critical);
        QCOMPARE(sequence.confidence, 1.0); // the default
        QVERIFY(sequence.filter.matchesEverything());
        QCOMPARE(sequence.groupBy, (std::vector<FieldId> {field::User, field::SourceIp}));
        QCOMPARE(sequence.window, std::chrono::milliseconds(5min));
        QCOMPARE(sequence.steps.size(), std::size_t(2));
        QCOMPARE(sequence.steps[0].minCount, 5u);
        QCOMPARE(sequence.steps[1].minCount, 1u); // the default
        QCOMPARE(sequence.steps[1].filter.toString(), std::string("event_type == \"auth_success\""));
    }

    void acceptsTreeFiltersAndScalarGroupBy() {
        const std::string text = R"(rules:
  - id: sudo_burst
    title: Many sudo failures
    type: event_count
    severity: medium
    filter:
      all:
        - field: event_type
          value: auth_failed
        - 'service == "sudo"'
    group_by: User
    window: 10m
    threshold: 3
  - id: quiet.rule:1
    title: Sequence with a common condition
    type: temporal_ordered
    severity: low
    filter: 'host == "web-01"'
    group_by: [User]
    window: 1h
    steps:
      - filter: 'event_type == "auth_success"'
      - filter: 'event_type == "process_creation"'
        min_count: 2
)";
        auto rules = parseCorrelationRules(text, "inline.yaml");
        QVERIFY2(rules.ok(), rules.ok() ? "" : rules.error().message.c_str());
        QCOMPARE(rules->size(), std::size_t(2));
        QCOMPARE(rules->at(0).groupBy, std::vector<FieldId> {field::User});
        QCOMPARE(
            rules->at(0).filter.toString(), std::string("(event_type == \"auth_failed\" AND service == \"sudo\")"));
        QCOMPARE(rules->at(1).filter.toString(), std::string("host == \"web-01\""));
        QCOMPARE(rules->at(1).steps[1].minCount, 2u);
    }

    // Each row breaks the valid rule in one way; the error must name the file, the line (and
    // column) of the offending setting, what is wrong and the rule.
    void errors_data() {
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QString>("messagePart");
        QTest::addColumn<bool>("namesRule");
        const QString count = QStringLiteral("count");
        const QString temporal = QStringLiteral("temporal");

        QTest::addRow("unknown key") << count << "    threshold: 5\n"
                                     << "    threshold: 5\n    treshold: 6\n"
                                     << ":12:5:"
                                     << "unknown setting 'treshold'" << true;
        QTest::addRow("missing id") << count << "  - id: ssh_brute_force\n    title"
                                    << "  - title"
                                    << ":2:5:"
                                    << "missing required setting 'id'" << false;
        QTest::addRow("bad id") << count << "id: ssh_brute_force"
                                << "id: 'ssh brute force'"
                                << ":2:9:"
                                << "is not a valid rule id" << false;
        QTest::addRow("missing title") << count << "    title: SSH brute force\n"
                                       << ""
                                       << ":2:5:"
                                       << "missing required setting 'title'" << true;
        QTest::addRow("missing type") << count << "    type: event_count\n"
                                      << ""
                                      << ":2:5:"
                                      << "missing required setting 'type'" << true;
        QTest::addRow("unknown type") << count << "type: event_count"
                                      << "type: value_count"
                                      << ":5:11:"
                                      << "unknown type 'value_count'" << true;
        QTest::addRow("missing severity") << count << "    severity: high\n"
                                          << ""
                                          << ":2:5:"
                                          << "missing required setting 'severity'" << true;
        QTest::addRow("unknown severity") << count << "severity: high"
                                          << "severity: severe"
                                          << ":6:15:"
                                          << "unknown severity 'severe'" << true;
        QTest::addRow("confidence above 1") << count << "confidence: 0.9"
                                            << "confidence: 1.5"
                                            << ":7:17:"
                                            << "must be between" << true;
        QTest::addRow("missing filter") << count
                                        << "    filter: 'event_type == \"auth_failed\" AND service == \"sshd\"'\n"
                                        << ""
                                        << ":2:5:"
                                        << "missing required setting 'filter'" << true;
        QTest::addRow("bad filter") << count << "AND service == \"sshd\"'"
                                    << "AND service ==='"
                                    << ":8:13:"
                                    << "rules[0].filter" << true;
        QTest::addRow("missing group_by") << count << "    group_by: [SourceIp]\n"
                                          << ""
                                          << ":2:5:"
                                          << "missing required setting 'group_by'" << true;
        QTest::addRow("empty group_by") << count << "group_by: [SourceIp]"
                                        << "group_by: []"
                                        << ":9:15:"
                                        << "needs at least one field" << true;
        QTest::addRow("group_by twice") << count << "group_by: [SourceIp]"
                                        << "group_by: [SourceIp, SourceIp]"
                                        << ":9:15:"
                                        << "names 'SourceIp' twice" << true;
        QTest::addRow("missing window") << count << "    window: 60s\n"
                                        << ""
                                        << ":2:5:"
                                        << "missing required setting 'window'" << true;
        QTest::addRow("zero window") << count << "window: 60s"
                                     << "window: 0s"
                                     << ":10:13:"
                                     << "must be greater than zero" << true;
        QTest::addRow("bad window") << count << "window: 60s"
                                    << "window: soon"
                                    << ":10:13:"
                                    << "not a duration" << true;
        QTest::addRow("window too long") << count << "window: 60s"
                                         << "window: 90d"
                                         << ":10:13:"
                                         << "must be at most 30d" << true;
        QTest::addRow("missing threshold") << count << "    threshold: 5\n"
                                           << ""
                                           << ":2:5:"
                                           << "missing required setting 'threshold'" << true;
        QTest::addRow("zero threshold") << count << "threshold: 5"
                                        << "threshold: 0"
                                        << ":11:16:"
                                        << "must be between 1 and 10000" << true;
        QTest::addRow("text threshold") << count << "threshold: 5"
                                        << "threshold: five"
                                        << ":11:16:"
                                        << "expected a whole number" << true;
        QTest::addRow("steps on event_count") << count << "    threshold: 5\n"
                                              << "    threshold: 5\n    steps: []\n"
                                              << ":12:12:"
                                              << "an event_count rule has no steps" << true;
        QTest::addRow("one step") << temporal << "      - filter: 'event_type == \"auth_success\"'\n"
                                  << ""
                                  << ":9:7:"
                                  << "needs between 2 and 16 steps, got 1" << true;
        QTest::addRow("missing steps")
            << temporal
            << "    steps:\n      - filter: 'event_type == \"auth_failed\"'\n        min_count: 5\n      - filter: "
               "'event_type == \"auth_success\"'\n"
            << ""
            << ":2:5:"
            << "missing required setting 'steps'" << true;
        QTest::addRow("zero min_count") << temporal << "min_count: 5"
                                        << "min_count: 0"
                                        << ":10:20:"
                                        << "must be between 1 and 1000" << true;
        QTest::addRow("unknown step key") << temporal << "        min_count: 5\n"
                                          << "        min_cnt: 5\n"
                                          << ":10:9:"
                                          << "unknown setting 'min_cnt'" << true;
        QTest::addRow("step without filter") << temporal << "      - filter: 'event_type == \"auth_success\"'\n"
                                             << "      - min_count: 2\n"
                                             << ":11:9:"
                                             << "missing required setting 'filter'" << true;
        QTest::addRow("threshold on temporal") << temporal << "    window: 5m\n"
                                               << "    window: 5m\n    threshold: 3\n"
                                               << ":8:16:"
                                               << "a temporal_ordered rule has no threshold" << true;
        QTest::addRow("unknown top-level key") << count << "rules:\n"
                                               << "version: 2\nrules:\n"
                                               << ":1:1:"
                                               << "unknown setting 'version'" << false;
        QTest::addRow("rules not a list") << count << "  - id: ssh_brute_force\n"
                                          << "  x:\n    id: ssh_brute_force\n"
                                          << ":2:3:"
                                          << "expected a list of rules" << false;
        QTest::addRow("invalid yaml") << count << "group_by: [SourceIp]"
                                      << "group_by: [SourceIp"
                                      << ":"
                                      << "not valid YAML" << false;
    }
    void errors() {
        QFETCH(QString, base);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, prefix);
        QFETCH(QString, messagePart);
        QFETCH(bool, namesRule);
        const std::string &original = base == u"count" ? kEventCount : kTemporal;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("broken.yaml"));
        writeFile(path, replaced(original, from.toStdString(), to.toStdString()));
        auto rules = loadCorrelationRules(path.toStdString());
        QVERIFY(!rules.ok());
        const QString message = QString::fromStdString(rules.error().message);
        QVERIFY2(message.startsWith(path + prefix), qPrintable(message));
        QVERIFY2(message.contains(messagePart), qPrintable(message));
        if (namesRule) {
            const QString id
                = base == u"count" ? QStringLiteral("ssh_brute_force") : QStringLiteral("brute_force_attack");
            QVERIFY2(message.contains(QStringLiteral("(rule '%1')").arg(id)), qPrintable(message));
        }
    }

    void duplicateIdsInOneFile() {
        auto rules
            = parseCorrelationRules(kEventCount + kEventCount.substr(std::string("rules:\n").size()), "dup.yaml");
        QVERIFY(!rules.ok());
        QCOMPARE(QString::fromStdString(rules.error().message),
            QStringLiteral("dup.yaml:13:9: rules[1].id: duplicate rule id 'ssh_brute_force' (first defined at "
                           "dup.yaml:2:9)"));
    }

    void directoryLoadsSortedYamlFilesOnly() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath(QStringLiteral("b_temporal.yml")), kTemporal);
        writeFile(dir.filePath(QStringLiteral("a_count.yaml")), kEventCount);
        writeFile(dir.filePath(QStringLiteral("notes.txt")), "not a rule");
        writeFile(dir.filePath(QStringLiteral(".hidden.yaml")), "garbage: [");
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub.yaml"))); // a directory, not a rules file
        auto rules = loadCorrelationRuleDirectory(dir.path().toStdString());
        QVERIFY2(rules.ok(), rules.ok() ? "" : rules.error().message.c_str());
        QCOMPARE(rules->size(), std::size_t(2));
        QCOMPARE(rules->at(0).id, std::string("ssh_brute_force"));
        QCOMPARE(rules->at(1).id, std::string("brute_force_attack"));
    }

    void directoryRefusesDuplicateIdsAcrossFiles() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath(QStringLiteral("a.yaml")), kEventCount);
        writeFile(dir.filePath(QStringLiteral("b.yaml")), "# the same id again\n" + kEventCount);
        auto rules = loadCorrelationRuleDirectory(dir.path().toStdString());
        QVERIFY(!rules.ok());
        QCOMPARE(QString::fromStdString(rules.error().message),
            dir.filePath(QStringLiteral("b.yaml"))
                + QStringLiteral(":3:9: rules[0].id: duplicate rule id "
                                 "'ssh_brute_force' (first defined at ")
                + dir.filePath(QStringLiteral("a.yaml")) + QStringLiteral(":2:9)"));
    }

    void directoryReportsTheBrokenFile() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath(QStringLiteral("a.yaml")), kEventCount);
        writeFile(dir.filePath(QStringLiteral("b.yaml")), replaced(kTemporal, "window: 5m", "window: 0m"));
        auto rules = loadCorrelationRuleDirectory(dir.path().toStdString());
        QVERIFY(!rules.ok());
        const QString message = QString::fromStdString(rules.error().message);
        QVERIFY2(
            message.startsWith(dir.filePath(QStringLiteral("b.yaml")) + QStringLiteral(":7:13:")), qPrintable(message));
        QVERIFY2(message.contains(u"(rule 'brute_force_attack')"), qPrintable(message));
    }

    void filesystemErrors() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto missing = loadCorrelationRules(dir.filePath(QStringLiteral("absent.yaml")).toStdString());
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().message).contains(u"absent.yaml: cannot read"));
        auto notAFile = loadCorrelationRules(dir.path().toStdString());
        QVERIFY(!notAFile.ok());
        QVERIFY(QString::fromStdString(notAFile.error().message).contains(u"not a regular file"));
        auto noDirectory = loadCorrelationRuleDirectory(dir.filePath(QStringLiteral("nowhere")).toStdString());
        QVERIFY(!noDirectory.ok());
        QVERIFY(QString::fromStdString(noDirectory.error().message).contains(u"cannot read the rules directory"));

        const QString big = dir.filePath(QStringLiteral("big.yaml"));
        writeFile(big, "rules: []\n" + std::string(kMaxRulesFileBytes, '#'));
        auto tooBig = loadCorrelationRules(big.toStdString());
        QVERIFY(!tooBig.ok());
        QVERIFY(QString::fromStdString(tooBig.error().message).contains(u"larger than 4 MiB"));

        const QString empty = dir.filePath(QStringLiteral("empty.yaml"));
        writeFile(empty, "");
        auto nothing = loadCorrelationRules(empty.toStdString());
        QVERIFY(!nothing.ok());
        QVERIFY(QString::fromStdString(nothing.error().message).contains(u"expected a mapping with a 'rules' list"));
    }

    void emptyRuleListIsValid() {
        auto rules = parseCorrelationRules("rules: []\n", "none.yaml");
        QVERIFY(rules.ok());
        QVERIFY(rules->empty());
    }
};

QTEST_GUILESS_MAIN(TestCorrelationRuleLoader)
#include "tst_correlationruleloader.moc"
