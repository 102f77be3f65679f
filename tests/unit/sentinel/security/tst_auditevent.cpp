// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/auditeventparser.h"

#include <QMap>
#include <QTest>

#include <random>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string_view view(const QByteArray &data) {
    return std::string_view(data.constData(), static_cast<std::size_t>(data.size()));
}

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = 1'795'435'200'000'000'000;
    context.hostName = "collector-host";
    return context;
}

// Each expectation is "Name=value", or "!Name" for a field that must be absent.
void checkFields(const Event &event, const QList<QByteArray> &expected) {
    QMap<QByteArray, QByteArray> fields;
    for (const Field &f : event.fields())
        fields.insert(bytes(fieldName(f.id)), bytes(f.value));
    for (const QByteArray &line : expected) {
        if (line.startsWith('!')) {
            QVERIFY2(!fields.contains(line.mid(1)), line.constData());
            continue;
        }
        const qsizetype equals = line.indexOf('=');
        const QByteArray name = line.left(equals);
        QVERIFY2(fields.contains(name), name.constData());
        QCOMPARE(fields.value(name), line.mid(equals + 1));
    }
}

// One execve as auditd 3.0 writes it with "-a always,exit -F arch=b64 -S execve -k exec".
const QList<QByteArray> kExecEvent = {
    "type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exit=0 a0=55d3f1a2b4c0 "
    "a1=55d3f1a2b5e0 a2=55d3f1a2b700 a3=8 items=2 ppid=1234 pid=1240 auid=1000 uid=1000 gid=1000 euid=1000 "
    "suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" "
    "subj=unconfined key=\"exec\"",
    "type=EXECVE msg=audit(1700000000.123:456): argc=3 a0=\"ls\" a1=\"-l\" a2=2F746D702F6D792066696C65",
    "type=CWD msg=audit(1700000000.123:456): cwd=\"/home/alice\"",
    "type=PATH msg=audit(1700000000.123:456): item=0 name=\"/usr/bin/ls\" inode=1234 dev=08:01 mode=0100755 "
    "ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
    "type=PROCTITLE msg=audit(1700000000.123:456): proctitle=6C73002D6C002F746D702F6D792066696C65",
    "type=EOE msg=audit(1700000000.123:456): ",
};

} // namespace

