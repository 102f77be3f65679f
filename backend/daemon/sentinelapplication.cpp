// SPDX-License-Identifier: Apache-2.0
#include "daemon/sentinelapplication.h"

#include "daemon/serverconfig.h"
#include "sentinel/sentinel.h"

#include <QDir>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace vanopticon::daemon {

SentinelApplication::SentinelApplication(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {
}

SentinelApplication::~SentinelApplication() = default;

Result<void> SentinelApplication::start() {
    sentinel::SentinelOptions options;
    options.configPath
        = m_options.configPath.isEmpty() ? resourcesDirectory() + u"/config/sentinel.yaml"_s : m_options.configPath;
    options.stateDir = QDir(m_options.dataDir.isEmpty() ? u"/var/lib/vanopticon"_s : m_options.dataDir)
                           .absoluteFilePath(u"sentinel"_s);
    options.server = m_options.server;
    options.enrollToken = m_options.enrollToken;
    auto sentinel = sentinel::Sentinel::create(options);
    if (!sentinel)
        return sentinel.error();
    m_sentinel = std::move(*sentinel);
    connect(m_sentinel.get(), &sentinel::Sentinel::ready, this, [](const QString &nodeId) {
        std::fprintf(stderr, "vanopticond: sentinel connected as %s\n", qPrintable(nodeId));
    });
    m_sentinel->start();
    return {};
}

} // namespace vanopticon::daemon
