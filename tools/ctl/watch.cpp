// SPDX-License-Identifier: Apache-2.0
#include "watch.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

QString describe(const QString &type, const QJsonObject &data) {
    if (type.startsWith(u"alert."_s)) {
        QStringList group;
        const QJsonObject g = data[u"group"_s].toObject();
        for (auto it = g.begin(); it != g.end(); ++it)
            group.append(it.key() + u"="_s + it.value().toString());
        return u"#%1 %2 [%3, score %4] %5 count %6"_s.arg(data[u"id"_s].toInteger())
            .arg(data[u"title"_s].toString(), data[u"severity"_s].toString())
            .arg(data[u"score"_s].toInt())
            .arg(group.join(u" "_s))
            .arg(data[u"count"_s].toInteger());
    }
    if (type.startsWith(u"approval."_s)) {
        return u"#%1 %2 %3 (%4 risk) — %5%6"_s.arg(data[u"id"_s].toInteger())
            .arg(data[u"action"_s].toString(), data[u"target"_s].toString(), data[u"risk"_s].toString(),
                data[u"status"_s].toString(),
                data[u"reason"_s].isString()
                    ? u" by "_s + data[u"decided_by"_s].toString() + u": "_s + data[u"reason"_s].toString()
                    : QString());
    }
    if (type == u"command.result"_s)
        return u"decision #%1: %2 — %3"_s.arg(data[u"decision_id"_s].toInteger())
            .arg(data[u"status"_s].toString(), data[u"detail"_s].toString());
    if (type == u"node.heartbeat"_s)
        return u"%1 (%2): %3 events sent"_s.arg(data[u"hostname"_s].toString(), data[u"node_id"_s].toString())
            .arg(data[u"events_sent"_s].toInteger());
    return QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
}

} // namespace

int watch(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Print the server's live stream."_s);
    parser.addHelpOption();
    const QCommandLineOption server(
        u"server"_s, u"Server URL (default http://127.0.0.1:8470)."_s, u"url"_s, u"http://127.0.0.1:8470"_s);
    const QCommandLineOption user(u"user"_s, u"User name (default admin)."_s, u"name"_s, u"admin"_s);
    parser.addOptions({server, user});
    parser.process(arguments);
    const QString password = qEnvironmentVariable("VANOPTICON_PASSWORD");
    if (password.isEmpty()) {
        std::fprintf(stderr, "vanopticonctl watch: set VANOPTICON_PASSWORD (never on the command line)\n");
        return 2;
    }
    const QUrl base(parser.value(server));
    QNetworkAccessManager nam;
    QNetworkRequest login(base.resolved(QUrl(u"/api/v1/auth/login"_s)));
    login.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    std::unique_ptr<QNetworkReply> reply(nam.post(
        login, QJsonDocument(QJsonObject {{u"username"_s, parser.value(user)}, {u"password"_s, password}}).toJson()));
    QObject::connect(reply.get(), &QNetworkReply::finished, QCoreApplication::instance(), &QCoreApplication::quit);
    QCoreApplication::exec();
    const QJsonObject session = QJsonDocument::fromJson(reply->readAll()).object();
    if (reply->error() != QNetworkReply::NoError || !session[u"token"_s].isString()) {
        std::fprintf(stderr, "vanopticonctl watch: login failed: %s\n",
            qPrintable(session[u"message"_s].toString(reply->errorString())));
        return 1;
    }
    QNetworkRequest streamRequest(base.resolved(QUrl(u"/api/v1/stream"_s)));
    streamRequest.setRawHeader("Authorization", "Bearer " + session[u"token"_s].toString().toLatin1());
    std::unique_ptr<QNetworkReply> stream(nam.get(streamRequest));
    QByteArray buffer;
    QObject::connect(stream.get(), &QNetworkReply::readyRead, [&] {
        buffer += stream->readAll();
        qsizetype end = 0;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
            QString type;
            QJsonObject data;
            for (const QByteArray &line : buffer.left(end).split('\n')) {
                if (line.startsWith("event: "))
                    type = QString::fromUtf8(line.mid(7));
                else if (line.startsWith("data: "))
                    data = QJsonDocument::fromJson(line.mid(6)).object();
            }
            buffer.remove(0, end + 2);
            if (!type.isEmpty()) {
                std::printf("%s  %-18s %s\n", qPrintable(QTime::currentTime().toString(u"HH:mm:ss"_s)),
                    qPrintable(type), qPrintable(describe(type, data)));
                std::fflush(stdout);
            }
        }
    });
    QObject::connect(stream.get(), &QNetworkReply::finished, [&] {
        std::fprintf(stderr, "vanopticonctl watch: the stream ended: %s\n", qPrintable(stream->errorString()));
        QCoreApplication::exit(1);
    });
    return QCoreApplication::exec();
}

} // namespace vanopticon::ctl
