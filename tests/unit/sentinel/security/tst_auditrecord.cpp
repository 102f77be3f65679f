// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/auditrecord.h"

#include <QTest>

using namespace vanopticon::sentinel;

namespace {

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string_view view(const QByteArray &data) {
    return std::string_view(data.constData(), static_cast<std::size_t>(data.size()));
}

// "name=value" per field; "q" before a quoted one, "i" inside msg='…', "e" after 0x1D.
QList<QByteArray> describe(std::string_view body) {
    QList<QByteArray> out;
    AuditFieldReader reader(body);
    AuditField f;
    while (reader.next(f)) {
        QByteArray marks;
        if (f.form == AuditValueForm::Quoted)
            marks += 'q';
        if (f.inner)
            marks += 'i';
        if (f.enriched)
            marks += 'e';
        out.append((marks.isEmpty() ? QByteArray() : marks + ' ') + bytes(f.name) + '=' + bytes(f.value));
    }
    return out;
}

} // namespace

class TestAuditRecord : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void headers_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("node");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<qint64>("timestampNs");
        QTest::addColumn<QByteArray>("serial");
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("audit.log") << QByteArray("type=CWD msg=audit(1700000000.123:456): cwd=\"/home/alice\"")
                                   << QByteArray() << QByteArray("CWD") << qint64(1'700'000'000'123'000'000)
                                   << QByteArray("456") << QByteArray("cwd=\"/home/alice\"");
        QTest::addRow("named node") << QByteArray("node=web2 type=USER_LOGIN msg=audit(1700000003.000:791): pid=1")
                                    << QByteArray("web2") << QByteArray("USER_LOGIN")
                                    << qint64(1'700'000'003'000'000'000) << QByteArray("791") << QByteArray("pid=1");
        QTest::addRow("end of event, no fields")
            << QByteArray("type=EOE msg=audit(1700000000.123:456): ") << QByteArray() << QByteArray("EOE")
            << qint64(1'700'000'000'123'000'000) << QByteArray("456") << QByteArray();
        QTest::addRow("kernel log") << QByteArray("audit: type=1400 audit(1700000006.042:800): apparmor=\"DENIED\"")
                                    << QByteArray() << QByteArray("1400") << qint64(1'700'000'006'042'000'000)
                                    << QByteArray("800") << QByteArray("apparmor=\"DENIED\"");
        QTest::addRow("kernel log through syslog")
            << QByteArray("type=1400 audit(1700000006.042:800): apparmor=\"DENIED\"") << QByteArray()
            << QByteArray("1400") << qint64(1'700'000'006'042'000'000) << QByteArray("800")
            << QByteArray("apparmor=\"DENIED\"");
    }
    void headers() {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, node);
        QFETCH(QByteArray, type);
        QFETCH(qint64, timestampNs);
        QFETCH(QByteArray, serial);
        QFETCH(QByteArray, body);
        AuditRecord record;
        const ParseOutcome outcome = parseAuditRecord(view(line), record);
        QVERIFY2(outcome.ok(), std::string(outcome.failure).c_str());
        QCOMPARE(bytes(record.node), node);
        QCOMPARE(bytes(record.type), type);
        QCOMPARE(qint64(record.timestampNs), timestampNs);
        QCOMPARE(bytes(record.serial), serial);
        QCOMPARE(bytes(record.body), body);
    }

    void refused_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("reason");
        QTest::addRow("empty") << QByteArray() << QByteArray("not an audit record");
        QTest::addRow("syslog") << QByteArray("Nov 23 10:15:30 web1 sshd[1]: hi") << QByteArray("not an audit record");
        QTest::addRow("lower-case type") << QByteArray("type=syscall msg=audit(1.1:1): x")
                                         << QByteArray("not an audit record");
        QTest::addRow("no msg") << QByteArray("type=SYSCALL arch=c000003e") << QByteArray("not an audit record");
        QTest::addRow("node alone") << QByteArray("node=web1") << QByteArray("not an audit record");
        QTest::addRow("no close") << QByteArray("type=SYSCALL msg=audit(1700000000.123:456 arch=c000003e")
                                  << QByteArray("invalid audit timestamp");
        QTest::addRow("letters") << QByteArray("type=SYSCALL msg=audit(17000x0000.123:456): a=1")
                                 << QByteArray("invalid audit timestamp");
        QTest::addRow("no serial") << QByteArray("type=SYSCALL msg=audit(1700000000.123): a=1")
                                   << QByteArray("invalid audit timestamp");
        QTest::addRow("empty serial") << QByteArray("type=SYSCALL msg=audit(1700000000.123:): a=1")
                                      << QByteArray("invalid audit timestamp");
        QTest::addRow("serial past 20 digits")
            << QByteArray("type=SYSCALL msg=audit(1700000000.123:123456789012345678901): a=1")
            << QByteArray("invalid audit timestamp");
        QTest::addRow("seconds past int64 nanoseconds")
            << QByteArray("type=SYSCALL msg=audit(9999999999.123:1): a=1") << QByteArray("invalid audit timestamp");
        QTest::addRow("negative") << QByteArray("type=SYSCALL msg=audit(-1.123:1): a=1")
                                  << QByteArray("invalid audit timestamp");
    }
    void refused() {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, reason);
        AuditRecord record;
        QCOMPARE(bytes(parseAuditRecord(view(line), record).failure), reason);
    }

    void fields_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QList<QByteArray>>("fields");
        QTest::addRow("SYSCALL") << QByteArray(
            "arch=c000003e syscall=59 success=yes exit=0 a0=55d3f1a2b4c0 items=2 ppid=1234 pid=1240 "
            "auid=1000 tty=pts0 comm=\"ls\" exe=\"/usr/bin/ls\" subj=unconfined key=\"exec\"")
                                 << QList<QByteArray> {"arch=c000003e", "syscall=59", "success=yes", "exit=0",
                                        "a0=55d3f1a2b4c0", "items=2", "ppid=1234", "pid=1240", "auid=1000", "tty=pts0",
                                        "q comm=ls", "q exe=/usr/bin/ls", "subj=unconfined", "q key=exec"};
        QTest::addRow("user message") << QByteArray(
            "pid=2345 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='op=PAM:authentication "
            "grantors=? acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=203.0.113.7 addr=203.0.113.7 "
            "terminal=ssh res=failed'")
                                      << QList<QByteArray> {"pid=2345", "uid=0", "auid=4294967295", "ses=4294967295",
                                             "subj=unconfined", "i op=PAM:authentication", "i grantors=?",
                                             "qi acct=alice", "qi exe=/usr/sbin/sshd", "i hostname=203.0.113.7",
                                             "i addr=203.0.113.7", "i terminal=ssh", "i res=failed"};
        QTest::addRow("enriched") << QByteArray("arch=c000003e syscall=59 key=(null)\x1d"
                                                "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"root\"")
                                  << QList<QByteArray> {"arch=c000003e", "syscall=59", "key=(null)", "e ARCH=x86_64",
                                         "e SYSCALL=execve", "qe AUID=alice", "qe UID=root"};
        QTest::addRow("enriched after a user message")
            << QByteArray("pid=1 msg='op=add-user id=1001 res=success'\x1dUID=\"root\" ID=\"bob\"")
            << QList<QByteArray> {"pid=1", "i op=add-user", "i id=1001", "i res=success", "qe UID=root", "qe ID=bob"};
        QTest::addRow("a plain value in words (older shadow-utils)")
            << QByteArray("pid=1 msg='op=adding user acct=\"bob\" res=success'")
            << QList<QByteArray> {"pid=1", "i op=adding user", "qi acct=bob", "i res=success"};
        QTest::addRow("AVC prose is skipped")
            << QByteArray(
                   "avc:  denied  { read } for  pid=777 comm=\"cat\" name=\"shadow\" scontext=u:r:t:s0 tclass=file")
            << QList<QByteArray> {"pid=777", "q comm=cat", "q name=shadow", "scontext=u:r:t:s0", "tclass=file"};
        QTest::addRow("a single quote inside a quoted value")
            << QByteArray("msg='op=login acct=\"o'brien\" res=failed'")
            << QList<QByteArray> {"i op=login", "qi acct=o'brien", "i res=failed"};
        QTest::addRow("forged fields inside a quoted value stay in it")
            << QByteArray("msg='op=login acct=\"x res=success\" res=failed'")
            << QList<QByteArray> {"i op=login", "qi acct=x res=success", "i res=failed"};
        QTest::addRow("an unclosed quote keeps what there is")
            << QByteArray("comm=\"trunc") << QList<QByteArray> {"q comm=trunc"};
        QTest::addRow("an empty value") << QByteArray("rhost= user=x") << QList<QByteArray> {"rhost=", "user=x"};
        QTest::addRow("long argument pieces")
            << QByteArray("argc=2 a0=\"cat\" a1_len=8 a1[0]=41424344 a1[1]=45464748")
            << QList<QByteArray> {"argc=2", "q a0=cat", "a1_len=8", "a1[0]=41424344", "a1[1]=45464748"};
    }
    void fields() {
        QFETCH(QByteArray, body);
        QFETCH(QList<QByteArray>, fields);
        QCOMPARE(describe(view(body)), fields);
    }

    void stringFields() {
        QVERIFY(isAuditStringField("SYSCALL", "exe"));
        QVERIFY(isAuditStringField("SYSCALL", "comm"));
        QVERIFY(isAuditStringField("USER_AUTH", "acct"));
        QVERIFY(isAuditStringField("PROCTITLE", "proctitle"));
        QVERIFY(isAuditStringField("EXECVE", "a0"));
        QVERIFY(isAuditStringField("EXECVE", "a12"));
        QVERIFY(isAuditStringField("EXECVE", "a1[3]"));
        QVERIFY(!isAuditStringField("EXECVE", "a1_len"));
        QVERIFY(!isAuditStringField("EXECVE", "argc"));
        QVERIFY(!isAuditStringField("SYSCALL", "a0")); // a register, in hex
        QVERIFY(!isAuditStringField("SYSCALL", "pid"));
        QVERIFY(!isAuditStringField("SYSCALL", "arch"));
    }

    void decoding_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("quoted");
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("quoted") << QByteArray("/usr/bin/ls") << true << QByteArray("/usr/bin/ls");
        QTest::addRow("quoted hex-looking") << QByteArray("CAFE") << true << QByteArray("CAFE");
        QTest::addRow("hex with a space")
            << QByteArray("2F746D702F6D792066696C65") << false << QByteArray("/tmp/my file");
        QTest::addRow("lower-case hex") << QByteArray("2f746d70") << false << QByteArray("/tmp");
        QTest::addRow("proctitle (NUL-separated)")
            << QByteArray("2F62696E2F7368002D63006964") << false << QByteArray("/bin/sh -c id");
        QTest::addRow("proctitle ending in NUL") << QByteArray("6C73002D6C00") << false << QByteArray("ls -l");
        QTest::addRow("quotes and control characters") << QByteArray("6122620A09") << false << QByteArray("a\"b\n\t");
        QTest::addRow("invalid UTF-8 stays bytes") << QByteArray("FF41") << false
                                                   << QByteArray("\xff"
                                                                 "A");
        QTest::addRow("(null)") << QByteArray("(null)") << false << QByteArray("(null)");
        QTest::addRow("?") << QByteArray("?") << false << QByteArray("?");
        QTest::addRow("odd length") << QByteArray("ABC") << false << QByteArray("ABC");
        QTest::addRow("not hex") << QByteArray("12XY") << false << QByteArray("12XY");
    }
    void decoding() {
        QFETCH(QByteArray, value);
        QFETCH(bool, quoted);
        QFETCH(QByteArray, text);
        AuditField f;
        f.name = "exe";
        f.value = view(value);
        f.form = quoted ? AuditValueForm::Quoted : AuditValueForm::Plain;
        std::string scratch = "earlier";
        QCOMPARE(bytes(auditStringValue(f, scratch)), text);
    }
};

QTEST_GUILESS_MAIN(TestAuditRecord)
#include "tst_auditrecord.moc"
