// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/policyengine.h"
#include "shield/policy/policyloader.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace vanopticon;
using namespace vanopticon::shield;

namespace {
std::string write(const QTemporaryDir &dir, const char *name, const std::string &text) {
    const std::string path = dir.filePath(QString::fromLatin1(name)).toStdString();
    std::ofstream(path) << text;
    return path;
}

AlertFacts bruteForceFacts(const char *rule = "ssh_brute_force") {
    AlertFacts facts;
    facts.set("rule_id", rule);
    facts.set("severity", "high");
    facts.set("score", "70");
    facts.set("SourceIp", "203.0.113.7");
    facts.set("host", "web-01");
    return facts;
}
} // namespace

class TestPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shippedPolicyProposesABlockOfTheSource() {
        auto policies = loadPolicyDirectory(VANOPTICON_SOURCE_DIR "/resources/policies");
        QVERIFY2(policies.ok(), policies.ok() ? "" : policies.error().message.c_str());
        PolicyEngine engine(std::move(*policies));
        const Evaluation evaluation = engine.evaluate(bruteForceFacts());
        QCOMPARE(evaluation.proposals.size(), std::size_t(1));
        const Proposal &proposal = evaluation.proposals.front();
        QCOMPARE(proposal.policy->name, std::string("block_bruteforce_source"));
        QCOMPARE(proposal.action.type, std::string("ip_block"));
        QCOMPARE(proposal.target, std::string("203.0.113.7"));
        QCOMPARE(proposal.action.duration, std::chrono::seconds(3600));
        QVERIFY(proposal.policy->requireApproval);

        QCOMPARE(engine.evaluate(bruteForceFacts("brute_force_attack")).proposals.size(), std::size_t(1));
        QCOMPARE(engine.evaluate(bruteForceFacts("port_scan")).proposals.size(), std::size_t(0));
        AlertFacts noSource;
        noSource.set("rule_id", "ssh_brute_force");
        QCOMPARE(engine.evaluate(noSource).proposals.size(), std::size_t(0));
    }

    void priorityDecidesBetweenPoliciesProposingTheSameAction() {
        QTemporaryDir dir;
        write(dir, "a.yaml", R"(policies:
  - name: low
    priority: 1
    conditions: 'severity >= medium'
    actions: [{type: ip_block, target: "{{SourceIp}}", duration: 10m}]
    require_approval: false
  - name: high
    priority: 50
    conditions: 'severity >= high'
    actions: [{type: ip_block, target: "{{SourceIp}}", duration: 2h}]
  - name: disabled
    priority: 99
    enabled: false
    conditions: 'severity >= info'
    actions: [{type: ip_block, target: "{{SourceIp}}"}]
  - name: missing-field
    priority: 10
    conditions: 'severity >= info'
    actions: [{type: ip_block, target: "{{User}}"}]
)");
        auto policies = loadPolicyDirectory(dir.path().toStdString());
        QVERIFY2(policies.ok(), policies.ok() ? "" : policies.error().message.c_str());
        PolicyEngine engine(std::move(*policies));
        const Evaluation evaluation = engine.evaluate(bruteForceFacts());
        QCOMPARE(evaluation.proposals.size(), std::size_t(1));
        QCOMPARE(evaluation.proposals.front().policy->name, std::string("high"));
        QCOMPARE(evaluation.proposals.front().action.duration, std::chrono::seconds(7200));
        QCOMPARE(evaluation.problems.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(evaluation.problems.front()).contains(u"the alert has no User"));
    }

    void loaderErrorsNameFileAndLine_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown key") << "policies:\n  - name: p\n    priorty: 1\n"
                                     << "p.yaml:3:5: policies[0]: unknown setting 'priorty'";
        QTest::addRow("no conditions") << "policies:\n  - name: p\n    actions: [{type: ip_block, target: x}]\n"
                                       << "has no conditions";
        QTest::addRow("no actions") << "policies:\n  - name: p\n    conditions: 'severity >= high'\n"
                                    << "has no actions";
        QTest::addRow("unknown action") << "policies:\n  - name: p\n    conditions: 'severity >= high'\n    actions:\n "
                                           "     - type: reboot\n        target: x\n"
                                        << "p.yaml:5:15: policies[0].actions[0].type: unknown action type 'reboot'";
        QTest::addRow("bad duration") << "policies:\n  - name: p\n    conditions: 'severity >= high'\n    actions: "
                                         "[{type: ip_block, target: x, duration: forever}]\n"
                                      << "is not a duration";
        QTest::addRow("bad condition") << "policies:\n  - name: p\n    conditions: 'severity >>= high'\n    actions: "
                                          "[{type: ip_block, target: x}]\n"
                                       << "p.yaml:3:17";
        QTest::addRow("bad name") << "policies:\n  - name: 'Block It!'\n    conditions: x exists\n    actions: [{type: "
                                     "ip_block, target: x}]\n"
                                  << "a policy name uses";
        QTest::addRow("bad approval") << "policies:\n  - name: p\n    conditions: x exists\n    actions: [{type: "
                                         "ip_block, target: x}]\n    require_approval: perhaps\n"
                                      << "expected true or false";
    }
    void loaderErrorsNameFileAndLine() {
        QFETCH(QString, yaml);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string path = write(dir, "p.yaml", yaml.toStdString());
        auto policies = loadPolicies(path);
        QVERIFY(!policies.ok());
        QVERIFY2(QString::fromStdString(policies.error().message).contains(message), policies.error().message.c_str());
    }

    void duplicateNamesAcrossFilesAreRefused() {
        QTemporaryDir dir;
        const std::string policy
            = "policies:\n  - name: same\n    conditions: x exists\n    actions: [{type: ip_block, target: x}]\n";
        write(dir, "a.yaml", policy);
        write(dir, "b.yaml", policy);
        auto policies = loadPolicyDirectory(dir.path().toStdString());
        QVERIFY(!policies.ok());
        QVERIFY(QString::fromStdString(policies.error().message).contains(u"already defined"));
    }

    void expandFillsPlaceholders() {
        const AlertFacts facts = bruteForceFacts();
        QCOMPARE(
            *PolicyEngine::expand("{{ SourceIp }}/32 on {{host}}", facts), std::string("203.0.113.7/32 on web-01"));
        QVERIFY(!PolicyEngine::expand("{{SourceIp", facts).ok());
        QVERIFY(!PolicyEngine::expand("{{NoSuchField}}", facts).ok());
    }
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
