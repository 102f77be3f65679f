// SPDX-License-Identifier: Apache-2.0
#include "daemon/application.h"

#include "daemon/options.h"
#include "daemon/sentinelapplication.h"
#include "daemon/serverapplication.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace vanopticon::daemon {

namespace {

int g_signalPipe[2] = {-1, -1};

// Async-signal-safe: one byte into a pipe; the event loop does the rest.
void onSignal(int) {
    const char byte = 1;
    [[maybe_unused]] const auto ignored = ::write(g_signalPipe[1], &byte, 1);
}

void quitOnSignals(QCoreApplication &app) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&app] {
        char byte = 0;
        [[maybe_unused]] const auto ignored = ::read(g_signalPipe[0], &byte, 1);
        std::fprintf(stderr, "vanopticond: stopping\n");
        app.quit();
    });
    struct sigaction action { };
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
}

} // namespace

int run(const QStringList &arguments) {
    auto options = parseOptions(arguments);
    if (!options) {
        std::fprintf(stderr, "vanopticond: %s\n(see vanopticond --help)\n", options.error().message.c_str());
        return 2;
    }
    quitOnSignals(*QCoreApplication::instance());
    std::unique_ptr<QObject> role;
    Result<void> started;
    if (options->role == Role::Server) {
        auto server = std::make_unique<ServerApplication>(*options);
        started = server->start();
        role = std::move(server);
    } else {
        auto sentinel = std::make_unique<SentinelApplication>(*options);
        started = sentinel->start();
        role = std::move(sentinel);
    }
    if (!started) {
        std::fprintf(stderr, "vanopticond: cannot start: %s\n", started.error().message.c_str());
        return 1;
    }
    return QCoreApplication::exec();
}

} // namespace vanopticon::daemon
