// SPDX-License-Identifier: Apache-2.0
// vanopticon-console [--server http://127.0.0.1:8470] [--user admin] [--ca-file ca.pem]
// The password is never taken from the command line (it would show in `ps` and shell history):
// the login view asks for it. VANOPTICON_CONSOLE_PASSWORD may prefill it for demos.
#include "trustedauthorities.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QUrl>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Vanopticon_ConsolePlugin)

using namespace Qt::StringLiterals;

int main(int argc, char *argv[]) {
    QGuiApplication::setApplicationName(u"vanopticon-console"_s);
    QGuiApplication::setApplicationDisplayName(u"Vanopticon"_s);
    QGuiApplication::setOrganizationName(u"Vanopticon"_s);
    QGuiApplication::setApplicationVersion(QStringLiteral(VANOPTICON_VERSION));

    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Vanopticon analyst console"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(
        u"server"_s, u"Server address (default http://127.0.0.1:8470)."_s, u"url"_s, u"http://127.0.0.1:8470"_s);
    const QCommandLineOption userOption(u"user"_s, u"User name to log in as (default admin)."_s, u"name"_s, u"admin"_s);
    const QCommandLineOption caOption(u"ca-file"_s,
        u"PEM certificates of the CA that signed an https:// server's certificate, when the system does not "
        u"trust it."_s,
        u"file"_s);
    parser.addOption(serverOption);
    parser.addOption(userOption);
    parser.addOption(caOption);
    parser.process(app);
    if (!parser.positionalArguments().isEmpty()) {
        // Not echoed: it may well be a password someone tried to pass.
        std::fputs("vanopticon-console: unexpected argument; the password is asked for in the window, never passed "
                   "on the command line\n",
            stderr);
        return 2;
    }

    const QUrl server = QUrl::fromUserInput(parser.value(serverOption));
    if (!server.isValid() || (server.scheme() != u"http" && server.scheme() != u"https") || server.host().isEmpty()) {
        std::fprintf(stderr, "vanopticon-console: --server must be an http:// or https:// URL, got '%s'\n",
            qPrintable(parser.value(serverOption)));
        return 2;
    }

    if (parser.isSet(caOption)) {
        const QString problem = vanopticon::console::trustCertificateAuthorities(parser.value(caOption));
        if (!problem.isEmpty()) {
            std::fprintf(stderr, "vanopticon-console: --ca-file %s\n", qPrintable(problem));
            return 2;
        }
    }

    QQmlApplicationEngine engine;
    // Qt 6.4 puts the module's qmldir under qrc:/Vanopticon/Console, outside the default import
    // path (6.5 moves it to qrc:/qt/qml, which is in it).
    engine.addImportPath(u"qrc:/"_s);
    engine.setInitialProperties({
        {u"serverUrl"_s, server},
        {u"initialUsername"_s, parser.value(userOption)},
        {u"initialPassword"_s, qEnvironmentVariable("VANOPTICON_CONSOLE_PASSWORD")},
    });
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
        Qt::QueuedConnection);
    engine.load(QUrl(u"qrc:/Vanopticon/Console/Main.qml"_s));
    if (engine.rootObjects().isEmpty())
        return 1;
    return QGuiApplication::exec();
}
