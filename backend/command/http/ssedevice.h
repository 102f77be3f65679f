// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QIODevice>

namespace vanopticon::command {

// A never-ending, sequential device that QtHttpServer streams to one SSE client: whatever is
// pushed becomes readable. QtHttpServer deletes it when the client goes away.
class SseDevice : public QIODevice {
    Q_OBJECT
public:
    explicit SseDevice(QObject *parent = nullptr);

    bool isSequential() const override { return true; }
    // Never at end: QtHttpServer 6.4 finishes the response once an empty device reports atEnd().
    bool atEnd() const override { return false; }
    qint64 bytesAvailable() const override { return m_pending.size() + QIODevice::bytesAvailable(); }

    void push(const QByteArray &bytes);
    qint64 backlog() const { return m_pending.size(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    QByteArray m_pending;
};

} // namespace vanopticon::command
