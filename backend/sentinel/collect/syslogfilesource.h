// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filesource.h"
#include "sentinel/collect/source.h"
#include "sentinel/collect/sourceconfig.h"
#include "sentinel/parse/lineparser.h"

#include <QFileSystemWatcher>
#include <QTimer>

#include <map>
#include <memory>

namespace vanopticon::sentinel {

// `type: syslog` files: tails one file, or every file matching a glob (new matches are picked up
// as they appear), parses each line in the configured format and delivers the events with a
// checkpoint holding the position in every file, so a restart resumes each exactly.
class SyslogFileSource : public Source {
    Q_OBJECT
public:
    SyslogFileSource(SourceConfig config, SyslogContext context, QObject *parent = nullptr);
    ~SyslogFileSource() override;

    Result<void> resume(std::string_view checkpoint) override;
    void start() override;
    void stop() override;
    QJsonObject status() const override;

    const LineParser &parser() const { return *m_parser; }
    static bool isGlob(std::string_view path);

private:
    void rescan();
    void addFile(const std::string &path);
    void onLines(const std::string &path, const LineChunk &chunk);
    std::string checkpoint() const;

    SourceConfig m_config;
    std::unique_ptr<LineParser> m_parser;
    std::map<std::string, std::unique_ptr<FileSource>> m_files;
    std::map<std::string, FilePosition> m_resumeAt; // from the checkpoint, for files not yet seen
    std::map<std::string, FilePosition> m_positions; // just after the last line delivered
    QTimer m_rescan;
    QFileSystemWatcher m_directoryWatcher;
    bool m_running = false;
};

} // namespace vanopticon::sentinel
