// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

#include <climits>
#include <string>
#include <unistd.h>

// Tests that change firewall state run inside a fresh network namespace (CTest starts them with
// `unshare -n`, as root). This guard refuses to go on anywhere else, so such a test can never
// change the host's firewall and never passes without running. Header-only: tests share it.
namespace vanopticon::testsupport {

inline std::string readLink(const std::string &path) {
    char target[PATH_MAX] = {};
    const ssize_t length = ::readlink(path.c_str(), target, sizeof target - 1);
    return length > 0 ? std::string(target, static_cast<std::size_t>(length)) : std::string();
}

// An empty string when this process is in a network namespace of its own; otherwise why not.
inline QString whyNotInOwnNetworkNamespace() {
    const std::string own = readLink("/proc/self/ns/net");
    // PID 1's namespace is the host's. Some sandboxes hide PID 1 even from root; then the parent
    // (the ctest or shell that ran `unshare -n`) stands for the namespace the test came from.
    std::string reference = readLink("/proc/1/ns/net");
    if (reference.empty())
        reference = readLink("/proc/" + std::to_string(::getppid()) + "/ns/net");
    if (own.empty() || reference.empty())
        return QStringLiteral("cannot read /proc/self/ns/net or the reference namespace");
    if (own == reference)
        return QStringLiteral("this process shares its network namespace (%1) with the one it was started from")
            .arg(QString::fromStdString(own));
    // A fresh namespace has only a loopback interface; anything more is not ours to change.
    QProcess ip;
    ip.start(QStringLiteral("ip"), {QStringLiteral("-o"), QStringLiteral("link")});
    if (!ip.waitForFinished(5000) || ip.exitCode() != 0)
        return QStringLiteral("`ip -o link` failed (iproute2 is needed)");
    const QStringList links = QString::fromUtf8(ip.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    if (links.size() != 1 || !links.first().contains(QStringLiteral(": lo:")))
        return QStringLiteral("the namespace has interfaces other than lo, so it is not a fresh one");
    return {};
}

} // namespace vanopticon::testsupport
