// SPDX-License-Identifier: Apache-2.0
#include "livestream.h"

#include "deletelater.h"
#include "logging.h"
#include "restcall.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QWebSocket>

#include <QCoroNetworkReply>
#include <QCoroSignal>
#include <QCoroTimer>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace vanopticon::console {

namespace {
constexpr auto kOpenTimeout = 10s;
constexpr qint64 kMaxErrorBodyBytes = 64 * 1024;

QString refusalMessage(const QByteArray &body) {
    const QString message = QJsonDocument::fromJson(body).object().value(u"message").toString().left(1024);
    return message.isEmpty() ? u"The server refused the session for the live stream."_s : message;
}
} // namespace

LiveStream::LiveStream(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_parser(kMaxMessageBytes) {
    Q_ASSERT(network);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(45s);
    connect(&m_idleTimer, &QTimer::timeout, this, &LiveStream::idleTimedOut);
    // The server's SSE comments keep that transport busy; a WebSocket needs our pings to show
    // it is still alive through NAT and proxies.
    m_pingTimer.setInterval(15s);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->ping();
    });
}

LiveStream::~LiveStream() {
    // Suspended connect loops see the new generation and end instead of leaking.
    stop();
}

void LiveStream::start(const QUrl &serverUrl, const QByteArray &token) {
    stop();
    m_serverUrl = serverUrl;
    m_token = token;
    run(m_generation);
}

void LiveStream::stop() {
    ++m_generation;
    m_idleTimer.stop();
    m_pingTimer.stop();
    if (m_socket)
        m_socket->abort();
    if (m_eventStream)
        m_eventStream->abort();
    setTransport(Transport::None);
    wake();
}

void LiveStream::setReconnectDelays(std::chrono::milliseconds initial, std::chrono::milliseconds maximum) {
    Q_ASSERT(initial.count() > 0 && maximum >= initial);
    m_initialDelay = initial;
    m_maximumDelay = maximum;
}

void LiveStream::setIdleTimeout(std::chrono::milliseconds timeout) {
    Q_ASSERT(timeout.count() > 0);
    m_idleTimer.setInterval(timeout);
    m_pingTimer.setInterval(std::max(timeout / 3, std::chrono::milliseconds(1)));
}

QCoro::Task<> LiveStream::run(quint64 generation) {
    QPointer<LiveStream> self(this);
    Backoff backoff(m_initialDelay, m_maximumDelay);
    while (true) {
        // Tasks are named before being awaited: GCC 12 mishandles some temporaries in co_await.
        auto webSocket = runWebSocket(generation);
        Attempt attempt = co_await webSocket;
        if (!self || !current(generation))
            co_return;
        if (attempt.outcome == Outcome::NeverOpened) {
            auto eventStream = runEventStream(generation);
            attempt = co_await eventStream;
            if (!self || !current(generation))
                co_return;
        }
        if (attempt.outcome == Outcome::Unauthorized) {
            ++m_generation;
            qCWarning(lcConsole) << "live stream refused by the server:" << attempt.message;
            Q_EMIT unauthorized(attempt.message);
            co_return;
        }
        // A connection that stayed up for a while proves the server is back: start over with
        // short delays. One that is dropped right away keeps backing off.
        if (attempt.outcome == Outcome::Ended && attempt.lasted >= m_maximumDelay)
            backoff.reset();
        const auto delay = backoff.next();
        qCInfo(lcConsole) << "live stream unavailable, retrying in" << delay.count() << "ms";
        auto pause = waitForWake(delay);
        co_await pause;
        if (!self || !current(generation))
            co_return;
    }
}

QCoro::Task<> LiveStream::waitForWake(std::chrono::milliseconds timeout) {
    QTimer timer;
    timer.setSingleShot(true);
    timer.start(timeout);
    m_wakeTimer = &timer;
    co_await timer;
}

void LiveStream::wake() {
    // Fires from the event loop, never inside the caller (which may be a destructor).
    if (m_wakeTimer)
        m_wakeTimer->start(0);
}

