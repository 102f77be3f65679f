// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/metricseventwriter.h"

#include <array>
#include <charconv>
#include <cmath>

namespace vanopticon::sentinel {

MetricsEventWriter::MetricsEventWriter()
    : m_intervalMs(internField("interval_ms"))
    , m_cpuUser(internField("cpu.user_pct"))
    , m_cpuSystem(internField("cpu.system_pct"))
    , m_cpuIdle(internField("cpu.idle_pct"))
    , m_cpuIowait(internField("cpu.iowait_pct"))
    , m_cpuSteal(internField("cpu.steal_pct"))
    , m_memoryTotal(internField("memory.total_bytes"))
    , m_memoryAvailable(internField("memory.available_bytes"))
    , m_memoryUsed(internField("memory.used_pct"))
    , m_swapTotal(internField("swap.total_bytes"))
    , m_swapUsed(internField("swap.used_pct"))
    , m_load1(internField("load.1m"))
    , m_load5(internField("load.5m"))
    , m_load15(internField("load.15m"))
    , m_processesRunning(internField("processes.running"))
    , m_processesTotal(internField("processes.total")) {
}

void MetricsEventWriter::setNumber(EventBatch &batch, Event &event, FieldId id, double value, int decimals) {
    if (!std::isfinite(value))
        return;
    std::array<char, 64> text {};
    const auto [end, error]
        = std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed, decimals);
    if (error == std::errc())
        batch.setField(event, id, std::string_view(text.data(), std::size_t(end - text.data())));
}

void MetricsEventWriter::setInteger(EventBatch &batch, Event &event, FieldId id, std::uint64_t value) {
    std::array<char, 24> text {};
    const auto [end, error] = std::to_chars(text.data(), text.data() + text.size(), value);
    batch.setField(event, id, std::string_view(text.data(), std::size_t(end - text.data())));
}

std::optional<FieldId> MetricsEventWriter::deviceField(
    const std::string &prefix, const std::string &name, const char *suffix) {
    // Names from the kernel, not from configuration: interned only while the registry has room.
    return FieldRegistry::instance().tryIntern(prefix + "." + metricsFieldName(name) + "." + suffix);
}

const MetricsEventWriter::DiskFields *MetricsEventWriter::diskFields(const std::string &name) {
    auto it = m_disks.find(name);
    if (it == m_disks.end()) {
        std::optional<DiskFields> fields;
        if (m_deviceNames < kMaxDeviceNames) {
            const auto read = deviceField("disk", name, "read_bytes_per_s");
            const auto write = deviceField("disk", name, "write_bytes_per_s");
            const auto busy = deviceField("disk", name, "busy_pct");
            if (read && write && busy)
                fields = DiskFields {*read, *write, *busy};
            ++m_deviceNames;
        }
        if (!fields && m_disks.size() >= kMaxDeviceNames)
            return nullptr; // not remembered either: the map stays bounded
        it = m_disks.emplace(name, fields).first;
    }
    return it->second ? &*it->second : nullptr;
}

const MetricsEventWriter::InterfaceFields *MetricsEventWriter::interfaceFields(const std::string &name) {
    auto it = m_interfaces.find(name);
    if (it == m_interfaces.end()) {
        std::optional<InterfaceFields> fields;
        if (m_deviceNames < kMaxDeviceNames) {
            const auto rx = deviceField("net", name, "rx_bytes_per_s");
            const auto tx = deviceField("net", name, "tx_bytes_per_s");
            const auto rxErrors = deviceField("net", name, "rx_errors");
            const auto txErrors = deviceField("net", name, "tx_errors");
            const auto rxDrops = deviceField("net", name, "rx_drops");
            const auto txDrops = deviceField("net", name, "tx_drops");
            if (rx && tx && rxErrors && txErrors && rxDrops && txDrops)
                fields = InterfaceFields {*rx, *tx, *rxErrors, *txErrors, *rxDrops, *txDrops};
            ++m_deviceNames;
        }
        if (!fields && m_interfaces.size() >= kMaxDeviceNames)
            return nullptr;
        it = m_interfaces.emplace(name, fields).first;
    }
    return it->second ? &*it->second : nullptr;
}

const MetricsEventWriter::MountFields &MetricsEventWriter::mountFields(const std::string &name) {
    auto it = m_mounts.find(name);
    if (it == m_mounts.end()) {
        const std::string prefix = "fs." + name + ".";
        it = m_mounts
                 .emplace(name,
                     MountFields {internField(prefix + "used_pct"), internField(prefix + "free_bytes"),
                         internField(prefix + "total_bytes")})
                 .first;
    }
    return it->second;
}