class TestAuditEvent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The records of one execve: the EXECVE record becomes the process_creation event, completed
    // from the SYSCALL record before it.
    void execveEvent() {
        AuditEventParser parser;
        EventBatch batch;
        for (const QByteArray &line : kExecEvent)
            QVERIFY(parser.parse(view(line), testContext(), batch).ok());
        QCOMPARE(batch.size(), std::size_t(kExecEvent.size()));
        for (const Event &event : batch.events()) {
            QCOMPARE(event.timestampNs, std::int64_t(1'700'000'000'123'000'000));
            checkFields(event, {"audit_serial=456", "host=collector-host", "source_type=auditd"});
        }
        const Event &syscall = batch.events()[0];
        QCOMPARE(bytes(syscall.value(field::EventType)), QByteArray("syscall"));
        checkFields(syscall,
            {"type=SYSCALL", "category=process", "Image=/usr/bin/ls", "ProcessName=ls", "ProcessId=1240",
                "ParentProcessId=1234", "User=1000", "syscall=59", "exe=/usr/bin/ls", "comm=ls", "key=exec",
                "a0=55d3f1a2b4c0", "auid=1000", "success=yes", "service=auditd"});

        const Event &execve = batch.events()[1];
        QCOMPARE(bytes(execve.value(field::EventType)), QByteArray("process_creation"));
        QCOMPARE(toString(execve.severity), toString(Severity::Info));
        checkFields(execve,
            {"type=EXECVE", "category=process", "CommandLine=ls -l /tmp/my file", "a0=ls", "a1=-l", "a2=/tmp/my file",
                "argc=3", "Image=/usr/bin/ls", "ProcessName=ls", "ProcessId=1240", "ParentProcessId=1234",
                "User=1000"});

        checkFields(batch.events()[2], {"type=CWD", "cwd=/home/alice", "event_type=audit", "category=system"});
        checkFields(batch.events()[3], {"type=PATH", "name=/usr/bin/ls", "nametype=NORMAL", "event_type=audit"});
        checkFields(batch.events()[4], {"type=PROCTITLE", "proctitle=ls -l /tmp/my file"});
        checkFields(batch.events()[5], {"type=EOE", "event_type=audit", "message="});
        QCOMPARE(parser.stats().events, std::uint64_t(6));
        QCOMPARE(parser.stats().processCreations, std::uint64_t(1));
        QCOMPARE(parser.stats().withExecContext, std::uint64_t(1));
        QCOMPARE(parser.stats().unnamedFields, std::uint64_t(0));
    }

    // A SYSCALL record of another event does not complete an EXECVE record.
    void execveWithoutItsSyscall() {
        AuditEventParser parser;
        EventBatch batch;
        QVERIFY(parser.parse(view(kExecEvent[0]), testContext(), batch).ok());
        const QByteArray otherSerial = "type=EXECVE msg=audit(1700000000.123:457): argc=1 a0=\"id\"";
        QVERIFY(parser.parse(view(otherSerial), testContext(), batch).ok());
        checkFields(batch.events()[1], {"event_type=process_creation", "CommandLine=id", "!Image", "!ProcessId"});
        // Nor does a SYSCALL record that is not an execve.
        const QByteArray open = "type=SYSCALL msg=audit(1700000001.000:500): arch=c000003e syscall=257 success=yes "
                                "exit=3 ppid=1 pid=2 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"shadow\"";
        const QByteArray execve = "type=EXECVE msg=audit(1700000001.000:500): argc=1 a0=\"cat\"";
        QVERIFY(parser.parse(view(open), testContext(), batch).ok());
        QVERIFY(parser.parse(view(execve), testContext(), batch).ok());
        checkFields(batch.events()[3], {"CommandLine=cat", "!Image"});
        // The free function reads each record on its own.
        EventBatch alone;
        for (const QByteArray &line : kExecEvent)
            QVERIFY(parseAuditEvent(view(line), testContext(), alone).ok());
        checkFields(alone.events()[1], {"event_type=process_creation", "CommandLine=ls -l /tmp/my file", "!Image"});
        QCOMPARE(parser.stats().withExecContext, std::uint64_t(0));
    }

    void records_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("eventType");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QList<QByteArray>>("fields");

        QTest::addRow("enriched SYSCALL: names")
            << QByteArray("type=SYSCALL msg=audit(1700000000.200:460): arch=c000003e syscall=59 success=yes exit=0 "
                          "ppid=900 pid=901 auid=1000 uid=0 comm=\"id\" exe=\"/usr/bin/id\" key=(null)\x1d"
                          "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"root\"")
            << QByteArray("syscall") << Severity::Info
            << QList<QByteArray> {"User=root", "AUID=alice", "UID=root", "SYSCALL=execve", "ARCH=x86_64", "!key"};
        QTest::addRow("a command name in hex")
            << QByteArray("type=SYSCALL msg=audit(1700000000.300:461): arch=c000003e syscall=59 success=yes ppid=1 "
                          "pid=2 uid=0 comm=6D7920636D64206B65793D2265786563 exe=\"/tmp/my cmd\" key=\"exec\"")
            << QByteArray("syscall") << Severity::Info
            << QList<QByteArray> {"comm=my cmd key=\"exec", "ProcessName=my cmd key=\"exec", "key=exec"};
        QTest::addRow("a long argument in pieces")
            << QByteArray("type=EXECVE msg=audit(1700000000.400:462): argc=2 a0=\"cat\" a1_len=8 a1[0]=41424344 "
                          "a1[1]=45464748")
            << QByteArray("process_creation") << Severity::Info
            << QList<QByteArray> {"CommandLine=cat ABCDEFGH", "a1=ABCDEFGH", "!a1_len"};
        QTest::addRow("sshd: failed authentication")
            << QByteArray("type=USER_AUTH msg=audit(1700000001.500:789): pid=2345 uid=0 auid=4294967295 ses=4294967295 "
                          "subj=unconfined msg='op=PAM:authentication grantors=? acct=\"alice\" exe=\"/usr/sbin/sshd\" "
                          "hostname=203.0.113.7 addr=203.0.113.7 terminal=ssh res=failed'")
            << QByteArray("auth_failed") << Severity::Low
            << QList<QByteArray> {"category=authentication", "service=sshd", "User=alice", "SourceIp=203.0.113.7",
                   "Terminal=ssh", "Image=/usr/sbin/sshd", "reason=auth_failure", "res=failed", "op=PAM:authentication",
                   "!grantors"};
        QTest::addRow("sshd: invalid user's login")
            << QByteArray("type=USER_LOGIN msg=audit(1700000002.000:790): pid=2345 uid=0 auid=4294967295 "
                          "ses=4294967295 subj=unconfined msg='op=login acct=\"(unknown)\" exe=\"/usr/sbin/sshd\" "
                          "hostname=? addr=203.0.113.7 terminal=sshd res=failed'")
            << QByteArray("auth_failed") << Severity::Low
            << QList<QByteArray> {"acct=(unknown)", "!User", "SourceIp=203.0.113.7", "!hostname"};
        QTest::addRow("sshd: login") << QByteArray(
            "type=USER_LOGIN msg=audit(1700000003.000:791): pid=2346 uid=0 auid=1000 ses=5 "
            "subj=unconfined msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=198.51.100.4 "
            "addr=198.51.100.4 terminal=/dev/pts/1 res=success'")
                                     << QByteArray("auth_success") << Severity::Info
                                     << QList<QByteArray> {"User=1000", "SourceIp=198.51.100.4", "id=1000", "!reason"};
        QTest::addRow("enriched login: the name")
            << QByteArray("type=USER_LOGIN msg=audit(1700000003.000:792): pid=2346 uid=0 auid=1000 ses=5 "
                          "msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=? addr=::1 terminal=/dev/pts/1 "
                          "res=success'\x1dUID=\"root\" AUID=\"alice\" ID=\"alice\"")
            << QByteArray("auth_success") << Severity::Info << QList<QByteArray> {"User=alice", "SourceIp=::1"};
        QTest::addRow("a login from a host name")
            << QByteArray("type=USER_LOGIN msg=audit(1700000003.000:793): pid=1 uid=0 auid=1000 ses=5 msg='op=login "
                          "id=1000 exe=\"/usr/sbin/sshd\" hostname=evil.example addr=evil.example terminal=ssh "
                          "res=success'")
            << QByteArray("auth_success") << Severity::Info << QList<QByteArray> {"!SourceIp", "addr=evil.example"};
        QTest::addRow("sudo") << QByteArray(
            "type=USER_CMD msg=audit(1700000004.000:792): pid=2400 uid=1000 auid=1000 ses=5 "
            "subj=unconfined msg='cwd=\"/home/alice\" cmd=6C73202D6C61202F726F6F74 exe=\"/usr/bin/sudo\" "
            "terminal=pts/1 res=success'")
                              << QByteArray("sudo_command") << Severity::Info
                              << QList<QByteArray> {"CommandLine=ls -la /root", "cmd=ls -la /root",
                                     "CurrentDirectory=/home/alice", "User=1000", "service=sudo", "Terminal=pts/1"};
        QTest::addRow("sudo refused") << QByteArray(
            "type=USER_CMD msg=audit(1700000004.100:793): pid=2401 uid=1001 auid=1001 ses=6 "
            "msg='cwd=\"/tmp\" cmd=\"id\" exe=\"/usr/bin/sudo\" terminal=pts/2 res=failed'")
                                      << QByteArray("sudo_failed") << Severity::Low
                                      << QList<QByteArray> {"CommandLine=id", "reason=command_refused"};
        QTest::addRow("useradd") << QByteArray(
            "type=ADD_USER msg=audit(1700000005.000:794): pid=2500 uid=0 auid=1000 ses=5 "
            "subj=unconfined msg='op=add-user id=1001 exe=\"/usr/sbin/useradd\" hostname=web1 addr=? "
            "terminal=pts/1 res=success'\x1dUID=\"root\" AUID=\"alice\" ID=\"bob\"")
                                 << QByteArray("user_created") << Severity::Medium
                                 << QList<QByteArray> {"category=iam", "service=useradd", "TargetUserName=bob",
                                        "TargetUserId=1001", "User=alice"};
        QTest::addRow("useradd, not enriched")
            << QByteArray("type=ADD_USER msg=audit(1700000005.000:795): pid=2500 uid=0 auid=1000 ses=5 "
                          "msg='op=add-user id=1001 exe=\"/usr/sbin/useradd\" hostname=web1 addr=? terminal=pts/1 "
                          "res=success'")
            << QByteArray("user_created") << Severity::Medium
            << QList<QByteArray> {"TargetUserId=1001", "!TargetUserName", "User=1000"};
        QTest::addRow("useradd that failed")
            << QByteArray("type=ADD_USER msg=audit(1700000005.000:796): pid=2500 uid=0 auid=1000 ses=5 "
                          "msg='op=add-user acct=\"bob\" exe=\"/usr/sbin/useradd\" hostname=web1 addr=? terminal=pts/1 "
                          "res=failed'")
            << QByteArray("audit") << Severity::Info << QList<QByteArray> {"acct=bob", "!TargetUserName"};
        QTest::addRow("groupadd") << QByteArray(
            "type=ADD_GROUP msg=audit(1700000005.500:797): pid=2510 uid=0 auid=1000 ses=5 "
            "msg='op=add-group acct=\"devs\" exe=\"/usr/sbin/groupadd\" hostname=web1 addr=? "
            "terminal=pts/1 res=success'")
                                  << QByteArray("group_created") << Severity::Medium
                                  << QList<QByteArray> {"GroupName=devs"};
        QTest::addRow("userdel") << QByteArray(
            "type=DEL_USER msg=audit(1700000006.000:798): pid=2520 uid=0 auid=1000 ses=5 "
            "msg='op=delete-user acct=\"bob\" exe=\"/usr/sbin/userdel\" hostname=web1 addr=? "
            "terminal=pts/1 res=success'")
                                 << QByteArray("user_deleted") << Severity::Medium
                                 << QList<QByteArray> {"TargetUserName=bob"};
        QTest::addRow("passwd") << QByteArray(
            "type=USER_CHAUTHTOK msg=audit(1700000007.000:799): pid=2600 uid=0 auid=1000 ses=5 "
            "subj=unconfined msg='op=PAM:chauthtok grantors=pam_unix acct=\"bob\" exe=\"/usr/bin/passwd\" "
            "hostname=web1 addr=? terminal=pts/1 res=success'")
                                << QByteArray("password_changed") << Severity::Medium
                                << QList<QByteArray> {"TargetUserName=bob", "service=passwd", "grantors=pam_unix"};
        QTest::addRow("a named node") << QByteArray("node=web2 type=CWD msg=audit(1700000000.123:456): cwd=\"/\"")
                                      << QByteArray("audit") << Severity::Info
                                      << QList<QByteArray> {"host=web2", "node=web2", "cwd=/"};
        QTest::addRow("AppArmor denial from the kernel log")
            << QByteArray("audit: type=1400 audit(1700000008.042:800): apparmor=\"DENIED\" operation=\"open\" "
                          "profile=\"/usr/sbin/cups-browsed\" name=\"/etc/shadow\" pid=777 comm=\"cups-browsed\" "
                          "requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0")
            << QByteArray("audit") << Severity::Info
            << QList<QByteArray> {"type=1400", "apparmor=DENIED", "name=/etc/shadow", "profile=/usr/sbin/cups-browsed"};
        QTest::addRow("forged fields inside an account name")
            << QByteArray("type=USER_AUTH msg=audit(1700000009.000:801): pid=1 uid=0 auid=4294967295 msg='op=PAM:auth "
                          "acct=\"x res=success addr=10.0.0.1\" exe=\"/usr/sbin/sshd\" addr=203.0.113.9 res=failed'")
            << QByteArray("auth_failed") << Severity::Low
            << QList<QByteArray> {"User=x res=success addr=10.0.0.1", "SourceIp=203.0.113.9"};
        QTest::addRow("an account name in hex")
            << QByteArray("type=USER_AUTH msg=audit(1700000009.000:802): pid=1 uid=0 auid=4294967295 msg='op=PAM:auth "
                          "acct=616C69636520726F6F74 exe=\"/usr/sbin/sshd\" addr=203.0.113.9 res=failed'")
            << QByteArray("auth_failed") << Severity::Low << QList<QByteArray> {"User=alice root"};
        QTest::addRow("no result: not typed")
            << QByteArray("type=USER_AUTH msg=audit(1700000009.000:803): pid=1 uid=0 msg='op=PAM:auth acct=\"a\"'")
            << QByteArray("audit") << Severity::Info << QList<QByteArray> {"acct=a", "!User"};
    }
    void records() {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, eventType);
        QFETCH(Severity, severity);
        QFETCH(QList<QByteArray>, fields);
        AuditEventParser parser;
        EventBatch batch;
        const ParseOutcome outcome = parser.parse(view(line), testContext(), batch);
        QVERIFY2(outcome.ok(), std::string(outcome.failure).c_str());
        QCOMPARE(batch.size(), std::size_t(1));
        const Event &event = batch.events().front();
        QCOMPARE(bytes(event.value(field::EventType)), eventType);
        QCOMPARE(toString(event.severity), toString(severity));
        QCOMPARE(bytes(event.value(field::Raw)), line);
        checkFields(event, fields);
    }

    void refused() {
        AuditEventParser parser;
        EventBatch batch;
        QCOMPARE(bytes(parser.parse("Nov 23 10:15:30 web1 sshd[1]: hello", testContext(), batch).failure),
            QByteArray("not an audit record"));
        QCOMPARE(bytes(parser.parse("type=SYSCALL msg=audit(x): a=1", testContext(), batch).failure),
            QByteArray("invalid audit timestamp"));
        QVERIFY(batch.empty());
        QCOMPARE(parser.stats().records, std::uint64_t(2));
        QCOMPARE(parser.stats().failed, std::uint64_t(2));
    }

    // Field names nobody registered are not added to the registry by a record.
    void unknownFieldNames() {
        AuditEventParser parser;
        EventBatch batch;
        QVERIFY(parser
                    .parse("type=SERVICE_START msg=audit(1700000010.000:900): pid=1 uid=0 auid=4294967295 "
                           "msg='unit=nginx comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" zz_made_up=1 "
                           "res=success'",
                        testContext(), batch)
                    .ok());
        QVERIFY(!FieldRegistry::instance().find("zz_made_up"));
        checkFields(batch.events().front(), {"unit=nginx", "comm=systemd", "!zz_made_up"});
        QCOMPARE(parser.stats().unnamedFields, std::uint64_t(1));
    }

    // Truncated and damaged records never crash; an event is appended exactly when parse() says so.
    void damagedRecords() {
        std::mt19937 random(7);
        AuditEventParser parser;
        EventBatch batch;
        std::size_t accepted = 0;
        std::size_t attempts = 0;
        for (const QByteArray &record : kExecEvent) {
            const std::string line = record.toStdString();
            for (std::size_t length = 0; length <= line.size(); ++length) {
                const std::size_t before = batch.size();
                const ParseOutcome outcome
                    = parser.parse(std::string_view(line).substr(0, length), testContext(), batch);
                QCOMPARE(batch.size(), before + (outcome.ok() ? 1 : 0));
                accepted += outcome.ok() ? 1 : 0;
                ++attempts;
            }
            for (int round = 0; round < 2000; ++round) {
                std::string damaged = line;
                for (int e = 0; e < 3; ++e) {
                    const std::size_t at = random() % damaged.size();
                    if (random() % 2)
                        damaged[at] = "=\"' \x1d\x00(:)0aF"[random() % 12];
                    else
                        damaged[at] = static_cast<char>(random() % 256);
                }
                const std::size_t before = batch.size();
                const ParseOutcome outcome = parser.parse(damaged, testContext(), batch);
                QCOMPARE(batch.size(), before + (outcome.ok() ? 1 : 0));
                accepted += outcome.ok() ? 1 : 0;
                ++attempts;
            }
        }
        QVERIFY(accepted > 0 && accepted < attempts);
    }

    // Many arguments: all of them in CommandLine, the first 64 as fields.
    void manyArguments() {
        QByteArray line = "type=EXECVE msg=audit(1700000011.000:901): argc=100";
        QByteArray expected;
        for (int i = 0; i < 100; ++i) {
            line += " a" + QByteArray::number(i) + "=\"x" + QByteArray::number(i) + '"';
            expected += (i ? " x" : "x") + QByteArray::number(i);
        }
        AuditEventParser parser;
        EventBatch batch;
        QVERIFY(parser.parse(view(line), testContext(), batch).ok());
        checkFields(batch.events().front(), {"CommandLine=" + expected, "a63=x63", "!a64", "!a99"});
    }
};

QTEST_GUILESS_MAIN(TestAuditEvent)
#include "tst_auditevent.moc"
