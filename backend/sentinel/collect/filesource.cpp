// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filesource.h"

#include <QFileInfo>
#include <QLoggingCategory>

#include <vector>

namespace vanopticon::sentinel {

namespace {

Q_LOGGING_CATEGORY(lcCollect, "vanopticon.sentinel.collect")

FileTailOptions tailOptions(const SourceConfig &config) {
    FileTailOptions options;
    options.startAt = config.startAt;
    return options;
}

} // namespace

FileSource::FileSource(SourceConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_tail(m_config.path, tailOptions(m_config))
    , m_filePath(QString::fromStdString(m_config.path))
    , m_directoryPath(QFileInfo(m_filePath).absolutePath()) {
    m_timer.setInterval(m_config.pollInterval);
    connect(&m_timer, &QTimer::timeout, this, &FileSource::pollNow);
    m_wakeTimer.setSingleShot(true);
    m_wakeTimer.setInterval(0);
    connect(&m_wakeTimer, &QTimer::timeout, this, &FileSource::pollNow);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &FileSource::wake);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &FileSource::wake);
}

void FileSource::resumeFrom(const FilePosition &position) {
    m_tail.resumeFrom(position);
}

void FileSource::start() {
    m_running = true;
    watchWhatExists();
    m_timer.start();
    wake();
}

void FileSource::stop() {
    m_running = false;
    m_timer.stop();
    m_wakeTimer.stop();
    const QStringList watched = m_watcher.files() + m_watcher.directories();
    if (!watched.isEmpty())
        m_watcher.removePaths(watched);
}

void FileSource::wake() {
    if (m_running)
        m_wakeTimer.start();
}

void FileSource::pollNow() {
    std::vector<LineChunk> chunks(1);
    const TailPollResult result = m_tail.poll([&](std::string_view line, const FilePosition &after) {
        if (chunks.back().size() == m_maxChunkLines)
            chunks.emplace_back();
        chunks.back().append(line);
        chunks.back().setEnd(after);
    });
    chunks.back().setEnd(m_tail.position()); // past lines skipped after the last one, too

    if (m_tail.lastError() != m_reportedError) {
        m_reportedError = m_tail.lastError();
        qCWarning(lcCollect, "%s", m_reportedError.c_str());
    }
    // The watcher forgets a file that is renamed or deleted; watch its successor once it exists.
    watchWhatExists();
    if (result.more)
        wake();
    for (const LineChunk &chunk : chunks) {
        if (!chunk.empty())
            Q_EMIT linesRead(chunk);
    }
}

void FileSource::watchWhatExists() {
    if (!m_running)
        return;
    if (!m_watcher.directories().contains(m_directoryPath) && QFileInfo::exists(m_directoryPath))
        m_watcher.addPath(m_directoryPath);
    // Whatever was written between the file's creation and this watch sent no notification:
    // look once more.
    if (!m_watcher.files().contains(m_filePath) && QFileInfo(m_filePath).isFile() && m_watcher.addPath(m_filePath))
        wake();
}

} // namespace vanopticon::sentinel
