// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace vanopticon::daemon {

enum class Role { Server, Sentinel };

// vanopticond [--role server|sentinel] [--config FILE] [--data-dir DIR] [--listen HOST:PORT]
//             [--server ws://HOST:PORT] [--enroll TOKEN]
struct Options {
    Role role = Role::Server;
    QString configPath; // empty: the shipped default for the role
    QString dataDir; // empty: from the config, else /var/lib/vanopticon
    QString listen; // HOST:PORT, overrides the config
    QUrl server; // sentinel: the server to connect to, overrides the config
    QString enrollToken; // sentinel: one-time token for the first start
};

Result<Options> parseOptions(const QStringList &arguments);

struct HostPort {
    QHostAddress address;
    quint16 port = 0;
};
// "127.0.0.1:8470", "[::1]:8470", "0.0.0.0:0" (0 = any free port).
Result<HostPort> parseHostPort(const QString &text);

} // namespace vanopticon::daemon
