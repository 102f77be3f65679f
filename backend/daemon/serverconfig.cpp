// SPDX-License-Identifier: Apache-2.0
#include "daemon/serverconfig.h"

#include "shared/config/section.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace vanopticon::daemon {

QString resourcesDirectory() {
    // Installed: <prefix>/bin/vanopticond next to <prefix>/share/vanopticon.
    const QString installed = QCoreApplication::applicationDirPath() + u"/../share/vanopticon"_s;
    if (QFileInfo::exists(installed + u"/config/server.yaml"_s))
        return QDir::cleanPath(installed);
    return QStringLiteral(VANOPTICON_RESOURCES_DIR); // running from a build tree
}

namespace {

// A path from the config file, resolved against the file's directory when relative.
QString resolve(const QString &configDir, const std::string &path) {
    const QString text = QString::fromStdString(path);
    return QDir::isAbsolutePath(text) ? QDir::cleanPath(text) : QDir::cleanPath(configDir + u'/' + text);
}

} // namespace

Result<ServerConfig> loadServerConfig(const Options &options) {
    const QString path
        = options.configPath.isEmpty() ? resourcesDirectory() + u"/config/server.yaml"_s : options.configPath;
    auto root = config::Section::loadFile(path.toStdString());
    if (!root)
        return root.error();
    if (auto ok = root->allowOnly({"server"}); !ok)
        return ok.error();
    const config::Section server = root->child("server");
    if (auto ok
        = server.allowOnly({"listen", "data_dir", "correlation_rules", "policies", "local_sentinel", "max_event_age"});
        !ok)
        return ok.error();
    const QString configDir = QFileInfo(path).absolutePath();

    ServerConfig config;
    auto listen = server.string("listen", "127.0.0.1:8470");
    if (!listen)
        return listen.error();
    auto hostPort = parseHostPort(options.listen.isEmpty() ? QString::fromStdString(*listen) : options.listen);
    if (!hostPort)
        return server.child("listen").error(hostPort.error().message);
    config.listen = *hostPort;

    auto dataDir = server.string("data_dir", "/var/lib/vanopticon");
    auto rules
        = server.string("correlation_rules", QString(resourcesDirectory() + u"/rules/correlation"_s).toStdString());
    auto policies = server.string("policies", QString(resourcesDirectory() + u"/policies"_s).toStdString());
    auto localSentinel = server.string("local_sentinel", "");
    for (const auto *value : {&dataDir, &rules, &policies, &localSentinel}) {
        if (!*value)
            return value->error();
    }
    config.dataDir = options.dataDir.isEmpty() ? resolve(configDir, *dataDir) : QDir(options.dataDir).absolutePath();
    config.correlationRules = resolve(configDir, *rules);
    config.policies = resolve(configDir, *policies);
    if (!localSentinel->empty())
        config.localSentinelConfig = resolve(configDir, *localSentinel);

    // Events older than this are refused at ingestion; raise it to import historical logs.
    auto maxEventAge = server.duration("max_event_age", config.maxEventAge);
    if (!maxEventAge)
        return maxEventAge.error();
    if (*maxEventAge < std::chrono::hours(1) || *maxEventAge > std::chrono::hours(24 * 36500))
        return server.child("max_event_age").error("must be between 1h and 36500d");
    config.maxEventAge = *maxEventAge;
    return config;
}

} // namespace vanopticon::daemon
