// SPDX-License-Identifier: Apache-2.0
#include "daemon/serverapplication.h"

#include "analysis/alert/alertmanager.h"
#include "analysis/correlate/correlationengine.h"
#include "analysis/correlate/ruleloader.h"
#include "analysis/ingest/ingestor.h"
#include "analysis/score/threatscorer.h"
#include "analysis/sigma/service/sigmareport.h"
#include "analysis/sigma/service/sigmaservice.h"
#include "command/auth/authservice.h"
#include "command/gateway/sentinelgateway.h"
#include "command/http/api.h"
#include "command/http/httpserver.h"
#include "command/http/livestream.h"
#include "command/http/tlslistener.h"
#include "daemon/servermetrics.h"
#include "sentinel/sentinel.h"
#include "shared/bus/eventbus.h"
#include "shared/crypto/crypto.h"
#include "shield/decide/decisionservice.h"
#include "shield/dispatch/commandsigner.h"
#include "shield/policy/policyloader.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/json.h"
#include "storage/nodes.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QWebSocket>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace vanopticon::daemon {

namespace {

// Degraded while rules are missing: some failed to load (their detections do not happen) or the
// last reload failed (the rules in service are older than the files).
command::HealthCheck sigmaHealth(const analysis::sigma::SigmaService &sigma) {
    const auto &rules = sigma.detector().rules();
    const auto &status = sigma.status();
    QString message = u"%1 Sigma rules and %2 correlations in service, %3 failed to load"_s.arg(rules.rules.size())
                          .arg(sigma.detector().correlationCount())
                          .arg(rules.failures.size());
    if (!status.lastReloadError.isEmpty())
        message += u"; the last reload failed: "_s + status.lastReloadError;
    const bool complete = status.lastReloadError.isEmpty() && rules.failures.empty();
    return {u"sigma"_s, complete ? u"healthy"_s : u"degraded"_s, message, 0};
}

// Degraded while a node reports that its disk buffer dropped events (since that sentinel
// started): they never reach the server.
command::HealthCheck bufferHealth(const NodeBufferReports &reports) {
    QStringList dropping;
    for (const auto &[node, report] : reports) {
        const std::uint64_t dropped = report.droppedOverflow + report.droppedExpired + report.droppedCorrupt;
        if (dropped > 0)
            dropping.append(u"%1 (%2 events: %3 over max_size, %4 older than max_age, %5 damaged)"_s
                                .arg(QString::fromStdString(node))
                                .arg(dropped)
                                .arg(report.droppedOverflow)
                                .arg(report.droppedExpired)
                                .arg(report.droppedCorrupt));
    }
    if (dropping.isEmpty())
        return {u"node_buffers"_s, u"healthy"_s, u"no node reports buffer drops"_s, 0};
    return {u"node_buffers"_s, u"degraded"_s, u"buffer drops on "_s + dropping.join(u"; "_s), 0};
}

} // namespace

// Declared in the order they are built; destroyed in reverse, so the database goes last.
struct ServerApplication::Parts {
    ServerConfig config;
    storage::Database db;
    crypto::SigningKey serverKey;
    std::unique_ptr<storage::AuditLog> audit;
    EventBus bus;
    std::unique_ptr<command::AuthService> auth;
    std::unique_ptr<analysis::CorrelationEngine> correlation;
    analysis::ThreatScorer scorer;
    std::unique_ptr<shield::PolicyEngine> policies;
    std::unique_ptr<shield::CommandSigner> signer;
    std::unique_ptr<shield::DecisionService> decisions;
    std::unique_ptr<analysis::AlertManager> alerts;
    std::unique_ptr<analysis::sigma::SigmaService> sigma; // null when Sigma is off
    std::unique_ptr<analysis::Ingestor> ingestor;
    std::unique_ptr<command::SentinelGateway> gateway;
    std::unique_ptr<command::LiveStream> stream;
    std::unique_ptr<command::HttpServer> http;
    std::unique_ptr<command::ApiContext> api;
    quint16 port = 0;
    std::unique_ptr<sentinel::Sentinel> localSentinel;
    NodeBufferReports nodeBuffers; // from the heartbeats
    DeliveryDelay deliveryDelay; // from the batches
};

