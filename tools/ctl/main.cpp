// SPDX-License-Identifier: Apache-2.0
// vanopticonctl: the command line for administrators and offline tools.
#include "bench/benchdelivery.h"
#include "bench/benchsentinel.h"
#include "bench/benchserver.h"
#include "bench/benchsigma.h"
#include "demoattack.h"
#include "parse.h"
#include "sigma/sigmacommand.h"
#include "watch.h"

#include <QCoreApplication>

#include <cstdio>

namespace {

void usage() {
    std::fprintf(stderr,
        "usage: vanopticonctl COMMAND [options]\n\n"
        "commands:\n"
        "  demo-attack --log FILE    append a short demo attack to an auth log\n"
        "  watch [--server URL]      print the server's live stream (VANOPTICON_PASSWORD)\n"
        "  parse [--format F] FILE…  print the normalized events of log, NetFlow or EVTX files\n"
        "  sigma check DIR…          load and compile Sigma rules, print failures as JSON\n"
        "  sigma scan --rules DIR… INPUT…  replay .evtx, evtx_dump JSON or logs through Sigma rules\n"
        "  bench sentinel [options]  benchmark the sentinel's parse, enrich and filter stages\n"
        "  bench sigma --rules DIR…  benchmark the Sigma engine on a realistic event mix\n"
        "  bench delivery [options]  benchmark the sentinel's durable buffer and batch framing\n"
        "  bench server [options]    benchmark a running server's ingestion with nodes on loopback\n\n"
        "vanopticonctl COMMAND --help shows a command's options.\n");
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vanopticonctl"));
    QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2) {
        usage();
        return 2;
    }
    const QString command = arguments.takeAt(1);
    if (command == QStringLiteral("demo-attack"))
        return vanopticon::ctl::demoAttack(arguments);
    if (command == QStringLiteral("watch"))
        return vanopticon::ctl::watch(arguments);
    if (command == QStringLiteral("parse"))
        return vanopticon::ctl::parseFiles(arguments);
    if (command == QStringLiteral("sigma"))
        return vanopticon::ctl::sigmaCommand(arguments);
    if (command == QStringLiteral("bench")) {
        const QString what = arguments.size() > 1 ? arguments.takeAt(1) : QString();
        if (what == QStringLiteral("sentinel"))
            return vanopticon::ctl::benchSentinel(arguments);
        if (what == QStringLiteral("sigma"))
            return vanopticon::ctl::benchSigma(arguments);
        if (what == QStringLiteral("delivery"))
            return vanopticon::ctl::benchDelivery(arguments);
        if (what == QStringLiteral("server"))
            return vanopticon::ctl::benchServer(arguments);
        std::fprintf(stderr, "usage: vanopticonctl bench sentinel|sigma|delivery|server [options]\n");
        return 2;
    }
    usage();
    return command == QStringLiteral("--help") || command == QStringLiteral("help") ? 0 : 2;
}
