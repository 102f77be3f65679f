// SPDX-License-Identifier: Apache-2.0
#include "daemon/options.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace vanopticon::daemon {

Result<HostPort> parseHostPort(const QString &text) {
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return makeError("'" + text.toStdString() + "' is not HOST:PORT");
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return makeError("'" + text.toStdString() + "' has no valid port");
    QHostAddress address;
    if (host == u"localhost"_s)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return makeError("'" + host.toStdString() + "' is not an IP address");
    return HostPort {address, static_cast<quint16>(port)};
}

Result<Options> parseOptions(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Vanopticon daemon: the server, or the sentinel of a monitored host."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption role(u"role"_s, u"server (default) or sentinel."_s, u"role"_s, u"server"_s);
    const QCommandLineOption config(u"config"_s, u"Configuration file (YAML)."_s, u"file"_s);
    const QCommandLineOption dataDir(u"data-dir"_s, u"Directory for the database, keys and state."_s, u"dir"_s);
    const QCommandLineOption listen(u"listen"_s, u"Server: address to listen on (HOST:PORT)."_s, u"host:port"_s);
    const QCommandLineOption server(u"server"_s, u"Sentinel: the server (ws://HOST:PORT or wss://…)."_s, u"url"_s);
    const QCommandLineOption enroll(u"enroll"_s, u"Sentinel: one-time enrollment token (first start)."_s, u"token"_s);
    parser.addOptions({role, config, dataDir, listen, server, enroll});
    if (!parser.parse(arguments))
        return makeError(parser.errorText().toStdString());
    if (parser.isSet(u"help"_s)) {
        parser.showHelp(0); // exits
    }
    if (parser.isSet(u"version"_s))
        parser.showVersion(); // exits
    if (!parser.positionalArguments().isEmpty())
        return makeError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");

    Options options;
    const QString roleName = parser.value(role);
    if (roleName == u"server"_s)
        options.role = Role::Server;
    else if (roleName == u"sentinel"_s)
        options.role = Role::Sentinel;
    else
        return makeError("--role must be server or sentinel, not '" + roleName.toStdString() + "'");
    options.configPath = parser.value(config);
    options.dataDir = parser.value(dataDir);
    options.listen = parser.value(listen);
    options.enrollToken = parser.value(enroll);
    if (parser.isSet(listen)) {
        if (auto ok = parseHostPort(options.listen); !ok)
            return makeError("--listen: " + ok.error().message);
    }
    if (parser.isSet(server)) {
        options.server = QUrl(parser.value(server), QUrl::StrictMode);
        const QString scheme = options.server.scheme();
        if (!options.server.isValid() || (scheme != u"ws"_s && scheme != u"wss"_s) || options.server.host().isEmpty())
            return makeError("--server must be ws://HOST:PORT or wss://HOST:PORT");
    }
    if (options.role == Role::Server && (parser.isSet(server) || parser.isSet(enroll)))
        return makeError("--server and --enroll are sentinel options (use --role sentinel)");
    if (options.role == Role::Sentinel && parser.isSet(listen))
        return makeError("--listen is a server option");
    return options;
}

} // namespace vanopticon::daemon
