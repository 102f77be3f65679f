// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processmonitorsource.h"

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

ProcessMonitorSource::ProcessMonitorSource(ProcessMonitorConfig config, QObject *parent)
    : Source("process_monitor", parent)
    , m_config(config)
    , m_monitor(ProcessReader("/proc", config.maxCommandLineBytes), config.maxProcesses) {
    m_pollTimer.setInterval(m_config.pollInterval);
    connect(&m_pollTimer, &QTimer::timeout, this, &ProcessMonitorSource::poll);
}

ProcessMonitorSource::~ProcessMonitorSource() = default;

void ProcessMonitorSource::start() {
    if (m_running)
        return;
    m_lastError.clear();
    m_fallbackReason.clear();
    m_active = ProcessMonitorMethod::Proc;
    if (m_config.method != ProcessMonitorMethod::Proc) {
        // Subscribed before /proc is read, so that nothing starting in between is missed.
        if (m_config.method == ProcessMonitorMethod::Auto && !ProcConnector::privileged()) {
            m_fallbackReason = "the proc connector needs root or CAP_NET_ADMIN";
        } else if (auto connector = ProcConnector::open(m_config.receiveBufferBytes)) {
            m_connector.emplace(std::move(*connector));
            m_active = ProcessMonitorMethod::Netlink;
        } else if (m_config.method == ProcessMonitorMethod::Netlink) {
            m_lastError = connector.error().message;
            qWarning("%s: method netlink: %s; not collecting", name().c_str(), m_lastError.c_str());
            ++m_counters.errors;
            return;
        } else {
            m_fallbackReason = connector.error().message;
        }
        if (!m_fallbackReason.empty())
            qWarning("%s: %s; polling /proc every %lld ms instead", name().c_str(), m_fallbackReason.c_str(),
                static_cast<long long>(m_config.pollInterval.count()));
    }
    m_monitor.setClock(ProcessClock::system());
    if (!m_monitor.snapshot()) {
        m_lastError = "cannot list " + m_monitor.reader().procRoot();
        qWarning("%s: %s", name().c_str(), m_lastError.c_str());
        ++m_counters.errors;
    }
    if (m_connector) {
        m_notifier = std::make_unique<QSocketNotifier>(m_connector->fd(), QSocketNotifier::Read);
        connect(m_notifier.get(), &QSocketNotifier::activated, this, &ProcessMonitorSource::readConnector);
    } else {
        m_pollTimer.start();
    }
    m_running = true;
}

void ProcessMonitorSource::stop() {
    m_pollTimer.stop();
    m_notifier.reset();
    m_connector.reset(); // unsubscribes
    m_running = false;
}

void ProcessMonitorSource::readConnector() {
    if (!m_connector)
        return;
    m_monitor.setClock(ProcessClock::system());
    EventBatch batch;
    bool lost = false;
    for (int i = 0; i < kMaxDatagramsPerWake; ++i) {
        m_events.clear();
        const auto read = m_connector->read(m_events, m_decode, m_lastError);
        if (read == ProcConnector::ReadStatus::Empty)
            break;
        if (read == ProcConnector::ReadStatus::Overrun) {
            ++m_overruns;
            lost = true;
            continue;
        }
        if (read == ProcConnector::ReadStatus::Failed) {
            ++m_readFailures;
            ++m_counters.errors;
            qWarning("%s: %s", name().c_str(), m_lastError.c_str());
            break;
        }
        for (const ProcEvent &event : m_events) {
            ++m_counters.in;
            m_monitor.handle(event, batch);
        }
    }
    // Events were lost: what /proc shows now fills the gap (starts and exits seen late).
    if (lost)
        m_monitor.scan(batch);
    hand(std::move(batch));
}

void ProcessMonitorSource::poll() {
    m_monitor.setClock(ProcessClock::system());
    EventBatch batch;
    if (!m_monitor.scan(batch))
        ++m_counters.errors;
    m_counters.in += batch.size();
    hand(std::move(batch));
}

void ProcessMonitorSource::hand(EventBatch &&events) {
    if (events.empty())
        return;
    if (isBackedUp()) {
        m_droppedEvents += events.size();
        m_counters.dropped += events.size();
        return;
    }
    deliver(Delivery {std::move(events), std::nullopt});
}

QJsonObject ProcessMonitorSource::status() const {
    QJsonObject status = Source::status();
    const ProcessMonitorStats &stats = m_monitor.stats();
    const ProcessTable &table = m_monitor.table();
    const UserNameCache &users = m_monitor.users();
    status.insert(u"method"_s, QString::fromUtf8(processMonitorMethodName(m_config.method)));
    status.insert(
        u"active_method"_s, m_running ? QString::fromUtf8(processMonitorMethodName(m_active)) : QString(u"none"_s));
    status.insert(u"fallback_reason"_s, QString::fromStdString(m_fallbackReason));
    status.insert(u"error"_s, QString::fromStdString(m_lastError));
    status.insert(u"running"_s, m_running);
    status.insert(u"backed_up"_s, isBackedUp());
    status.insert(u"dropped_events"_s, qint64(m_droppedEvents));
    status.insert(u"started"_s, qint64(stats.started));
    status.insert(u"exited"_s, qint64(stats.exited));
    status.insert(u"short_lived"_s, qint64(stats.shortLived));
    status.insert(u"forks"_s, qint64(stats.forks));
    status.insert(u"fork_only_exits"_s, qint64(stats.forkOnlyExits));
    status.insert(u"unknown_exits"_s, qint64(stats.unknownExits));
    status.insert(u"scans"_s, qint64(stats.scans));
    status.insert(u"scan_failures"_s, qint64(stats.scanFailures));
    status.insert(u"tracked"_s, qint64(table.size()));
    status.insert(u"tracked_bytes"_s, qint64(table.bytes()));
    status.insert(u"untracked"_s, qint64(stats.untracked + table.refused()));
    status.insert(u"compacted_command_lines"_s, qint64(table.compacted()));
    status.insert(u"lost_overruns"_s, qint64(m_overruns));
    status.insert(u"malformed_messages"_s, qint64(m_decode.malformed));
    status.insert(u"foreign_messages"_s, qint64(m_decode.foreign));
    status.insert(u"read_failures"_s, qint64(m_readFailures));
    status.insert(u"user_cache_lookups"_s, qint64(users.lookups()));
    status.insert(u"user_cache_hits"_s, qint64(users.hits()));
    return status;
}

} // namespace vanopticon::sentinel
