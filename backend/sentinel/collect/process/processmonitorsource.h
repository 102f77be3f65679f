// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/process/procconnector.h"
#include "sentinel/collect/process/processmonitor.h"
#include "sentinel/collect/process/processmonitorconfig.h"
#include "sentinel/collect/source.h"

#include <QSocketNotifier>
#include <QTimer>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// `type: process_monitor`: process starts and exits as Sigma process_creation / process_exit
// events. With the netlink method the kernel reports every fork, exec and exit as it happens (a
// QSocketNotifier wakes the source); with the proc method /proc is compared with what is known
// every poll_interval (processes shorter than the interval are not seen). `auto` takes netlink
// when privileged and available, and says why when it falls back to polling.
// Processes cannot be asked to wait: when the pipeline is backed up the events are dropped and
// counted, and the process table is still kept up to date.
class ProcessMonitorSource : public Source {
    Q_OBJECT
public:
    // Connector datagrams read per wake-up before the event loop gets a turn.
    static constexpr int kMaxDatagramsPerWake = 512;

    explicit ProcessMonitorSource(ProcessMonitorConfig config, QObject *parent = nullptr);
    ~ProcessMonitorSource() override;

    void start() override;
    void stop() override;
    bool canPause() const override { return false; }
    QJsonObject status() const override;

    bool isRunning() const { return m_running; }
    // Netlink or Proc once started.
    ProcessMonitorMethod activeMethod() const { return m_active; }
    // Why `auto` is polling /proc instead of using the connector; empty when it is not.
    const std::string &fallbackReason() const { return m_fallbackReason; }
    // Why the source is not collecting (netlink asked for and unavailable), or a read failure.
    const std::string &lastError() const { return m_lastError; }
    const ProcessMonitor &monitor() const { return m_monitor; }
    const ProcessMonitorConfig &config() const { return m_config; }

private:
    void readConnector();
    void poll();
    void hand(EventBatch &&events);

    ProcessMonitorConfig m_config;
    ProcessMonitor m_monitor;
    std::optional<ProcConnector> m_connector;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_pollTimer;
    ProcessMonitorMethod m_active = ProcessMonitorMethod::Auto;
    std::string m_fallbackReason;
    std::string m_lastError;
    ProcConnectorDecodeStats m_decode;
    std::vector<ProcEvent> m_events; // reused from read to read
    std::uint64_t m_overruns = 0; // times the connector's buffer overflowed (events lost, then resynchronized)
    std::uint64_t m_readFailures = 0;
    std::uint64_t m_droppedEvents = 0;
    bool m_running = false;
};

} // namespace vanopticon::sentinel
