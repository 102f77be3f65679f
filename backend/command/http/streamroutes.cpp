// SPDX-License-Identifier: Apache-2.0
#include "command/auth/authservice.h"
#include "command/http/apisupport.h"
#include "command/http/livestream.h"
#include "command/http/ssedevice.h"

#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

void registerStreamRoutes(HttpServer &server, ApiContext &context) {
    server.streamRoute(u"/api/v1/stream"_s, [&context](const HttpRequest &request, QHttpServerResponder &&responder) {
        auto who = api::authorize(context, request, Permission::Read);
        if (auto *refusal = std::get_if<HttpResponse>(&who)) {
            HttpServer::respond(responder, *refusal);
            return;
        }
        auto *device = new SseDevice; // QtHttpServer owns and deletes it with the connection
        responder.write(device,
            {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}});
        context.stream.addSseClient(device);
    });

    server.webSocketRoute(
        u"/api/v1/ws"_s,
        [&context](const HttpRequest &request) -> std::optional<HttpResponse> {
            auto who = api::authorize(context, request, Permission::Read);
            if (auto *refusal = std::get_if<HttpResponse>(&who))
                return *refusal;
            return std::nullopt;
        },
        [&context](std::unique_ptr<QWebSocket> socket) {
            // Checked once more on the upgraded socket: the handshake request carries the header.
            if (!context.auth.authenticate(socket->request().rawHeader("Authorization"))) {
                socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"unauthorized"_s);
                socket.release()->deleteLater();
                return;
            }
            context.stream.addWebSocketClient(std::move(socket));
        });
}

} // namespace vanopticon::command
