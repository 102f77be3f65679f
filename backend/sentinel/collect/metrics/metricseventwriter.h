// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/metrics/metricssampler.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace vanopticon::sentinel {

// Writes one `metrics` event per interval (category performance, source_type metrics). Every
// figure is a field whose name carries its unit; values are decimal text:
//   interval_ms                         the interval the rates are over
//   cpu.user_pct  cpu.system_pct  cpu.idle_pct  cpu.iowait_pct  cpu.steal_pct
//                                       share of CPU time (user includes nice; system includes
//                                       irq and softirq), 2 decimals, adding up to 100
//   memory.total_bytes  memory.available_bytes  memory.used_pct (of total, not available)
//   swap.total_bytes  swap.used_pct     (swap.used_pct only with swap)
//   load.1m  load.5m  load.15m          load averages; processes.running  processes.total
//   disk.<dev>.read_bytes_per_s  disk.<dev>.write_bytes_per_s  disk.<dev>.busy_pct
//   fs.<mount>.used_pct  fs.<mount>.free_bytes  fs.<mount>.total_bytes
//                                       <mount>: "root" for /, else the path with '/' as '_'
//   net.<if>.rx_bytes_per_s  net.<if>.tx_bytes_per_s
//   net.<if>.rx_errors  net.<if>.tx_errors  net.<if>.rx_drops  net.<if>.tx_drops
//                                       counts during the interval
// Device and interface names are written as metricsFieldName() gives them. Field names are interned
// once per device; at most kMaxDeviceNames distinct devices over the source's life (container
// hosts create and delete interfaces all the time), further ones are left out and counted.
class MetricsEventWriter {
public:
    static constexpr std::size_t kMaxDeviceNames = 256;

    MetricsEventWriter();

    void append(const MetricsSample &sample, std::int64_t timestampNs, EventBatch &batch);
    std::uint64_t devicesLeftOut() const { return m_devicesLeftOut; }

private:
    struct DiskFields {
        FieldId readBytesPerSecond;
        FieldId writeBytesPerSecond;
        FieldId busyPercent;
    };
    struct InterfaceFields {
        FieldId rxBytesPerSecond;
        FieldId txBytesPerSecond;
        FieldId rxErrors;
        FieldId txErrors;
        FieldId rxDrops;
        FieldId txDrops;
    };
    struct MountFields {
        FieldId usedPercent;
        FieldId freeBytes;
        FieldId totalBytes;
    };

    const DiskFields *diskFields(const std::string &name);
    const InterfaceFields *interfaceFields(const std::string &name);
    const MountFields &mountFields(const std::string &name);
    std::optional<FieldId> deviceField(const std::string &prefix, const std::string &name, const char *suffix);
    void setNumber(EventBatch &batch, Event &event, FieldId id, double value, int decimals);
    void setInteger(EventBatch &batch, Event &event, FieldId id, std::uint64_t value);

    FieldId m_intervalMs;
    FieldId m_cpuUser;
    FieldId m_cpuSystem;
    FieldId m_cpuIdle;
    FieldId m_cpuIowait;
    FieldId m_cpuSteal;
    FieldId m_memoryTotal;
    FieldId m_memoryAvailable;
    FieldId m_memoryUsed;
    FieldId m_swapTotal;
    FieldId m_swapUsed;
    FieldId m_load1;
    FieldId m_load5;
    FieldId m_load15;
    FieldId m_processesRunning;
    FieldId m_processesTotal;
    std::map<std::string, std::optional<DiskFields>> m_disks;
    std::map<std::string, std::optional<InterfaceFields>> m_interfaces;
    std::map<std::string, MountFields> m_mounts; // from the configuration: bounded
    std::size_t m_deviceNames = 0;
    std::uint64_t m_devicesLeftOut = 0;
    std::string m_text; // reused
};

} // namespace vanopticon::sentinel