ServerApplication::ServerApplication(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {
}

ServerApplication::~ServerApplication() = default;

quint16 ServerApplication::port() const {
    return m_parts ? m_parts->port : 0;
}

Result<void> ServerApplication::start() {
    auto config = loadServerConfig(m_options);
    if (!config)
        return config.error();
    m_parts = std::make_unique<Parts>();
    Parts &p = *m_parts;
    p.config = *config;

    if (!QDir().mkpath(p.config.dataDir))
        return makeError("cannot create the data directory " + p.config.dataDir.toStdString());
    QFile::setPermissions(p.config.dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (auto opened = p.db.open(p.config.dataDir + u"/vanopticon.db"_s); !opened)
        return opened;
    auto key = crypto::SigningKey::loadOrCreate(QString(p.config.dataDir + u"/server.key"_s).toStdString());
    if (!key)
        return key.error();
    p.serverKey = std::move(*key);
    p.audit = std::make_unique<storage::AuditLog>(p.db);

    // Users: the first administrator on first start.
    p.auth = std::make_unique<command::AuthService>(p.db, *p.audit);
    QString generated;
    if (auto boot = p.auth->bootstrapAdmin(qEnvironmentVariable("VANOPTICON_ADMIN_PASSWORD"), &generated); !boot)
        return boot;
    if (!generated.isEmpty()) {
        // Shown once, on the terminal only: it is not in the log or the database.
        std::fprintf(stderr,
            "vanopticond: created user 'admin' with password: %s\n"
            "vanopticond: (shown once; set VANOPTICON_ADMIN_PASSWORD to choose it)\n",
            qPrintable(generated));
    }

    // Analysis and shield.
    auto rules = analysis::loadCorrelationRuleDirectory(p.config.correlationRules.toStdString());
    if (!rules)
        return rules.error();
    p.correlation = std::make_unique<analysis::CorrelationEngine>(std::move(*rules));
    auto policies = shield::loadPolicyDirectory(p.config.policies.toStdString());
    if (!policies)
        return policies.error();
    p.policies = std::make_unique<shield::PolicyEngine>(std::move(*policies));
    p.signer = std::make_unique<shield::CommandSigner>(p.serverKey);
    p.decisions = std::make_unique<shield::DecisionService>(
        p.db, *p.audit, p.bus, *p.policies, *p.signer, [&p](const QString &nodeId, const v1::SignedCommand &command) {
            return p.gateway->sendCommand(nodeId, command);
        });
    p.alerts = std::make_unique<analysis::AlertManager>(
        p.db, p.bus, p.scorer, [&p](const storage::AlertRecord &alert, bool) { p.decisions->onAlert(alert); });
    if (auto sigma = startSigma(); !sigma)
        return sigma;
    p.ingestor
        = std::make_unique<analysis::Ingestor>(p.db, *p.correlation, *p.alerts, p.config.maxEventAge, p.sigma.get());

    // The sentinel channel.
    command::GatewayHandlers handlers;
    handlers.batches = [&p](std::span<const command::BatchToStore> group) {
        std::vector<analysis::IngestItem> items;
        items.reserve(group.size());
        for (const command::BatchToStore &batch : group)
            items.push_back({batch.nodeId, batch.batch});
        std::vector<Result<analysis::IngestResult>> results = p.ingestor->ingest(items);
        std::vector<Result<command::IngestOutcome>> outcomes;
        outcomes.reserve(results.size());
        const qint64 now = storage::nowMs();
        for (std::size_t i = 0; i < results.size(); ++i) {
            const Result<analysis::IngestResult> &result = results[i];
            if (!result) {
                outcomes.emplace_back(result.error());
                continue;
            }
            const QString &nodeId = group[i].nodeId;
            p.deliveryDelay.record(nodeId.toStdString(), group[i].batch->collectedUnixMs, now, result->stored);
            if (result->rejected > 0) {
                qWarning("ingest: %u events from node %s refused (invalid, or older than server.max_event_age)",
                    result->rejected, qPrintable(nodeId));
            }
            outcomes.emplace_back(command::IngestOutcome {result->stored + result->duplicates, result->rejected});
        }
        return outcomes;
    };
    handlers.heartbeat = [&p](const QString &nodeId, const v1::Heartbeat &heartbeat) {
        const qint64 now = storage::nowMs();
        storage::NodeRepository nodes(p.db);
        (void)nodes.recordHeartbeat(nodeId, now);
        const NodeBufferReport buffer {heartbeat.buffer_bytes(), heartbeat.buffer_events(),
            heartbeat.buffer_dropped_overflow(), heartbeat.buffer_dropped_expired(),
            heartbeat.buffer_dropped_corrupt()};
        p.nodeBuffers[nodeId.toStdString()] = buffer;
        p.bus.publish(u"node.heartbeat"_s,
            QJsonObject {{u"node_id"_s, nodeId}, {u"hostname"_s, QString::fromStdString(heartbeat.hostname())},
                {u"time"_s, storage::isoTime(now)}, {u"events_collected"_s, qint64(heartbeat.events_collected())},
                {u"events_sent"_s, qint64(heartbeat.events_sent())},
                {u"parse_errors"_s, qint64(heartbeat.parse_errors())},
                {u"unacked_batches"_s, qint64(heartbeat.unacked_batches())},
                {u"buffer_events"_s, qint64(buffer.events)}, {u"buffer_bytes"_s, qint64(buffer.bytes)},
                {u"buffer_dropped"_s,
                    QJsonObject {{u"overflow"_s, qint64(buffer.droppedOverflow)},
                        {u"expired"_s, qint64(buffer.droppedExpired)},
                        {u"corrupt"_s, qint64(buffer.droppedCorrupt)}}}});
    };
    handlers.commandResult = [&p](const QString &nodeId, const v1::CommandResult &result) {
        p.decisions->onCommandResult(nodeId, result);
    };
    p.gateway = std::make_unique<command::SentinelGateway>(p.db, *p.audit, p.bus, p.serverKey, std::move(handlers),
        p.config.maxQueuedEvents, analysis::Ingestor::kGroupEvents);

    // HTTP: the REST API, the live stream and the sentinel endpoint on one port.
    p.stream = std::make_unique<command::LiveStream>(p.bus);
    p.http = std::make_unique<command::HttpServer>();
    p.api.reset(new command::ApiContext {
        p.db, *p.audit, *p.auth, *p.stream, {}, {}, {}, QStringLiteral(VANOPTICON_VERSION), {}, {}});
    p.api->nodeOnline = [&p](const QString &nodeId) { return p.gateway->isOnline(nodeId); };
    p.api->decide = [&p](qint64 id, bool approve, const command::Principal &by, const QString &reason) {
        return p.decisions->decide(id, approve, by.username, reason);
    };
    p.api->healthChecks = [&p] {
        QList<command::HealthCheck> checks;
        QElapsedTimer timer;
        timer.start();
        QSqlQuery probe(p.db.handle());
        const bool dbOk = probe.exec(u"SELECT 1"_s) && probe.next();
        const double dbMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        checks.append({u"database"_s, dbOk ? u"healthy"_s : u"unhealthy"_s,
            dbOk ? u"SQLite answers"_s : u"the database does not answer"_s, dbMs});
        checks.append({u"analysis"_s, u"healthy"_s,
            QString::number(p.correlation->ruleCount()) + u" correlation rules loaded"_s, 0});
        if (p.sigma)
            checks.append(sigmaHealth(*p.sigma));
        checks.append({u"shield"_s, u"healthy"_s,
            QString::number(p.policies->policies().size()) + u" response policies loaded"_s, 0});
        checks.append(
            {u"nodes"_s, u"healthy"_s, QString::number(p.gateway->onlineCount()) + u" sentinels connected"_s, 0});
        checks.append(bufferHealth(p.nodeBuffers));
        if (p.localSentinel) {
            const QJsonObject status = p.localSentinel->status();
            const bool connected = status.value(u"connected"_s).toBool();
            checks.append({u"local_sentinel"_s, connected ? u"healthy"_s : u"degraded"_s,
                connected ? u"connected; %1 events sent"_s.arg(status.value(u"events_sent"_s).toInteger())
                          : u"not connected to the server"_s,
                0});
        }
        return checks;
    };
    if (p.sigma) {
        p.api->sigmaRules = [&p](const QString &sort, int limit) {
            return analysis::sigma::sigmaRuleReport(
                *p.sigma, analysis::sigma::parseRuleOrder(sort).value_or(analysis::sigma::RuleOrder::Matches), limit);
        };
    }
    p.api->metrics = [&p] {
        return serverMetrics({p.ingestor->counters(), p.alerts->counters(), p.gateway->onlineCount(), p.sigma.get(),
            &p.nodeBuffers, &p.deliveryDelay, &p.gateway->counters(), p.gateway->queue(),
            p.http->tlsListener() ? std::optional<quint64>(p.http->tlsListener()->handshakeFailures()) : std::nullopt,
            p.db.checkpointer()});
    };
    command::registerApi(*p.http, *p.api);
    p.http->webSocketRoute(
        u"/api/v1/sentinel"_s, {}, [&p](std::unique_ptr<QWebSocket> socket) { p.gateway->accept(std::move(socket)); });
    std::optional<QSslConfiguration> tls;
    if (p.config.tls)
        tls = p.config.tls->sslConfiguration();
    auto port = p.http->listen(p.config.listen.address, p.config.listen.port, tls);
    if (!port)
        return port.error();
    p.port = *port;
    const QString host = p.config.listen.address.protocol() == QAbstractSocket::IPv6Protocol
        ? u"["_s + p.config.listen.address.toString() + u"]"_s
        : p.config.listen.address.toString();
    std::fprintf(stderr, "vanopticond: listening on %s://%s:%u (data in %s)\n", p.config.tls ? "https" : "http",
        qPrintable(host), p.port, qPrintable(p.config.dataDir));

    if (!p.config.localSentinelConfig.isEmpty())
        return startLocalSentinel();
    return {};
}

// Sigma rules from server.sigma: loaded and compiled before the server listens, so the first
// event is already evaluated; then reloaded when the rule files change.
Result<void> ServerApplication::startSigma() {
    Parts &p = *m_parts;
    const SigmaConfig &config = p.config.sigma;
    if (config.rulePaths.empty())
        return {};
    analysis::sigma::SigmaOptions options;
    options.rulePaths = config.rulePaths;
    options.logsourcesFile = config.logsources;
    options.placeholdersFile = config.placeholders;
    options.compile.keywordFields = config.keywordFields;
    auto sigma = analysis::sigma::SigmaService::create(std::move(options), config.watch);
    if (!sigma)
        return makeError("sigma: " + sigma.error().message);
    p.sigma = std::move(*sigma);
    const auto &rules = p.sigma->detector().rules();
    for (const auto &failure : rules.failures)
        qWarning("sigma: %s: %s (left out)", failure.where.toString().c_str(), failure.reason.c_str());
    std::fprintf(stderr, "vanopticond: %zu Sigma rules and %zu correlations in service (%zu failed, %.1f s)\n",
        rules.rules.size(), p.sigma->detector().correlationCount(), rules.failures.size(), rules.compileSeconds);
    return {};
}

Result<void> ServerApplication::startLocalSentinel() {
    Parts &p = *m_parts;
    // The local sentinel is a real node: it enrolls through the same channel, once, with a token
    // the server makes for it.
    const QString identityDir = p.config.dataDir + u"/local-sentinel"_s;
    QString token;
    if (!QFileInfo::exists(identityDir + u"/node.json"_s)) {
        token = QString::fromStdString(crypto::randomToken("vo_enroll_"));
        storage::NodeRepository nodes(p.db);
        if (auto created = nodes.createEnrollmentToken(
                command::hashToken(token), u"local sentinel"_s, u"system"_s, storage::nowMs() + 600'000);
            !created)
            return created;
    }
    const QString host
        = p.config.listen.address.isEqual(QHostAddress::AnyIPv4) || p.config.listen.address.isEqual(QHostAddress::Any)
        ? u"127.0.0.1"_s
        : p.config.listen.address.toString();
    const QUrl server(
        u"%1://%2:%3"_s.arg(p.config.tls ? u"wss"_s : u"ws"_s)
            .arg(p.config.listen.address.protocol() == QAbstractSocket::IPv6Protocol ? u"["_s + host + u"]"_s : host)
            .arg(p.port));
    sentinel::SentinelOptions options;
    options.configPath = p.config.localSentinelConfig;
    options.stateDir = identityDir;
    options.server = server;
    options.enrollToken = token;
    if (p.config.tls) {
        // It connects to this listener by address and trusts the listener's own certificate.
        options.serverCertificateChain = p.config.tls->certificateChain;
        options.serverRequiresClientCertificate = p.config.tls->requireClientCertificate;
    }
    auto sentinel = sentinel::Sentinel::create(options);
    if (!sentinel)
        return makeError("local sentinel: " + sentinel.error().message);
    p.localSentinel = std::move(*sentinel);
    p.localSentinel->start();
    return {};
}

} // namespace vanopticon::daemon
