// SPDX-License-Identifier: Apache-2.0
#include "demoattack.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QThread>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

QByteArray syslogLine(const QDateTime &when, int pid, const QString &message) {
    return (QLocale::c().toString(when, u"MMM"_s) + u" "_s + when.toString(u"d"_s).rightJustified(2, u' ') + u" "_s
        + when.toString(u"HH:mm:ss"_s) + u" demo-host sshd[%1]: "_s.arg(pid) + message + u"\n"_s)
        .toUtf8();
}

} // namespace

int demoAttack(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Append a short demo attack to an auth log."_s);
    parser.addHelpOption();
    const QCommandLineOption log(u"log"_s, u"The auth log to append to."_s, u"file"_s);
    const QCommandLineOption pace(u"pace-ms"_s, u"Pause between lines (default 400)."_s, u"ms"_s, u"400"_s);
    parser.addOptions({log, pace});
    parser.process(arguments);
    if (!parser.isSet(log)) {
        std::fprintf(stderr, "vanopticonctl demo-attack: --log FILE is required\n");
        return 2;
    }
    bool ok = false;
    const int paceMs = parser.value(pace).toInt(&ok);
    if (!ok || paceMs < 0 || paceMs > 60'000) {
        std::fprintf(stderr, "vanopticonctl demo-attack: --pace-ms must be 0..60000\n");
        return 2;
    }
    QFile file(parser.value(log));
    if (!file.open(QIODevice::Append)) {
        std::fprintf(
            stderr, "vanopticonctl demo-attack: %s: %s\n", qPrintable(file.fileName()), qPrintable(file.errorString()));
        return 1;
    }
    const auto write = [&](const QDateTime &when, int pid, const QString &message, const char *note) {
        file.write(syslogLine(when, pid, message));
        file.flush();
        std::printf("  %-46s %s\n", note, qPrintable(message));
        std::fflush(stdout);
        QThread::msleep(static_cast<unsigned long>(paceMs));
    };

    const QDateTime now = QDateTime::currentDateTime();
    std::printf("demo attack → %s\n", qPrintable(file.fileName()));
    write(now, 2101, u"Failed password for alice from 198.51.100.4 port 50110 ssh2"_s, "alice mistypes her password");
    write(now, 2101, u"Accepted password for alice from 198.51.100.4 port 50110 ssh2"_s, "alice logs in");
    write(now, 2230, u"Invalid user admin from 203.0.113.7 port 41234"_s, "a scanner tries user admin");
    for (int i = 0; i < 6; ++i)
        write(QDateTime::currentDateTime(), 2230 + i,
            u"Failed password for %1 from 203.0.113.7 port %2 ssh2"_s.arg(i % 2 ? u"invalid user admin"_s : u"root"_s)
                .arg(41235 + i),
            "... and guesses passwords");
    // A slower attacker: five guesses over two minutes (too slow for the 60 s rule), then in.
    const QDateTime slow = QDateTime::currentDateTime().addSecs(-130);
    for (int i = 0; i < 5; ++i)
        write(slow.addSecs(25 * i), 2400 + i, u"Failed password for oracle from 192.0.2.77 port 40000 ssh2"_s,
            "another source guesses oracle's password");
    write(QDateTime::currentDateTime(), 2405, u"Accepted password for oracle from 192.0.2.77 port 40001 ssh2"_s,
        "... and gets in");
    std::printf("done: expect alerts ssh_brute_force (203.0.113.7, high) and brute_force_attack (oracle from "
                "192.0.2.77, critical), each with a pending ip_block approval\n");
    return 0;
}

} // namespace vanopticon::ctl
