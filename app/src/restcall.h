// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QString>
#include <QUrl>

#include <QCoroTask>

class QNetworkAccessManager;

namespace vanopticon::console {

// What came back from one REST call, already reduced to what the console acts on.
struct RestReply {
    int status = 0; // HTTP status; 0 when no HTTP response arrived at all
    QJsonDocument body; // the parsed JSON body (null when empty or not JSON)
    QString error; // empty on success; otherwise a message for the analyst

    bool ok() const { return error.isEmpty(); }
};

struct RestRequest {
    QByteArray verb = "GET";
    QUrl url;
    QByteArray token; // bearer token; empty for the login call
    QByteArray body; // JSON, for POST
};

// The address of an API path on the server, keeping any path prefix of a reverse proxy
// (`https://soc.example/vanopticon` + `/api/v1/alerts`).
QUrl apiUrl(const QUrl &server, const QString &path);

// Largest response body the console accepts (a list of 1000 alerts is far below this).
inline constexpr qint64 kMaxResponseBytes = qint64(16) << 20;

// Sends one request and waits for its answer. Errors (network, HTTP >= 400 with the server's
// `message`, oversized or malformed bodies) come back in RestReply::error, never as exceptions.
QCoro::Task<RestReply> restCall(QNetworkAccessManager *network, RestRequest request);

} // namespace vanopticon::console
