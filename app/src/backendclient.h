// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "alertmodel.h"
#include "approvalmodel.h"
#include "nodemodel.h"
#include "restcall.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QtQmlIntegration>
#include <QUrl>

#include <QCoroTask>

#include <chrono>
#include <vector>

class QNetworkAccessManager;

namespace vanopticon::console {

class LiveStream;

// The console's one connection to a Vanopticon server (docs/API.md): logs in, keeps the alert,
// node and approval models filled from the REST API and up to date from the live stream, and
// sends approve/deny decisions. Problems the analyst should see end up in lastError (the
// server's `message` when it sent one). The password and the session token are never logged.
class BackendClient : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QUrl serverUrl READ serverUrl WRITE setServerUrl NOTIFY serverUrlChanged)
    Q_PROPERTY(bool loggedIn READ loggedIn NOTIFY loggedInChanged)
    // A login is on its way.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    // The lists are being (re)fetched.
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(QString username READ username NOTIFY usernameChanged)
    Q_PROPERTY(QString role READ role NOTIFY roleChanged)
    // Whether the role may approve or deny (administrator, analyst, responder).
    Q_PROPERTY(bool canDecide READ canDecide NOTIFY roleChanged)
    // The live stream is up; `transport` says which ("websocket", "sse", or "" when down).
    Q_PROPERTY(bool connected READ connected NOTIFY connectedChanged)
    Q_PROPERTY(QString transport READ transport NOTIFY connectedChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    // Server messages the console could not use (malformed, oversized, notification overflow).
    Q_PROPERTY(int droppedMessages READ droppedMessages NOTIFY droppedMessagesChanged)
    Q_PROPERTY(vanopticon::console::AlertModel *alerts READ alerts CONSTANT)
    Q_PROPERTY(vanopticon::console::NodeModel *nodes READ nodes CONSTANT)
    Q_PROPERTY(vanopticon::console::ApprovalModel *approvals READ approvals CONSTANT)
public:
    enum class Verdict { Approve, Deny };

    explicit BackendClient(QObject *parent = nullptr);
    ~BackendClient() override;

    QUrl serverUrl() const { return m_serverUrl; }
    void setServerUrl(const QUrl &url);
    bool loggedIn() const { return !m_token.isEmpty(); }
    bool busy() const { return m_busy; }
    bool loading() const { return m_refreshing; }
    QString username() const { return m_username; }
    QString role() const { return m_role; }
    bool canDecide() const;
    bool connected() const;
    QString transport() const;
    QString lastError() const { return m_lastError; }
    int droppedMessages() const { return m_droppedMessages; }
    AlertModel *alerts() { return &m_alerts; }
    NodeModel *nodes() { return &m_nodes; }
    ApprovalModel *approvals() { return &m_approvals; }

    // The coroutines behind the QML calls below, for C++ callers that want the outcome.
    // POST /auth/login; on success loads the lists and starts the live stream.
    QCoro::Task<bool> authenticate(QString username, QString password);
    // GET /nodes, /alerts and /approvals?status=pending into the models. Notifications arriving
    // meanwhile are held back and applied on top of the fresh lists, so none is lost or undone.
    QCoro::Task<bool> refresh();
    // POST /approvals/{id}/approve or /deny with {"reason": …}.
    QCoro::Task<bool> submitDecision(qint64 decisionId, Verdict verdict, QString reason);

    Q_INVOKABLE void login(const QString &username, const QString &password);
    Q_INVOKABLE void logout();
    Q_INVOKABLE void reload();
    Q_INVOKABLE void approve(qint64 decisionId, const QString &reason);
    Q_INVOKABLE void deny(qint64 decisionId, const QString &reason);
    Q_INVOKABLE void clearError();

    // Applies one live notification to the models (what the stream delivers; public for tests).
    void applyNotification(const QString &type, const QJsonObject &data);

    // Tests shorten the reconnect delays and the idle timeout of the live stream.
    void setReconnectDelays(std::chrono::milliseconds initial, std::chrono::milliseconds maximum);
    void setIdleTimeout(std::chrono::milliseconds timeout);

    // Largest accepted reason, in characters (the server bounds bodies at 1 MiB anyway).
    static constexpr qsizetype kMaxReasonLength = 2000;

Q_SIGNALS:
    void serverUrlChanged();
    void loggedInChanged();
    void busyChanged();
    void loadingChanged();
    void usernameChanged();
    void roleChanged();
    void connectedChanged();
    void lastErrorChanged();
    void droppedMessagesChanged();
    // Every problem reported through lastError, as it happens.
    void errorOccurred(const QString &message);
    // A live notification arrived (applied now, or after the refetch in flight).
    void notified(const QString &type);
    // An approve/deny was accepted by the server.
    void decisionSubmitted(qint64 decisionId, bool approved);

private:
    struct Pending {
        QString type;
        QJsonObject data;
    };

    void startSession(const QByteArray &token, const QString &username, const QString &role);
    void endSession(const QString &reason);
    void setBusy(bool busy);
    void setRefreshing(bool refreshing);
    void setError(const QString &message);
    void countDropped(int howMany = 1);
    void handleNotification(const QString &type, const QJsonObject &data);
    // Not a coroutine: builds the request and hands back restCall()'s task.
    QCoro::Task<RestReply> get(const QString &path, const QString &query);
    // Reads the `items` of a list answer into a model; false (and lastError) when unusable.
    template<typename Model> bool applyList(const RestReply &reply, Model &model);

    QNetworkAccessManager *m_network;
    LiveStream *m_stream;
    AlertModel m_alerts;
    NodeModel m_nodes;
    ApprovalModel m_approvals;
    QUrl m_serverUrl;
    QByteArray m_token;
    QString m_username;
    QString m_role;
    QString m_lastError;
    QString m_listError; // the last error a refresh reported, cleared by a complete refresh
    bool m_busy = false;
    int m_droppedMessages = 0;
    // Bumped on every login and logout: answers that belong to an older session are ignored.
    quint64 m_session = 0;
    bool m_refreshing = false;
    bool m_refreshAgain = false;
    std::vector<Pending> m_heldBack;
};

} // namespace vanopticon::console
