// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filetail.h"
#include "sentinel/collect/linechunk.h"
#include "sentinel/collect/sourceconfig.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <string>

namespace vanopticon::sentinel {

// The Qt edge of one file source: drives a FileTail from a timer (config.pollInterval) and
// wakes at once when QFileSystemWatcher reports a change of the file or of its directory
// (creation, rename). Each poll that read lines emits them in chunks of at most
// maxChunkLines, each with the position after its own last line.
class FileSource : public QObject {
    Q_OBJECT
public:
    explicit FileSource(SourceConfig config, QObject *parent = nullptr);

    const SourceConfig &config() const { return m_config; }
    // Continue where a previous run's acknowledged position says. Call before start().
    void resumeFrom(const FilePosition &position);
    void setMaxChunkLines(std::size_t lines) { m_maxChunkLines = lines > 0 ? lines : 1; }
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    // Just after the last line emitted so far.
    FilePosition position() const { return m_tail.position(); }
    const FileTailStats &stats() const { return m_tail.stats(); }
    const std::string &lastError() const { return m_tail.lastError(); }

public Q_SLOTS:
    // Reads what is there now (the timer and the watcher call this; so may the owner).
    void pollNow();

Q_SIGNALS:
    void linesRead(const vanopticon::sentinel::LineChunk &chunk);

private:
    void wake();
    void watchWhatExists();

    SourceConfig m_config;
    FileTail m_tail;
    QString m_filePath;
    QString m_directoryPath;
    QTimer m_timer;
    QTimer m_wakeTimer; // zero-interval single shot: a burst of notifications costs one poll
    QFileSystemWatcher m_watcher;
    std::string m_reportedError;
    bool m_running = false;
    std::size_t m_maxChunkLines = 500;
};

} // namespace vanopticon::sentinel
