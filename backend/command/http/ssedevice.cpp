// SPDX-License-Identifier: Apache-2.0
#include "command/http/ssedevice.h"

#include <cstring>

namespace vanopticon::command {

SseDevice::SseDevice(QObject *parent)
    : QIODevice(parent) {
    open(QIODevice::ReadOnly);
}

void SseDevice::push(const QByteArray &bytes) {
    m_pending.append(bytes);
    Q_EMIT readyRead();
}

qint64 SseDevice::readData(char *data, qint64 maxSize) {
    const qint64 count = std::min<qint64>(maxSize, m_pending.size());
    std::memcpy(data, m_pending.constData(), static_cast<std::size_t>(count));
    m_pending.remove(0, count);
    return count;
}

qint64 SseDevice::writeData(const char *, qint64) {
    return -1;
}

} // namespace vanopticon::command
