// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "command/auth/roles.h"
#include "storage/decisions.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace vanopticon::storage {
class Database;
class AuditLog;
} // namespace vanopticon::storage

namespace vanopticon::command {

class AuthService;
class HttpServer;
class LiveStream;

using storage::DecideOutcome;

struct HealthCheck {
    QString name;
    QString status; // healthy, degraded, unhealthy
    QString message;
    double latencyMs = 0;
};

// Everything the REST API needs. The functions are seams to sibling modules (shield, the
// sentinel gateway) that the daemon wires, so this module does not depend on them.
struct ApiContext {
    storage::Database &db;
    storage::AuditLog &audit;
    AuthService &auth;
    LiveStream &stream;
    std::function<bool(const QString &nodeId)> nodeOnline;
    std::function<DecideOutcome(qint64 decisionId, bool approve, const Principal &by, const QString &reason)> decide;
    std::function<QList<HealthCheck>()> healthChecks;
    QString version;
    // The Sigma rule report for sort "matches" | "cost" | "evaluations"; unset when Sigma is off.
    std::function<QJsonObject(const QString &sort, int limit)> sigmaRules;
    std::function<QByteArray()> metrics; // Prometheus text for GET /metrics
};

// Registers every /api/v1 route (docs/API.md) on the server.
void registerApi(HttpServer &server, ApiContext &context);

} // namespace vanopticon::command