QCoro::Task<LiveStream::Attempt> LiveStream::runWebSocket(quint64 generation) {
    QPointer<LiveStream> self(this);
    std::unique_ptr<QWebSocket, DeleteLater> socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest));
    socket->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
    socket->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
    connect(socket.get(), &QWebSocket::textMessageReceived, this, &LiveStream::handleWebSocketMessage);
    connect(socket.get(), &QWebSocket::binaryMessageReceived, this, [this] { Q_EMIT messageDropped(); });
    connect(socket.get(), &QWebSocket::pong, this, [this] { m_idleTimer.start(); });
    m_socket = socket.get();

    QUrl url = apiUrl(m_serverUrl, u"/api/v1/ws"_s);
    url.setScheme(url.scheme() == u"https" ? u"wss"_s : u"ws"_s);
    qCDebug(lcConsole) << "live stream: opening" << url.toDisplayString();
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    const QMetaObject::Connection opened = connect(socket.get(), &QWebSocket::connected, this, &LiveStream::wake);
    const QMetaObject::Connection failed
        = connect(socket.get(), &QWebSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
              if (state == QAbstractSocket::UnconnectedState)
                  wake();
          });
    // A refused upgrade (an HTTP error instead of 101) reports an error but may leave the socket
    // connecting until the server hangs up: give up on it at once and try the event stream.
    const QMetaObject::Connection errored
        = connect(socket.get(), qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, &LiveStream::wake);
    socket->open(request);
    if (socket->state() != QAbstractSocket::UnconnectedState) {
        auto handshake = waitForWake(kOpenTimeout);
        co_await handshake;
    }
    if (!self || !current(generation))
        co_return Attempt {Outcome::Stopped, {}, {}};
    disconnect(opened);
    disconnect(failed);
    disconnect(errored);
    if (socket->state() != QAbstractSocket::ConnectedState) {
        const bool refused = socket->closeCode() == QWebSocketProtocol::CloseCodePolicyViolated;
        socket->abort();
        if (refused)
            co_return Attempt {Outcome::Unauthorized, socket->closeReason().left(1024), {}};
        co_return Attempt {Outcome::NeverOpened, {}, {}};
    }

    const auto openedAt = std::chrono::steady_clock::now();
    setTransport(Transport::WebSocket);
    m_idleTimer.start();
    m_pingTimer.start();
    if (socket->state() == QAbstractSocket::ConnectedState) {
        auto closing = qCoro(socket.get(), &QWebSocket::disconnected);
        co_await closing;
    }
    if (!self || !current(generation))
        co_return Attempt {Outcome::Stopped, {}, {}};
    m_idleTimer.stop();
    m_pingTimer.stop();
    setTransport(Transport::None);
    const auto lasted
        = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - openedAt);
    if (socket->closeCode() == QWebSocketProtocol::CloseCodePolicyViolated) {
        const QString reason = socket->closeReason().left(1024);
        co_return Attempt {Outcome::Unauthorized,
            reason.isEmpty() ? u"The server closed the live stream: the session is no longer valid."_s : reason,
            lasted};
    }
    co_return Attempt {Outcome::Ended, {}, lasted};
}

QCoro::Task<LiveStream::Attempt> LiveStream::runEventStream(quint64 generation) {
    QPointer<LiveStream> self(this);
    QNetworkRequest request(apiUrl(m_serverUrl, u"/api/v1/stream"_s));
    request.setRawHeader("Authorization", "Bearer " + m_token);
    request.setRawHeader("Accept", "text/event-stream");
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    m_parser = SseParser(kMaxMessageBytes);
    ReplyPtr reply(m_network->get(request));
    m_eventStream = reply.get();
    auto openedAt = std::chrono::steady_clock::now();
    connect(reply.get(), &QNetworkReply::metaDataChanged, this, [this, raw = reply.get(), &openedAt] {
        const int status = raw->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString type = raw->header(QNetworkRequest::ContentTypeHeader).toString();
        if (status == 200 && type.startsWith(u"text/event-stream")) {
            openedAt = std::chrono::steady_clock::now();
            setTransport(Transport::EventStream);
            m_idleTimer.start();
        }
    });
    connect(reply.get(), &QNetworkReply::readyRead, this, &LiveStream::handleEventStreamData);

    co_await reply.get();
    // The slot above references this frame: cut it before the frame can go away.
    reply->disconnect();
    if (!self || !current(generation))
        co_return Attempt {Outcome::Stopped, {}, {}};
    m_idleTimer.stop();
    const bool wasOpen = m_transport == Transport::EventStream;
    setTransport(Transport::None);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401)
        co_return Attempt {Outcome::Unauthorized, refusalMessage(reply->read(kMaxErrorBodyBytes)), {}};
    if (!wasOpen)
        co_return Attempt {Outcome::NeverOpened, {}, {}};
    co_return Attempt {Outcome::Ended, {},
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - openedAt)};
}

void LiveStream::setTransport(Transport transport) {
    if (m_transport == transport)
        return;
    const bool wasConnected = isConnected();
    m_transport = transport;
    if (wasConnected != isConnected())
        Q_EMIT connectedChanged(isConnected());
}

void LiveStream::handleWebSocketMessage(const QString &message) {
    m_idleTimer.start();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(message.toUtf8(), &error);
    const QJsonObject envelope = document.object();
    const QJsonValue type = envelope.value(u"type");
    const QJsonValue data = envelope.value(u"data");
    if (error.error != QJsonParseError::NoError || !type.isString() || type.toString().isEmpty() || !data.isObject()) {
        Q_EMIT messageDropped();
        return;
    }
    Q_EMIT notificationReceived(type.toString(), data.toObject());
}

void LiveStream::handleEventStreamData() {
    // A refusal's body stays unread here; runEventStream() reads the server's message from it.
    if (!m_eventStream || m_transport != Transport::EventStream)
        return;
    m_idleTimer.start();
    const quint64 droppedBefore = m_parser.dropped();
    const auto events = m_parser.feed(m_eventStream->readAll());
    for (quint64 i = droppedBefore; i < m_parser.dropped(); ++i)
        Q_EMIT messageDropped();
    for (const SseEvent &event : events)
        handleEvent(event.type, event.data);
}

void LiveStream::handleEvent(const QByteArray &type, const QByteArray &data) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject() || type.isEmpty()) {
        Q_EMIT messageDropped();
        return;
    }
    const QString typeName = QString::fromUtf8(type);
    QJsonObject object = document.object();
    // docs/API.md gives the SSE `data:` as "<JSON>" for "the same notifications": accept both
    // the bare data object and the WebSocket-style envelope around it.
    if (object.value(u"type").toString() == typeName && object.value(u"data").isObject())
        object = object.value(u"data").toObject();
    Q_EMIT notificationReceived(typeName, object);
}

void LiveStream::idleTimedOut() {
    qCInfo(lcConsole) << "live stream silent for" << m_idleTimer.interval() << "ms, reconnecting";
    if (m_socket)
        m_socket->abort();
    if (m_eventStream)
        m_eventStream->abort();
}

} // namespace vanopticon::console
