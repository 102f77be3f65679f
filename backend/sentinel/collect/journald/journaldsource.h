// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/journald/journaldconfig.h"
#include "sentinel/collect/journald/journaleventwriter.h"
#include "sentinel/collect/journald/journalreader.h"
#include "sentinel/collect/source.h"
#include "sentinel/parse/syslogcontext.h"

#include <QSocketNotifier>
#include <QTimer>

#include <memory>
#include <optional>
#include <string>

namespace vanopticon::sentinel {

// `type: journald`: follows the systemd journal (or the journal files of one directory) with
// sd-journal. Waits on the journal's inotify descriptor, and looks again every poll_interval in
// case a notification was missed (journals on filesystems without inotify). Every entry becomes
// an event (JournalEventWriter); each delivery carries the cursor of its last entry as the
// checkpoint, and resume() continues right after it. The journal keeps what is not read yet, so
// the source can pause.
class JournaldSource : public Source {
    Q_OBJECT
public:
    // Entries read per wake-up before the event loop gets a turn.
    static constexpr int kMaxEntriesPerRead = 1024;
    static constexpr std::size_t kMaxCursorBytes = 1024;

    JournaldSource(JournaldConfig config, SyslogContext context, QObject *parent = nullptr);
    ~JournaldSource() override;

    // The checkpoint is a journal cursor ("s=…;i=…;b=…;m=…;t=…;x=…").
    Result<void> resume(std::string_view checkpoint) override;
    // Opens the journal the first time (a failure is kept in lastError() and retried every
    // poll_interval), then reads what is there and follows.
    void start() override;
    void stop() override;
    QJsonObject status() const override;

    const JournaldConfig &config() const { return m_config; }
    const JournalEventWriter &writer() const { return m_writer; }
    const std::string &lastError() const { return m_lastError; }
    bool isOpen() const { return m_reader != nullptr; }

private:
    bool openJournal();
    void onActivity();
    void readAvailable();
    void fail(std::string message);

    JournaldConfig m_config;
    SyslogContext m_context;
    JournalEventWriter m_writer;
    std::unique_ptr<JournalReader> m_reader;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_poll;
    QTimer m_more; // more entries are waiting: read on after the event loop's turn
    std::optional<std::string> m_resumeCursor;
    std::string m_cursor; // of the last entry delivered
    std::string m_lastError;
    std::uint64_t m_readErrors = 0;
    bool m_running = false;
};

} // namespace vanopticon::sentinel
