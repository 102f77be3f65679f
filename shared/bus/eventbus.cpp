// SPDX-License-Identifier: Apache-2.0
#include "shared/bus/eventbus.h"

namespace vanopticon {

void EventBus::publish(const QString &type, const QJsonObject &data) {
    Notification notification {m_nextId++, type, data, QDateTime::currentDateTimeUtc()};
    Q_EMIT published(notification);
}

} // namespace vanopticon
