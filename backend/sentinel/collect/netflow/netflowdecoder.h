// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/netflow/flowrecord.h"
#include "sentinel/collect/netflow/flowtemplate.h"
#include "sentinel/collect/netflow/pendingdata.h"
#include "sentinel/collect/netflow/templatecache.h"
#include "sentinel/respond/ipaddress.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vanopticon::sentinel {

struct NetflowLimits {
    std::size_t maxTemplates = 10000;
    PendingData::Limits pending;
    // Exporters counted one by one; datagrams from further addresses (spoofed sources, say) are
    // counted together as "others".
    std::size_t maxExporters = 1000;
};

// Per exporter: what it sent and what became of it.
struct ExporterStats {
    std::uint64_t packets = 0; // datagrams received
    std::uint64_t flows = 0; // flow records decoded (held ones included, once their template came)
    std::uint64_t optionsRecords = 0;
    std::uint64_t templates = 0; // template records received, refreshes included
    std::uint64_t templatesRedefined = 0; // a known id with a different layout
    std::uint64_t templatesWithdrawn = 0;
    std::uint64_t held = 0; // data sets held until their template arrives
    std::uint64_t released = 0; // held data sets decoded later
    std::uint64_t expiredHeld = 0; // held data sets given up: too old, or pushed out by the bounds
    std::uint64_t malformed = 0; // datagrams refused
    std::uint64_t badSets = 0; // sets skipped in an accepted datagram (reserved ids, records not fitting the template)
    std::int64_t lastSeenNs = 0;
    std::string_view lastFailure; // static text
};

// What one datagram held and what became of it.
struct NetflowPacketSummary {
    std::string_view failure; // empty when accepted; static text
    std::uint16_t version = 0;
    std::uint16_t count = 0; // the header's record count (v1, v5, v9; IPFIX has none)
    std::uint32_t domain = 0; // v9 source id / IPFIX observation domain
    std::size_t records = 0; // appended to `out` by this call (flows and options records)
    std::size_t released = 0; // of those, records from sets held earlier (this datagram's own included)
    std::size_t templates = 0; // template and options template records
    std::size_t withdrawals = 0;
    std::size_t held = 0; // data sets held for a template not known yet
    std::size_t badSets = 0;

    bool ok() const { return failure.empty(); }
};

// A datagram that was refused, kept for the operator to see.
struct NetflowFailure {
    IpAddress exporter;
    std::string_view reason; // static text
    std::size_t bytes = 0;
    std::int64_t atNs = 0;
};

// Decodes NetFlow v1, v5, v9 (RFC 3954) and IPFIX (RFC 7011) export datagrams into flow records.
// Datagrams are hostile: every length is checked against what is left before it is used, and a
// datagram whose structure (header, set lengths, templates) does not hold together is refused
// whole, with a reason, before anything in it takes effect. Templates are cached per exporter,
// domain and id (bounded); data sets whose template is not known yet are held (bounded by count,
// bytes and age) and decoded when it arrives. Plain C++, no allocation per record; not
// thread-safe (one decoder per socket).
class NetflowDecoder {
public:
    static constexpr std::size_t kMaxRecentFailures = 100;
    static constexpr std::size_t kMaxDomainsPerExporter = 64;

    explicit NetflowDecoder(NetflowLimits limits = {});

    // Decodes one datagram from `exporter`, received at `nowNs` (UTC ns). Records are appended to
    // `out` in export order: this datagram's, and, when it brings a template, those of earlier
    // datagrams from the same exporter that were waiting for it.
    NetflowPacketSummary decode(std::span<const std::uint8_t> datagram, const IpAddress &exporter, std::int64_t nowNs,
        std::vector<FlowRecord> &out);
    // Gives up held data older than the age bound.
    void expire(std::int64_t nowNs);

    const TemplateCache &templates() const { return m_templates; }
    const PendingData &pending() const { return m_pending; }
    const NetflowLimits &limits() const { return m_limits; }
    // Counters of one exporter, or nullptr if it was never seen (or is counted among others()).
    const ExporterStats *exporterStats(const IpAddress &exporter) const;
    std::vector<std::pair<IpAddress, ExporterStats>> exporters() const;
    const ExporterStats &others() const { return m_others.stats; }
    // All exporters together.
    ExporterStats totals() const;
    const std::deque<NetflowFailure> &recentFailures() const { return m_recentFailures; }

private:
    struct ExporterState {
        ExporterStats stats;
        std::vector<std::pair<std::uint32_t, std::uint64_t>> initTimes; // domain → systemInitTimeMilliseconds
    };
    struct SetRef {
        std::uint16_t id = 0;
        std::size_t offset = 0; // of the set's records, after its header
        std::size_t length = 0; // of its records
    };
    struct TemplateOp {
        enum class Kind : std::uint8_t { Define, Withdraw, WithdrawAll };
        Kind kind = Kind::Define;
        std::size_t set = 0; // index into m_sets
        bool options = false;
        FlowTemplate flowTemplate; // Define; for Withdraw only its id
    };

    ExporterState &stateFor(const IpAddress &exporter);
    ExporterState *findState(const IpAddress &exporter);
    std::string_view decodeV1V5(std::span<const std::uint8_t> datagram, std::uint16_t version, ExporterState &state,
        NetflowPacketSummary &summary, std::vector<FlowRecord> &out);
    std::string_view decodeTemplated(std::span<const std::uint8_t> datagram, std::uint16_t version,
        const IpAddress &exporter, std::int64_t nowNs, ExporterState &state, NetflowPacketSummary &summary,
        std::vector<FlowRecord> &out);
    std::string_view scanSets(std::span<const std::uint8_t> message, std::size_t offset, std::uint16_t version);
    std::string_view parseTemplateSet(
        std::span<const std::uint8_t> records, std::uint16_t setId, std::uint16_t version, std::size_t setIndex);
    // Appends the records of one data set; false (and nothing appended) when they do not fit the template.
    bool decodeDataSet(const FlowTemplate &flowTemplate, const PendingContext &context,
        std::span<const std::uint8_t> records, ExporterState &state, std::vector<FlowRecord> &out);
    void refuse(const IpAddress &exporter, ExporterState &state, std::string_view reason, std::size_t bytes,
        std::int64_t nowNs);

    NetflowLimits m_limits;
    TemplateCache m_templates;
    PendingData m_pending;
    std::unordered_map<IpAddress, ExporterState, IpAddressHash> m_exporters;
    ExporterState m_others;
    std::deque<NetflowFailure> m_recentFailures;
    std::uint64_t m_datagrams = 0;
    // Scratch space reused from datagram to datagram.
    std::vector<SetRef> m_sets;
    std::vector<TemplateOp> m_ops;
    std::vector<std::uint16_t> m_defined; // ids this datagram defined that held data waits for
};

} // namespace vanopticon::sentinel