void MetricsEventWriter::append(const MetricsSample &sample, std::int64_t timestampNs, EventBatch &batch) {
    Event &event = batch.addEvent();
    event.timestampNs = timestampNs;
    event.severity = Severity::Info;
    batch.setField(event, field::EventType, "metrics");
    batch.setField(event, field::Category, "performance");
    batch.setField(event, field::SourceType, "metrics");
    setInteger(batch, event, m_intervalMs, std::uint64_t(sample.intervalNs / 1'000'000));

    m_text.assign("host metrics:");
    std::array<char, 32> number {};
    const auto appendFigure = [&](const char *label, double value, const char *unit) {
        const auto [end, error]
            = std::to_chars(number.data(), number.data() + number.size(), value, std::chars_format::fixed, 2);
        if (error != std::errc())
            return;
        m_text.append(" ").append(label).append(" ");
        m_text.append(number.data(), end);
        m_text.append(unit);
    };

    if (sample.cpu) {
        setNumber(batch, event, m_cpuUser, sample.cpu->user, 2);
        setNumber(batch, event, m_cpuSystem, sample.cpu->system, 2);
        setNumber(batch, event, m_cpuIdle, sample.cpu->idle, 2);
        setNumber(batch, event, m_cpuIowait, sample.cpu->iowait, 2);
        setNumber(batch, event, m_cpuSteal, sample.cpu->steal, 2);
        appendFigure("cpu", 100.0 - sample.cpu->idle, "% busy,");
    }
    if (sample.memory) {
        setInteger(batch, event, m_memoryTotal, sample.memory->totalBytes);
        setInteger(batch, event, m_memoryAvailable, sample.memory->availableBytes);
        setNumber(batch, event, m_memoryUsed, sample.memory->usedPercent(), 2);
        setInteger(batch, event, m_swapTotal, sample.memory->swapTotalBytes);
        if (sample.memory->swapTotalBytes > 0)
            setNumber(batch, event, m_swapUsed, sample.memory->swapUsedPercent(), 2);
        appendFigure("memory", sample.memory->usedPercent(), "% used,");
    }
    if (sample.load) {
        setNumber(batch, event, m_load1, sample.load->one, 2);
        setNumber(batch, event, m_load5, sample.load->five, 2);
        setNumber(batch, event, m_load15, sample.load->fifteen, 2);
        setInteger(batch, event, m_processesRunning, sample.load->running);
        setInteger(batch, event, m_processesTotal, sample.load->total);
        appendFigure("load", sample.load->one, "");
    }
    if (!m_text.empty() && m_text.back() == ',')
        m_text.pop_back();
    batch.setField(event, field::Message, m_text);

    for (const DiskRate &disk : sample.disks) {
        const DiskFields *fields = diskFields(disk.name);
        if (fields == nullptr) {
            ++m_devicesLeftOut;
            continue;
        }
        setNumber(batch, event, fields->readBytesPerSecond, std::round(disk.readBytesPerSecond), 0);
        setNumber(batch, event, fields->writeBytesPerSecond, std::round(disk.writeBytesPerSecond), 0);
        setNumber(batch, event, fields->busyPercent, disk.busyPercent, 2);
    }
    for (const MountUsage &usage : sample.mounts) {
        const MountFields &fields = mountFields(usage.mount->name);
        setNumber(batch, event, fields.usedPercent, usage.usedPercent, 2);
        setInteger(batch, event, fields.freeBytes, usage.freeBytes);
        setInteger(batch, event, fields.totalBytes, usage.totalBytes);
    }
    for (const InterfaceRate &interface : sample.interfaces) {
        const InterfaceFields *fields = interfaceFields(interface.name);
        if (fields == nullptr) {
            ++m_devicesLeftOut;
            continue;
        }
        setNumber(batch, event, fields->rxBytesPerSecond, std::round(interface.rxBytesPerSecond), 0);
        setNumber(batch, event, fields->txBytesPerSecond, std::round(interface.txBytesPerSecond), 0);
        setInteger(batch, event, fields->rxErrors, interface.rxErrors);
        setInteger(batch, event, fields->txErrors, interface.txErrors);
        setInteger(batch, event, fields->rxDrops, interface.rxDrops);
        setInteger(batch, event, fields->txDrops, interface.txDrops);
    }
}

} // namespace vanopticon::sentinel
