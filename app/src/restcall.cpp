// SPDX-License-Identifier: Apache-2.0
#include "restcall.h"

#include "deletelater.h"

#include <QJsonObject>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <QCoroNetworkReply>

#include <memory>

using namespace Qt::StringLiterals;

namespace vanopticon::console {

namespace {
constexpr int kTransferTimeoutMs = 15'000;

QString serverMessage(const QJsonDocument &body, int status) {
    const QJsonValue message = body.object().value(u"message");
    if (message.isString() && !message.toString().isEmpty())
        return message.toString().left(1024);
    return u"The server answered HTTP %1."_s.arg(status);
}
} // namespace

QUrl apiUrl(const QUrl &server, const QString &path) {
    QUrl url = server;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QCoro::Task<RestReply> restCall(QNetworkAccessManager *network, RestRequest request) {
    QNetworkRequest httpRequest(request.url);
    httpRequest.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    httpRequest.setRawHeader("Accept", "application/json");
    if (!request.token.isEmpty())
        httpRequest.setRawHeader("Authorization", "Bearer " + request.token);
    httpRequest.setTransferTimeout(kTransferTimeoutMs);
    // A cached or redirected answer to a security console's request is never what it wants.
    httpRequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    httpRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);

    Q_ASSERT(network);
    ReplyPtr reply(network->sendCustomRequest(httpRequest, request.verb, request.body));
    // Shared with the slot, which must not point into this coroutine's frame.
    auto oversized = std::make_shared<bool>(false);
    QObject::connect(reply.get(), &QNetworkReply::downloadProgress, reply.get(),
        [raw = reply.get(), oversized](qint64 received, qint64 total) {
            if (received > kMaxResponseBytes || total > kMaxResponseBytes) {
                *oversized = true;
                raw->abort();
            }
        });

    co_await reply.get();

    RestReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (*oversized) {
        result.error = u"The server's answer is larger than %1 MiB; refused."_s.arg(kMaxResponseBytes >> 20);
        co_return result;
    }
    if (reply->error() == QNetworkReply::OperationCanceledError) {
        // Also what an expired transfer timeout reports; the reply is closed, nothing to read.
        result.error = u"The server did not answer in time (or the request was cancelled)."_s;
        co_return result;
    }
    const QByteArray bytes = reply->readAll();
    if (!bytes.isEmpty()) {
        QJsonParseError parseError;
        result.body = QJsonDocument::fromJson(bytes, &parseError);
        if (parseError.error != QJsonParseError::NoError && result.status < 400 && result.status != 0) {
            result.error = u"The server's answer is not valid JSON (%1)."_s.arg(parseError.errorString());
            co_return result;
        }
    }
    if (result.status >= 400)
        result.error = serverMessage(result.body, result.status);
    else if (result.status >= 300)
        result.error
            = u"The server redirected the request (HTTP %1); use the final address as the server."_s.arg(result.status);
    else if (reply->error() != QNetworkReply::NoError)
        result.error = u"Cannot reach the server: %1"_s.arg(reply->errorString());
    else if (result.status == 0)
        result.error = u"The server sent no HTTP status."_s;
    co_return result;
}

} // namespace vanopticon::console
