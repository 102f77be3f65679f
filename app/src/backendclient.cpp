// SPDX-License-Identifier: Apache-2.0
#include "backendclient.h"

#include "jsonfields.h"
#include "livestream.h"
#include "logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace vanopticon::console {

namespace {
// Notifications held back during one refresh; beyond this the refresh simply runs again.
constexpr std::size_t kMaxHeldBack = 5000;
constexpr qsizetype kMaxToken = 4096;

// The token goes into an HTTP header: visible ASCII only, so a broken or hostile answer cannot
// smuggle a line break (and with it other headers) into every later request.
bool isUsableToken(const QString &token) {
    if (token.isEmpty() || token.size() > kMaxToken)
        return false;
    return std::all_of(token.begin(), token.end(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

bool isUsableServer(const QUrl &url) {
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && !url.host().isEmpty();
}
} // namespace

BackendClient::BackendClient(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_stream(new LiveStream(m_network, this))
    , m_serverUrl(u"http://127.0.0.1:8470"_s) {
    connect(m_stream, &LiveStream::connectedChanged, this, [this](bool isConnected) {
        Q_EMIT connectedChanged();
        // The server does not replay what was sent while the stream was down: refetch.
        if (isConnected)
            reload();
    });
    connect(m_stream, &LiveStream::notificationReceived, this, &BackendClient::handleNotification);
    connect(m_stream, &LiveStream::messageDropped, this, [this] { countDropped(); });
    connect(m_stream, &LiveStream::unauthorized, this, [this](const QString &message) { endSession(message); });
}

BackendClient::~BackendClient() {
    // Answers still in flight belong to no session any more: aborting them lets their coroutines
    // see that and finish now rather than wait forever for replies the manager would delete.
    ++m_session;
    m_stream->disconnect(this);
    delete m_stream;
    const auto replies = m_network->findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies)
        reply->abort();
}

void BackendClient::setServerUrl(const QUrl &url) {
    if (url == m_serverUrl)
        return;
    // A session token is only good for the server that issued it.
    if (loggedIn())
        endSession({});
    m_serverUrl = url;
    Q_EMIT serverUrlChanged();
}

bool BackendClient::canDecide() const {
    return m_role == u"administrator" || m_role == u"analyst" || m_role == u"responder";
}

bool BackendClient::connected() const {
    return m_stream->isConnected();
}

QString BackendClient::transport() const {
    switch (m_stream->transport()) {
    case LiveStream::Transport::WebSocket:
        return u"websocket"_s;
    case LiveStream::Transport::EventStream:
        return u"sse"_s;
    case LiveStream::Transport::None:
        break;
    }
    return {};
}

QCoro::Task<bool> BackendClient::authenticate(QString username, QString password) {
    QPointer<BackendClient> self(this);
    username = username.trimmed();
    if (m_busy)
        co_return false;
    if (!isUsableServer(m_serverUrl)) {
        setError(u"The server address must be an http:// or https:// URL, such as http://127.0.0.1:8470."_s);
        co_return false;
    }
    if (username.isEmpty() || password.isEmpty()) {
        setError(u"Enter a user name and a password."_s);
        co_return false;
    }
    if (loggedIn())
        endSession({});
    const quint64 session = ++m_session;
    clearError();
    setBusy(true);
    RestRequest request;
    request.verb = "POST";
    request.url = apiUrl(m_serverUrl, u"/api/v1/auth/login"_s);
    request.body = QJsonDocument(QJsonObject {{u"username"_s, username}, {u"password"_s, password}})
                       .toJson(QJsonDocument::Compact);
    password.clear();
    // Built before the co_await: GCC 12 destroys some temporaries of a co_await expression twice.
    auto pending = restCall(m_network, std::move(request));
    const RestReply reply = co_await pending;
    if (!self || session != m_session)
        co_return false;
    setBusy(false);
    if (!reply.ok()) {
        setError(reply.error);
        co_return false;
    }
    const QJsonObject answer = reply.body.object();
    const QString token = json::text(answer, u"token", kMaxToken + 1);
    if (!isUsableToken(token)) {
        setError(u"The server's login answer carries no usable session token."_s);
        co_return false;
    }
    const QString name = json::text(answer, u"username", 256);
    startSession(token.toUtf8(), name.isEmpty() ? username : name, json::text(answer, u"role", 32).toLower());
    co_return true;
}

void BackendClient::startSession(const QByteArray &token, const QString &username, const QString &role) {
    m_token = token;
    m_username = username;
    m_role = role;
    qCInfo(lcConsole) << "logged in to" << m_serverUrl.toDisplayString() << "as" << username << "role" << role;
    Q_EMIT usernameChanged();
    Q_EMIT roleChanged();
    Q_EMIT loggedInChanged();
    m_stream->start(m_serverUrl, m_token);
    // Fill the lists now even if the live stream takes a while (or never comes up).
    reload();
}

void BackendClient::endSession(const QString &reason) {
    const bool wasLoggedIn = loggedIn();
    ++m_session;
    m_stream->stop();
    m_token.clear();
    m_username.clear();
    m_role.clear();
    setRefreshing(false);
    m_refreshAgain = false;
    m_heldBack.clear();
    m_alerts.clear();
    m_nodes.clear();
    m_approvals.clear();
    setBusy(false);
    if (wasLoggedIn) {
        Q_EMIT usernameChanged();
        Q_EMIT roleChanged();
        Q_EMIT loggedInChanged();
    }
    if (!reason.isEmpty())
        setError(reason);
}

void BackendClient::login(const QString &username, const QString &password) {
    authenticate(username, password);
}

void BackendClient::logout() {
    endSession({});
    clearError();
}

void BackendClient::reload() {
    refresh();
}

void BackendClient::approve(qint64 decisionId, const QString &reason) {
    submitDecision(decisionId, Verdict::Approve, reason);
}

void BackendClient::deny(qint64 decisionId, const QString &reason) {
    submitDecision(decisionId, Verdict::Deny, reason);
}

void BackendClient::clearError() {
    if (m_lastError.isEmpty())
        return;
    m_lastError.clear();
    Q_EMIT lastErrorChanged();
}

QCoro::Task<RestReply> BackendClient::get(const QString &path, const QString &query) {
    RestRequest request;
    request.url = apiUrl(m_serverUrl, path);
    request.url.setQuery(query);
    request.token = m_token;
    return restCall(m_network, std::move(request));
}

template<typename Model> bool BackendClient::applyList(const RestReply &reply, Model &model) {
    if (!reply.ok()) {
        setError(reply.error);
        m_listError = reply.error;
        return false;
    }
    const QJsonValue items = reply.body.object().value(u"items");
    if (!items.isArray()) {
        m_listError = u"The server's answer has no list of items."_s;
        setError(m_listError);
        return false;
    }
    countDropped(model.replaceAll(items.toArray()));
    return true;
}

QCoro::Task<bool> BackendClient::refresh() {
    if (!loggedIn())
        co_return false;
    if (m_refreshing) {
        // The running refresh starts over once done, so its lists are no older than this call.
        m_refreshAgain = true;
        co_return true;
    }
    QPointer<BackendClient> self(this);
    const quint64 session = m_session;
    setRefreshing(true);
    bool complete = true;
    do {
        m_refreshAgain = false;
        auto pendingNodes = get(u"/api/v1/nodes"_s, QString());
        const RestReply nodes = co_await pendingNodes;
        if (!self || session != m_session)
            co_return false;
        auto pendingAlerts = get(u"/api/v1/alerts"_s, u"limit=1000"_s);
        const RestReply alerts = co_await pendingAlerts;
        if (!self || session != m_session)
            co_return false;
        auto pendingApprovals = get(u"/api/v1/approvals"_s, u"status=pending"_s);
        const RestReply approvals = co_await pendingApprovals;
        if (!self || session != m_session)
            co_return false;
        for (const RestReply *reply : {&nodes, &alerts, &approvals}) {
            if (reply->status == 401) {
                endSession(reply->error);
                co_return false;
            }
        }
        complete = applyList(nodes, m_nodes);
        complete = applyList(alerts, m_alerts) && complete;
        complete = applyList(approvals, m_approvals) && complete;
    } while (m_refreshAgain);
    setRefreshing(false);
    // Fresh lists make an earlier failure to fetch them out of date (other errors, such as a
    // refused decision, stay until the analyst has seen them replaced).
    if (complete && !m_listError.isEmpty() && m_lastError == m_listError)
        clearError();
    if (complete)
        m_listError.clear();
    // What the stream delivered meanwhile goes on top of the lists, in the order it came.
    const std::vector<Pending> heldBack = std::exchange(m_heldBack, {});
    for (const Pending &pending : heldBack)
        applyNotification(pending.type, pending.data);
    co_return complete;
}

QCoro::Task<bool> BackendClient::submitDecision(qint64 decisionId, Verdict verdict, QString reason) {
    QPointer<BackendClient> self(this);
    reason = reason.trimmed();
    if (!loggedIn()) {
        setError(u"Log in first."_s);
        co_return false;
    }
    if (!canDecide()) {
        setError(u"The role %1 may not approve or deny actions."_s.arg(m_role));
        co_return false;
    }
    if (reason.isEmpty()) {
        setError(u"A reason is required to approve or deny an action."_s);
        co_return false;
    }
    if (reason.size() > kMaxReasonLength) {
        setError(u"The reason is longer than %1 characters."_s.arg(kMaxReasonLength));
        co_return false;
    }
    if (m_approvals.rowOf(decisionId) < 0 || m_approvals.isSubmitting(decisionId))
        co_return false; // already decided, or the first click is still on its way
    const quint64 session = m_session;
    m_approvals.setSubmitting(decisionId, true);
    const QString verb = verdict == Verdict::Approve ? u"approve"_s : u"deny"_s;
    RestRequest request;
    request.verb = "POST";
    request.url = apiUrl(m_serverUrl, u"/api/v1/approvals/%1/%2"_s.arg(decisionId).arg(verb));
    request.token = m_token;
    request.body = QJsonDocument(QJsonObject {{u"reason"_s, reason}}).toJson(QJsonDocument::Compact);
    auto pending = restCall(m_network, std::move(request));
    const RestReply reply = co_await pending;
    if (!self || session != m_session)
        co_return false;
    if (reply.ok()) {
        qCInfo(lcConsole) << "decision" << decisionId << verb << "submitted";
        m_approvals.remove(decisionId);
        Q_EMIT decisionSubmitted(decisionId, verdict == Verdict::Approve);
        co_return true;
    }
    if (reply.status == 401) {
        endSession(reply.error);
        co_return false;
    }
    if (reply.status == 409 || reply.status == 404)
        m_approvals.remove(decisionId); // decided by someone else, or gone: not pending either way
    else
        m_approvals.setSubmitting(decisionId, false); // let the analyst try again
    setError(reply.error);
    co_return false;
}

void BackendClient::handleNotification(const QString &type, const QJsonObject &data) {
    if (!loggedIn())
        return;
    Q_EMIT notified(type);
    if (!m_refreshing) {
        applyNotification(type, data);
        return;
    }
    if (m_heldBack.size() >= kMaxHeldBack) {
        // Dropped, but the refresh runs again and its lists include what this one carried.
        countDropped();
        m_refreshAgain = true;
        return;
    }
    m_heldBack.push_back(Pending {type, data});
}

void BackendClient::applyNotification(const QString &type, const QJsonObject &data) {
    bool wellFormed = true;
    if (type == u"alert.created")
        wellFormed = m_alerts.applyCreated(data);
    else if (type == u"alert.updated")
        wellFormed = m_alerts.applyUpdated(data);
    else if (type == u"approval.requested")
        wellFormed = m_approvals.applyRequested(data);
    else if (type == u"approval.decided")
        wellFormed = m_approvals.applyDecided(data);
    else if (type == u"node.heartbeat")
        wellFormed = m_nodes.applyHeartbeat(data);
    else if (type == u"node.enrolled")
        wellFormed = m_nodes.applyEnrolled(data);
    // command.result and types newer than this console change nothing it shows yet.
    if (!wellFormed) {
        qCDebug(lcConsole) << "dropped a malformed" << type << "notification";
        countDropped();
    }
}

void BackendClient::setReconnectDelays(std::chrono::milliseconds initial, std::chrono::milliseconds maximum) {
    m_stream->setReconnectDelays(initial, maximum);
}

void BackendClient::setIdleTimeout(std::chrono::milliseconds timeout) {
    m_stream->setIdleTimeout(timeout);
}

void BackendClient::setBusy(bool busy) {
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void BackendClient::setRefreshing(bool refreshing) {
    if (m_refreshing == refreshing)
        return;
    m_refreshing = refreshing;
    Q_EMIT loadingChanged();
}

void BackendClient::setError(const QString &message) {
    qCWarning(lcConsole).noquote() << message;
    if (m_lastError != message) {
        m_lastError = message;
        Q_EMIT lastErrorChanged();
    }
    Q_EMIT errorOccurred(message);
}

void BackendClient::countDropped(int howMany) {
    if (howMany <= 0)
        return;
    m_droppedMessages += howMany;
    Q_EMIT droppedMessagesChanged();
}

} // namespace vanopticon::console
