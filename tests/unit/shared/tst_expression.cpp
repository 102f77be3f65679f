// SPDX-License-Identifier: Apache-2.0
#include "shared/config/section.h"
#include "shared/event/event.h"
#include "shared/expr/expression.h"

#include <QTest>

using namespace vanopticon;

namespace {
// A small event for the expressions to look at.
struct Fixture {
    EventBatch batch;
    const Event *event = nullptr;
    Fixture() {
        Event &e = batch.addEvent();
        e.severity = Severity::High;
        batch.setField(e, field::EventType, "auth_failed");
        batch.setField(e, field::Service, "sshd");
        batch.setField(e, field::SourceIp, "203.0.113.7");
        batch.setField(e, field::User, "root");
        batch.setField(e, field::ProcessId, "4242");
        batch.setField(e, field::Message, "Failed password for root from 203.0.113.7 port 22 ssh2");
        event = &e;
    }
};
} // namespace

class TestExpression : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void textForm_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("expected");
        QTest::addRow("equals") << "service == \"sshd\"" << true;
        QTest::addRow("equals single quotes") << "service == 'sshd'" << true;
        QTest::addRow("equals bare word") << "event_type == auth_failed" << true;
        QTest::addRow("not equals") << "service != \"sudo\"" << true;
        QTest::addRow("not equals absent field") << "Image != \"x\"" << true;
        QTest::addRow("equals absent field") << "Image == \"x\"" << false;
        QTest::addRow("and") << "service == \"sshd\" AND User == \"root\"" << true;
        QTest::addRow("and false") << "service == \"sshd\" and User == \"bob\"" << false;
        QTest::addRow("or") << "User == \"bob\" OR User == \"root\"" << true;
        QTest::addRow("symbols") << "User == \"bob\" || (service == \"sshd\" && !(User == \"x\"))" << true;
        QTest::addRow("not") << "NOT service == \"sshd\"" << false;
        QTest::addRow("precedence and over or") << "User == \"x\" AND User == \"y\" OR service == \"sshd\"" << true;
        QTest::addRow("parentheses") << "User == \"x\" AND (User == \"y\" OR service == \"sshd\")" << false;
        QTest::addRow("in") << "SourceIp in [\"10.0.0.1\", \"203.0.113.7\"]" << true;
        QTest::addRow("in unquoted ip") << "SourceIp in [10.0.0.1, 203.0.113.7]" << true;
        QTest::addRow("not in") << "SourceIp not in [\"203.0.113.7\"]" << false;
        QTest::addRow("contains") << "message contains \"Failed password\"" << true;
        QTest::addRow("startswith") << "message startswith \"Failed\"" << true;
        QTest::addRow("endswith") << "message endswith \"ssh2\"" << true;
        QTest::addRow("case sensitive") << "message contains \"failed\"" << false;
        QTest::addRow("regex") << "SourceIp =~ \"^203\\\\.0\\\\.113\\\\.[0-9]+$\"" << true;
        QTest::addRow("exists") << "User exists" << true;
        QTest::addRow("not exists") << "NOT Image exists" << true;
        QTest::addRow("numeric gt") << "ProcessId > 4000" << true;
        QTest::addRow("numeric lte") << "ProcessId <= 4000" << false;
        QTest::addRow("numeric on text") << "User > 3" << false;
        QTest::addRow("severity rank") << "severity >= medium" << true;
        QTest::addRow("severity rank strict") << "severity > high" << false;
        QTest::addRow("severity equals") << "severity == \"high\"" << true;
        QTest::addRow("escaped quote") << "User != \"ro\\\"ot\"" << true;
    }
    void textForm() {
        QFETCH(QString, text);
        QFETCH(bool, expected);
        Fixture fixture;
        auto expression = expr::Expression::parse(text.toStdString());
        QVERIFY2(expression.ok(), expression.ok() ? "" : expression.error().message.c_str());
        QCOMPARE(expression->matches(*fixture.event), expected);
        // The canonical text form parses back to an expression with the same meaning.
        auto reparsed = expr::Expression::parse(expression->toString());
        QVERIFY2(reparsed.ok(), expression->toString().c_str());
        QCOMPARE(reparsed->matches(*fixture.event), expected);
    }

    void textErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("messagePart");
        QTest::addRow("no operator") << "service"
                                     << "expected an operator";
        QTest::addRow("no value") << "service =="
                                  << "expected a value at the end";
        QTest::addRow("unterminated") << "service == \"sshd"
                                      << "unterminated string";
        QTest::addRow("unbalanced") << "(service == \"sshd\""
                                    << "expected ')'";
        QTest::addRow("trailing") << "service == \"sshd\" \"x\""
                                  << "after a complete condition";
        QTest::addRow("bad char") << "service == $"
                                  << "unexpected character";
        QTest::addRow("bad regex") << "service =~ \"(\""
                                   << "not a valid regular expression";
        QTest::addRow("ordering on text") << "ProcessId > \"abc\""
                                          << "compares numbers or severities";
        QTest::addRow("empty") << ""
                               << "expected a condition";
        QTest::addRow("not without in") << "User not \"x\""
                                        << "expected 'in'";
        QTest::addRow("deep nesting") << QString(200, u'(') << "nested too deeply";
    }
    void textErrors() {
        QFETCH(QString, text);
        QFETCH(QString, messagePart);
        auto expression = expr::Expression::parse(text.toStdString());
        QVERIFY(!expression.ok());
        QVERIFY2(QString::fromStdString(expression.error().message).contains(messagePart),
            expression.error().message.c_str());
    }

    void yamlForm() {
        const std::string yaml = R"(
all:
  - field: event_type
    operator: equals
    value: auth_failed
  - any:
      - field: User
        operator: in
        value: [admin, root]
      - 'User == "oracle"'
  - not:
      field: SourceIp
      operator: starts_with
      value: "10."
  - field: severity
    operator: gte
    value: high
)";
        auto section = config::Section::loadString(yaml, "policy.yaml");
        QVERIFY(section.ok());
        auto expression = expr::Expression::fromConfig(*section);
        QVERIFY2(expression.ok(), expression.ok() ? "" : expression.error().message.c_str());
        Fixture fixture;
        QVERIFY(expression->matches(*fixture.event));
        QCOMPARE(QString::fromStdString(expression->toString()),
            QStringLiteral("(event_type == \"auth_failed\" AND (User in [\"admin\", \"root\"] OR User == "
                           "\"oracle\") AND NOT SourceIp startswith \"10.\" AND severity >= \"high\")"));
    }

    void yamlErrorsNameTheLine() {
        const std::string yaml = "all:\n  - field: User\n    operator: sounds_like\n    value: root\n";
        auto section = config::Section::loadString(yaml, "p.yaml");
        QVERIFY(section.ok());
        auto expression = expr::Expression::fromConfig(*section);
        QVERIFY(!expression.ok());
        QVERIFY2(QString::fromStdString(expression.error().message).startsWith(u"p.yaml:3:15:"),
            expression.error().message.c_str());
        QVERIFY(QString::fromStdString(expression.error().message).contains(u"unknown operator 'sounds_like'"));

        auto missing = config::Section::loadString("field: User\noperator: equals\n", "q.yaml");
        QVERIFY(!expr::Expression::fromConfig(*missing).ok());
        auto typo = config::Section::loadString("field: User\nvalu: root\n", "r.yaml");
        auto typoResult = expr::Expression::fromConfig(*typo);
        QVERIFY(!typoResult.ok());
        QVERIFY(QString::fromStdString(typoResult.error().message).contains(u"unknown setting 'valu'"));
    }

    void emptyExpressionMatchesEverything() {
        expr::Expression everything;
        Fixture fixture;
        QVERIFY(everything.matchesEverything());
        QVERIFY(everything.matches(*fixture.event));
    }
};

QTEST_GUILESS_MAIN(TestExpression)
#include "tst_expression.moc"
