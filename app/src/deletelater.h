// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QNetworkReply>
#include <QObject>

#include <memory>

namespace vanopticon::console {

// Deleting a reply or socket from inside one of its own signals (which is where a coroutine
// resumes) is undefined; deferring the delete to the event loop makes unique ownership safe.
struct DeleteLater {
    void operator()(QObject *object) const {
        if (object)
            object->deleteLater();
    }
};

using ReplyPtr = std::unique_ptr<QNetworkReply, DeleteLater>;

} // namespace vanopticon::console
