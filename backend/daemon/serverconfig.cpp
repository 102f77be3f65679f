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

// The `sigma:` block; rule paths must exist (a typo would silently mean "no detection").
Result<SigmaConfig> loadSigmaConfig(const config::Section &sigma, const QString &configDir) {
    if (auto ok = sigma.allowOnly({"rules", "logsources", "placeholders", "keyword_fields", "watch"}); !ok)
        return ok.error();
    SigmaConfig config;
    const QString resources = resourcesDirectory();
    if (sigma.has("rules")) {
        auto rules = sigma.strings("rules");
        if (!rules)
            return rules.error();
        for (const std::string &path : *rules)
            config.rulePaths.push_back(resolve(configDir, path).toStdString());
    } else {
        config.rulePaths.push_back(QString(resources + u"/sigma/rules"_s).toStdString());
    }
    for (const std::string &path : config.rulePaths) {
        if (!QFileInfo::exists(QString::fromStdString(path)))
            return sigma.child("rules").error("no such file or directory: " + path);
    }
    auto logsources = sigma.string("logsources", QString(resources + u"/sigma/logsources.yaml"_s).toStdString());
    auto placeholders = sigma.string("placeholders", "");
    for (const auto *value : {&logsources, &placeholders}) {
        if (!*value)
            return value->error();
    }
    config.logsources = resolve(configDir, *logsources).toStdString();
    if (!placeholders->empty())
        config.placeholders = resolve(configDir, *placeholders).toStdString();
    if (sigma.has("keyword_fields")) {
        auto fields = sigma.strings("keyword_fields");
        if (!fields)
            return fields.error();
        config.keywordFields = std::move(*fields);
    }
    auto watch = sigma.boolean("watch", true);
    if (!watch)
        return watch.error();
    config.watch = *watch;
    return config;
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
    if (auto ok = server.allowOnly({"listen", "data_dir", "correlation_rules", "policies", "local_sentinel",
            "max_event_age", "max_queued_events", "tls", "sigma"});
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

    // Events received and waiting for ingestion: the server's memory for a fleet that sends
    // faster than it stores. Beyond it nodes are told to send again later.
    auto maxQueued
        = server.integer("max_queued_events", static_cast<std::int64_t>(config.maxQueuedEvents), 100, 1'000'000);
    if (!maxQueued)
        return maxQueued.error();
    config.maxQueuedEvents = static_cast<std::size_t>(*maxQueued);

    if (server.has("tls")) {
        auto tls = tls::parseServerTls(server.child("tls"));
        if (!tls)
            return tls.error();
        config.tls = std::move(*tls);
    }

    auto sigma = loadSigmaConfig(server.child("sigma"), configDir);
    if (!sigma)
        return sigma.error();
    config.sigma = std::move(*sigma);
    return config;
}

} // namespace vanopticon::daemon
