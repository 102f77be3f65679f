// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/evtx/evtxconfig.h"
#include "sentinel/collect/evtx/evtximporter.h"
#include "sentinel/collect/source.h"
#include "sentinel/parse/syslogcontext.h"

#include <QTimer>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// `type: evtx`: imports Windows event log files once. The path (a file or a glob, expanded at
// start, in name order) is read a slice of records per event-loop turn; each delivery carries
// a checkpoint with every file's identity (device, inode, size, modification time) and the next
// record to read, so after a restart a file is neither read twice nor lost, and a file that was
// replaced or changed since is read anew. Files are expected complete when the source starts
// (copied elsewhere, then moved into place).
// Files and records that cannot be read are counted and kept (status()); the others go on.
class EvtxSource : public Source {
    Q_OBJECT
public:
    static constexpr int kRecordsPerStep = 256;
    static constexpr std::size_t kMaxFiles = 100000;
    static constexpr std::size_t kMaxRecentFileErrors = 20;

    EvtxSource(EvtxConfig config, SyslogContext context, QObject *parent = nullptr);
    ~EvtxSource() override;

    // The checkpoint: {"<path>": "<device>:<inode>:<size>:<mtime ns>:<next record>", …}.
    Result<void> resume(std::string_view checkpoint) override;
    void start() override;
    void stop() override;
    QJsonObject status() const override;

    // Every file found has been read (or could not be).
    bool isFinished() const { return m_started && m_queue.empty() && !m_importer.isOpen(); }
    const EvtxImporter &importer() const { return m_importer; }

private:
    struct Position {
        std::uint64_t device = 0;
        std::uint64_t inode = 0;
        std::uint64_t size = 0;
        std::int64_t mtimeNs = 0;
        int next = 0;

        bool sameFile(const Position &other) const {
            return device == other.device && inode == other.inode && size == other.size && mtimeNs == other.mtimeNs;
        }
    };

    void step();
    bool openNext();
    std::string checkpoint() const;

    EvtxConfig m_config;
    EvtxImporter m_importer;
    std::deque<std::string> m_queue; // files still to read
    std::string m_current;
    std::map<std::string, Position> m_positions; // resumed, then updated as files are read
    std::deque<std::string> m_fileErrors;
    std::size_t m_filesFound = 0;
    std::size_t m_filesDone = 0;
    QTimer m_step;
    bool m_started = false;
    bool m_running = false;
};

} // namespace vanopticon::sentinel
