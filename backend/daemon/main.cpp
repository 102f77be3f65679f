// SPDX-License-Identifier: Apache-2.0
// vanopticond: the server, or the sentinel of a monitored host (--role).
#include "daemon/application.h"

#include <QCoreApplication>

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vanopticond"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VANOPTICON_VERSION));
    return vanopticon::daemon::run(QCoreApplication::arguments());
}
