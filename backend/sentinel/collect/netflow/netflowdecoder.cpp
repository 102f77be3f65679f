// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/netflowdecoder.h"

#include "sentinel/collect/netflow/netflowbytes.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace vanopticon::sentinel {

using netflowbytes::u16;
using netflowbytes::u32;
using netflowbytes::unsignedValue;

namespace {

constexpr std::size_t kV1HeaderLength = 16;
constexpr std::size_t kV5HeaderLength = 24;
constexpr std::size_t kV1V5RecordLength = 48;
constexpr std::size_t kV1MaxRecords = 24; // what the v1 and v5 formats allow per datagram
constexpr std::size_t kV5MaxRecords = 30;
constexpr std::size_t kV9HeaderLength = 20;
constexpr std::size_t kIpfixHeaderLength = 16;
constexpr std::size_t kSetHeaderLength = 4;
constexpr std::uint16_t kFirstDataSetId = 256;
constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::uint64_t kNtpToUnixSeconds = 2'208'988'800; // 1900-01-01 → 1970-01-01

// Times a record states, before they are resolved against the header's clock.
struct RawTimes {
    std::optional<std::uint32_t> startUptimeMs;
    std::optional<std::uint32_t> endUptimeMs;
    std::optional<std::int64_t> startNs; // absolute
    std::optional<std::int64_t> endNs;
    std::optional<std::uint32_t> startDeltaUs;
    std::optional<std::uint32_t> endDeltaUs;
    std::optional<std::uint64_t> totalBytes;
    std::optional<std::uint64_t> totalPackets;
};

FlowAddress address(std::span<const std::uint8_t> value) {
    FlowAddress a;
    std::copy(value.begin(), value.end(), a.bytes.begin());
    a.v6 = value.size() == 16;
    return a;
}

bool isZero(std::span<const std::uint8_t> bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::int64_t ntpToUnixNs(std::uint64_t ntp) {
    const std::uint64_t seconds = ntp >> 32;
    const std::uint64_t fraction = ntp & 0xffffffffULL;
    if (seconds < kNtpToUnixSeconds)
        return 0;
    return std::int64_t(seconds - kNtpToUnixSeconds) * kNsPerSecond + std::int64_t((fraction * 1'000'000'000ULL) >> 32);
}

// A time the exporter states as its uptime (ms, 32 bits, wrapping every 49.7 days): the flow
// happened (uptime at export − value) ms before the export. Taking that difference modulo 2^32
// survives the wrap, and an exporter whose uptime and record clocks disagree still gets a flow
// dated within 49.7 days before its export instead of one in the future.
std::int64_t fromUptime(std::int64_t exportNs, std::uint32_t uptimeAtExportMs, std::uint32_t valueMs) {
    const std::uint32_t ageMs = uptimeAtExportMs - valueMs;
    const std::int64_t ns = exportNs - std::int64_t(ageMs) * kNsPerMs;
    return ns > 0 ? ns : 0;
}

void apply(FieldSlot slot, std::span<const std::uint8_t> value, FlowRecord &record, RawTimes &times) {
    switch (slot) {
    case FieldSlot::Skip:
        break;
    case FieldSlot::SourceV4:
    case FieldSlot::SourceV6:
        // One template may carry both families; the unused one is zero.
        if (!record.sourceAddress || !isZero(value))
            record.sourceAddress = address(value);
        break;
    case FieldSlot::DestinationV4:
    case FieldSlot::DestinationV6:
        if (!record.destinationAddress || !isZero(value))
            record.destinationAddress = address(value);
        break;
    case FieldSlot::SourcePort:
        record.sourcePort = static_cast<std::uint16_t>(unsignedValue(value));
        break;
    case FieldSlot::DestinationPort:
        record.destinationPort = static_cast<std::uint16_t>(unsignedValue(value));
        break;
    case FieldSlot::Protocol:
        record.protocol = value[0];
        break;
    case FieldSlot::Bytes:
        record.bytes = unsignedValue(value);
        break;
    case FieldSlot::Packets:
        record.packets = unsignedValue(value);
        break;
    case FieldSlot::TotalBytes:
        times.totalBytes = unsignedValue(value);
        break;
    case FieldSlot::TotalPackets:
        times.totalPackets = unsignedValue(value);
        break;
    case FieldSlot::TcpFlags:
        record.tcpFlags = static_cast<std::uint16_t>(unsignedValue(value));
        break;
    case FieldSlot::InputInterface:
        record.inputInterface = static_cast<std::uint32_t>(unsignedValue(value));
        break;
    case FieldSlot::OutputInterface:
        record.outputInterface = static_cast<std::uint32_t>(unsignedValue(value));
        break;
    case FieldSlot::StartUptimeMs:
        times.startUptimeMs = static_cast<std::uint32_t>(unsignedValue(value));
        break;
    case FieldSlot::EndUptimeMs:
        times.endUptimeMs = static_cast<std::uint32_t>(unsignedValue(value));
        break;
    case FieldSlot::StartSeconds:
        times.startNs = std::int64_t(unsignedValue(value)) * kNsPerSecond;
        break;
    case FieldSlot::EndSeconds:
        times.endNs = std::int64_t(unsignedValue(value)) * kNsPerSecond;
        break;
    case FieldSlot::StartMilliseconds:
    case FieldSlot::EndMilliseconds: {
        // Beyond year 2262 a nanosecond count overflows: such a time is not believed.
        const std::uint64_t ms = unsignedValue(value);
        const std::int64_t ns = ms < 9'000'000'000'000ULL ? std::int64_t(ms) * kNsPerMs : 0;
        (slot == FieldSlot::StartMilliseconds ? times.startNs : times.endNs) = ns;
        break;
    }
    case FieldSlot::StartNtpTime:
        times.startNs = ntpToUnixNs(unsignedValue(value));
        break;
    case FieldSlot::EndNtpTime:
        times.endNs = ntpToUnixNs(unsignedValue(value));
        break;
    case FieldSlot::StartDeltaMicroseconds:
        times.startDeltaUs = static_cast<std::uint32_t>(unsignedValue(value));
        break;
    case FieldSlot::EndDeltaMicroseconds:
        times.endDeltaUs = static_cast<std::uint32_t>(unsignedValue(value));
        break;
    case FieldSlot::IcmpTypeCode:
        record.icmpTypeCode = static_cast<std::uint16_t>(unsignedValue(value));
        break;
    case FieldSlot::SourceMac:
        record.sourceMac = unsignedValue(value);
        break;
    case FieldSlot::DestinationMac:
        record.destinationMac = unsignedValue(value);
        break;
    case FieldSlot::PostDestinationMac:
        record.postDestinationMac = unsignedValue(value);
        break;
    case FieldSlot::MeteringProcessId:
        record.meteringProcessId = unsignedValue(value);
        break;
    case FieldSlot::SystemInitTimeMs:
        record.systemInitTimeMs = unsignedValue(value);
        break;
    case FieldSlot::SelectorAlgorithm:
        record.selectorAlgorithm = unsignedValue(value);
        break;
    case FieldSlot::SamplingInterval:
        record.samplingInterval = unsignedValue(value);
        break;
    }
}

// Resolves the record's times: absolute ones as they are, deltas against the export time,
// uptimes against the uptime at export (v9: the header's; IPFIX: derived from the exporter's
// systemInitTimeMilliseconds, when it has told us).
void resolveTimes(FlowRecord &record, const RawTimes &times, std::optional<std::uint32_t> uptimeAtExportMs) {
    const auto resolve = [&](std::optional<std::int64_t> absolute, std::optional<std::uint32_t> deltaUs,
                             std::optional<std::uint32_t> uptimeMs) -> std::int64_t {
        if (absolute)
            return *absolute;
        if (deltaUs)
            return std::max<std::int64_t>(record.exportNs - std::int64_t(*deltaUs) * 1000, 0);
        if (uptimeMs && uptimeAtExportMs)
            return fromUptime(record.exportNs, *uptimeAtExportMs, *uptimeMs);
        return 0;
    };
    record.startNs = resolve(times.startNs, times.startDeltaUs, times.startUptimeMs);
    record.endNs = resolve(times.endNs, times.endDeltaUs, times.endUptimeMs);
    if (!record.bytes && times.totalBytes)
        record.bytes = times.totalBytes;
    if (!record.packets && times.totalPackets)
        record.packets = times.totalPackets;
}

bool isIcmp(std::uint8_t protocol) {
    return protocol == 1 || protocol == 58;
}

} // namespace

NetflowDecoder::NetflowDecoder(NetflowLimits limits)
    : m_limits(limits)
    , m_templates(std::max<std::size_t>(limits.maxTemplates, 1))
    , m_pending(limits.pending) {
}

NetflowDecoder::ExporterState *NetflowDecoder::findState(const IpAddress &exporter) {
    const auto it = m_exporters.find(exporter);
    return it != m_exporters.end() ? &it->second : nullptr;
}

NetflowDecoder::ExporterState &NetflowDecoder::stateFor(const IpAddress &exporter) {
    if (ExporterState *state = findState(exporter))
        return *state;
    if (m_exporters.size() >= m_limits.maxExporters)
        return m_others;
    return m_exporters.emplace(exporter, ExporterState {}).first->second;
}

const ExporterStats *NetflowDecoder::exporterStats(const IpAddress &exporter) const {
    const auto it = m_exporters.find(exporter);
    return it != m_exporters.end() ? &it->second.stats : nullptr;
}

std::vector<std::pair<IpAddress, ExporterStats>> NetflowDecoder::exporters() const {
    std::vector<std::pair<IpAddress, ExporterStats>> list;
    list.reserve(m_exporters.size());
    for (const auto &[address, state] : m_exporters)
        list.emplace_back(address, state.stats);
    return list;
}

ExporterStats NetflowDecoder::totals() const {
    ExporterStats sum = m_others.stats;
    for (const auto &[address, state] : m_exporters) {
        const ExporterStats &s = state.stats;
        sum.packets += s.packets;
        sum.flows += s.flows;
        sum.optionsRecords += s.optionsRecords;
        sum.templates += s.templates;
        sum.templatesRedefined += s.templatesRedefined;
        sum.templatesWithdrawn += s.templatesWithdrawn;
        sum.held += s.held;
        sum.released += s.released;
        sum.expiredHeld += s.expiredHeld;
        sum.malformed += s.malformed;
        sum.badSets += s.badSets;
        sum.lastSeenNs = std::max(sum.lastSeenNs, s.lastSeenNs);
    }
    return sum;
}

void NetflowDecoder::expire(std::int64_t nowNs) {
    m_pending.expire(nowNs, [this](const PendingContext &context, std::size_t sets) {
        ExporterState *state = findState(context.exporter);
        (state != nullptr ? *state : m_others).stats.expiredHeld += sets;
    });
}

void NetflowDecoder::refuse(
    const IpAddress &exporter, ExporterState &state, std::string_view reason, std::size_t bytes, std::int64_t nowNs) {
    ++state.stats.malformed;
    state.stats.lastFailure = reason;
    if (m_recentFailures.size() == kMaxRecentFailures)
        m_recentFailures.pop_front();
    m_recentFailures.push_back(NetflowFailure {exporter, reason, bytes, nowNs});
}

NetflowPacketSummary NetflowDecoder::decode(std::span<const std::uint8_t> datagram, const IpAddress &exporter,
    std::int64_t nowNs, std::vector<FlowRecord> &out) {
    expire(nowNs);
    ExporterState &state = stateFor(exporter);
    ++state.stats.packets;
    state.stats.lastSeenNs = nowNs;
    ++m_datagrams;

    NetflowPacketSummary summary;
    const std::size_t first = out.size();
    if (datagram.size() < 4) {
        summary.failure = "too short for a NetFlow or IPFIX header";
    } else {
        summary.version = u16(datagram, 0);
        switch (summary.version) {
        case 1:
        case 5:
            summary.failure = decodeV1V5(datagram, summary.version, state, summary, out);
            break;
        case 9:
        case 10:
            summary.failure = decodeTemplated(datagram, summary.version, exporter, nowNs, state, summary, out);
            break;
        default:
            summary.failure = "unsupported version (expected NetFlow v1, v5, v9 or IPFIX)";
            break;
        }
    }
    if (!summary.ok()) {
        assert(out.size() == first); // a refused datagram takes no effect
        refuse(exporter, state, summary.failure, datagram.size(), nowNs);
    }
    summary.records = out.size() - first;
    return summary;
}

std::string_view NetflowDecoder::decodeV1V5(std::span<const std::uint8_t> datagram, std::uint16_t version,
    ExporterState &state, NetflowPacketSummary &summary, std::vector<FlowRecord> &out) {
    const std::size_t headerLength = version == 1 ? kV1HeaderLength : kV5HeaderLength;
    if (datagram.size() < headerLength)
        return version == 1 ? "v1: shorter than its header" : "v5: shorter than its header";
    const std::uint16_t count = u16(datagram, 2);
    if (count > (version == 1 ? kV1MaxRecords : kV5MaxRecords))
        return version == 1 ? "v1: more than 24 records" : "v5: more than 30 records";
    if (datagram.size() < headerLength + count * kV1V5RecordLength)
        return version == 1 ? "v1: records exceed the datagram" : "v5: records exceed the datagram";
    summary.count = count;

    const std::uint32_t uptimeMs = u32(datagram, 4);
    const std::int64_t exportNs
        = std::int64_t(u32(datagram, 8)) * kNsPerSecond + std::min<std::int64_t>(u32(datagram, 12), kNsPerSecond - 1);
    for (std::size_t i = 0; i < count; ++i) {
        const auto r = datagram.subspan(headerLength + i * kV1V5RecordLength, kV1V5RecordLength);
        FlowRecord record;
        record.version = version;
        record.exportNs = exportNs;
        record.sourceAddress = address(r.subspan(0, 4));
        record.destinationAddress = address(r.subspan(4, 4));
        record.inputInterface = u16(r, 12);
        record.outputInterface = u16(r, 14);
        record.packets = u32(r, 16);
        record.bytes = u32(r, 20);
        record.startNs = fromUptime(exportNs, uptimeMs, u32(r, 24));
        record.endNs = fromUptime(exportNs, uptimeMs, u32(r, 28));
        record.sourcePort = u16(r, 32);
        record.destinationPort = u16(r, 34);
        // v1: pad(2) prot tos flags; v5: pad(1) flags prot tos.
        record.protocol = r[38];
        record.tcpFlags = version == 1 ? r[40] : r[37];
        // ICMP flows carry type and code where the destination port would be.
        if (isIcmp(*record.protocol))
            record.icmpTypeCode = record.destinationPort;
        out.push_back(record);
    }
    state.stats.flows += count;
    return {};
}

std::string_view NetflowDecoder::decodeTemplated(std::span<const std::uint8_t> datagram, std::uint16_t version,
    const IpAddress &exporter, std::int64_t nowNs, ExporterState &state, NetflowPacketSummary &summary,
    std::vector<FlowRecord> &out) {
    PendingContext context {exporter, version, 0, 0, 0, nowNs};
    std::span<const std::uint8_t> message = datagram;
    std::size_t headerLength = 0;
    if (version == 9) {
        if (datagram.size() < kV9HeaderLength)
            return "v9: shorter than its header";
        summary.count = u16(datagram, 2);
        context.sysUptimeMs = u32(datagram, 4);
        context.exportSeconds = u32(datagram, 8);
        context.domain = u32(datagram, 16);
        headerLength = kV9HeaderLength;
    } else {
        if (datagram.size() < kIpfixHeaderLength)
            return "ipfix: shorter than its header";
        const std::uint16_t length = u16(datagram, 2);
        if (length < kIpfixHeaderLength)
            return "ipfix: message length shorter than its header";
        if (length > datagram.size())
            return "ipfix: message length exceeds the datagram";
        message = datagram.first(length); // one message per datagram; anything after it is ignored
        context.exportSeconds = u32(datagram, 4);
        context.domain = u32(datagram, 12);
        headerLength = kIpfixHeaderLength;
    }
    summary.domain = context.domain;

    // First the whole structure is checked, so that a datagram refused takes no effect at all.
    if (const std::string_view failure = scanSets(message, headerLength, version); !failure.empty())
        return failure;

    const auto keyFor = [&](std::uint16_t templateId) {
        return TemplateKey {exporter, context.domain, templateId, static_cast<std::uint8_t>(version)};
    };
    const auto release = [&](const TemplateKey &key) {
        const FlowTemplate *flowTemplate = m_templates.find(key);
        if (flowTemplate == nullptr)
            return; // withdrawn again later in the same datagram
        m_pending.release(key, [&](const PendingContext &held, std::span<const std::uint8_t> records) {
            ++state.stats.released;
            const std::size_t before = out.size();
            if (!decodeDataSet(*flowTemplate, held, records, state, out)) {
                ++summary.badSets;
                ++state.stats.badSets;
            }
            summary.released += out.size() - before;
        });
    };
    const auto dropped = [this](const PendingContext &held, std::size_t sets) {
        ExporterState *owner = findState(held.exporter);
        (owner != nullptr ? *owner : m_others).stats.expiredHeld += sets;
    };

    m_defined.clear();
    std::array<bool, 2> withdrewAll {false, false}; // data, options
    std::size_t nextOp = 0;
    for (std::size_t index = 0; index < m_sets.size(); ++index) {
        const SetRef &set = m_sets[index];
        const auto records = message.subspan(set.offset, set.length);
        const bool templateSet = version == 9 ? set.id <= 1 : (set.id == 2 || set.id == 3);
        if (templateSet) {
            for (; nextOp < m_ops.size() && m_ops[nextOp].set == index; ++nextOp) {
                TemplateOp &op = m_ops[nextOp];
                const TemplateKey key = keyFor(op.flowTemplate.id);
                switch (op.kind) {
                case TemplateOp::Kind::Define:
                    ++summary.templates;
                    ++state.stats.templates;
                    if (m_templates.put(key, std::move(op.flowTemplate)) == TemplateCache::Change::Redefined)
                        ++state.stats.templatesRedefined;
                    if (m_pending.waitingFor(key))
                        m_defined.push_back(key.templateId);
                    break;
                case TemplateOp::Kind::Withdraw:
                    ++summary.withdrawals;
                    if (m_templates.remove(key))
                        ++state.stats.templatesWithdrawn;
                    break;
                case TemplateOp::Kind::WithdrawAll:
                    ++summary.withdrawals;
                    // Once per datagram and kind is enough; repeating it would only cost time.
                    if (!std::exchange(withdrewAll[op.options ? 1 : 0], true)) {
                        state.stats.templatesWithdrawn
                            += m_templates.removeAll(exporter, context.domain, std::uint8_t(version), op.options);
                    }
                    break;
                }
            }
        } else if (set.id >= kFirstDataSetId) {
            if (set.length == 0)
                continue; // a set header with no records: nothing to decode or hold
            const TemplateKey key = keyFor(set.id);
            if (const FlowTemplate *flowTemplate = m_templates.find(key)) {
                if (!decodeDataSet(*flowTemplate, context, records, state, out)) {
                    ++summary.badSets;
                    ++state.stats.badSets;
                }
            } else if (m_pending.hold(context, m_datagrams, set.id, records, dropped)) {
                ++summary.held;
                ++state.stats.held;
            } else {
                ++state.stats.expiredHeld; // no room even after pushing older ones out
            }
        } else {
            // Reserved set ids: framed correctly, so the rest of the datagram is still readable.
            ++summary.badSets;
            ++state.stats.badSets;
        }
    }
    // Held data is decoded once the whole datagram has been read: its options records (the
    // exporter's start time) then date the held flows too.
    for (const std::uint16_t templateId : m_defined) {
        if (m_pending.waitingFor(keyFor(templateId)))
            release(keyFor(templateId));
    }
    return {};
}

std::string_view NetflowDecoder::scanSets(
    std::span<const std::uint8_t> message, std::size_t offset, std::uint16_t version) {
    m_sets.clear();
    m_ops.clear();
    while (message.size() - offset >= kSetHeaderLength) {
        const std::uint16_t id = u16(message, offset);
        const std::uint16_t length = u16(message, offset + 2);
        if (length < kSetHeaderLength) {
            // Some v9 exporters pad the datagram with zeros after the last flowset.
            if (version == 9 && isZero(message.subspan(offset)))
                return {};
            return version == 9 ? "v9: flowset length below 4" : "ipfix: set length below 4";
        }
        if (length > message.size() - offset)
            return version == 9 ? "v9: flowset length exceeds the datagram" : "ipfix: set length exceeds the message";
        const std::size_t index = m_sets.size();
        m_sets.push_back(SetRef {id, offset + kSetHeaderLength, std::size_t(length) - kSetHeaderLength});
        const bool templateSet = version == 9 ? id <= 1 : (id == 2 || id == 3);
        if (templateSet) {
            const auto records = message.subspan(offset + kSetHeaderLength, length - kSetHeaderLength);
            if (const std::string_view failure = parseTemplateSet(records, id, version, index); !failure.empty())
                return failure;
        }
        offset += length;
    }
    if (offset != message.size() && version == 10)
        return "ipfix: bytes after the last set";
    return {};
}

std::string_view NetflowDecoder::parseTemplateSet(
    std::span<const std::uint8_t> records, std::uint16_t setId, std::uint16_t version, std::size_t setIndex) {
    const bool options = version == 9 ? setId == 1 : setId == 3;
    std::size_t at = 0;
    // What is left after the last record is padding (shorter than any record, RFC 3954 and 7011).
    const std::size_t minRecord = version == 9 && options ? 6 : 4;
    while (records.size() - at >= minRecord) {
        TemplateOp op;
        op.set = setIndex;
        op.options = options;
        FlowTemplate &t = op.flowTemplate;
        t.id = u16(records, at);
        t.options = options;
        std::size_t fieldCount = 0;
        if (version == 9 && options) {
            const std::uint16_t scopeLength = u16(records, at + 2);
            const std::uint16_t optionLength = u16(records, at + 4);
            at += 6;
            if (scopeLength % 4 != 0 || optionLength % 4 != 0)
                return "v9: options template lengths are not multiples of 4";
            if (std::size_t(scopeLength) + optionLength > records.size() - at)
                return "v9: options template exceeds its flowset";
            fieldCount = (std::size_t(scopeLength) + optionLength) / 4;
            t.scopeFieldCount = static_cast<std::uint16_t>(scopeLength / 4);
        } else {
            fieldCount = u16(records, at + 2);
            at += 4;
            if (fieldCount == 0) {
                // IPFIX withdrawal: one template, or (id = the set id) every one of the kind.
                if (version == 9)
                    return "v9: template without fields";
                if (t.id == setId) {
                    op.kind = TemplateOp::Kind::WithdrawAll;
                } else if (t.id >= kFirstDataSetId) {
                    op.kind = TemplateOp::Kind::Withdraw;
                } else {
                    return "ipfix: template withdrawal for a reserved id";
                }
                m_ops.push_back(std::move(op));
                continue;
            }
            if (options) {
                if (records.size() - at < 2)
                    return "ipfix: options template exceeds its set";
                t.scopeFieldCount = u16(records, at);
                at += 2;
                if (t.scopeFieldCount == 0 || t.scopeFieldCount > fieldCount)
                    return "ipfix: options template scope count out of range";
            }
        }
        if (t.id < kFirstDataSetId)
            return version == 9 ? "v9: template id below 256" : "ipfix: template id below 256";
        if (fieldCount == 0)
            return "v9: options template without fields";
        if (fieldCount > FlowTemplate::kMaxFields)
            return version == 9 ? "v9: template has too many fields" : "ipfix: template has too many fields";
        t.fields.reserve(fieldCount);
        for (std::size_t i = 0; i < fieldCount; ++i) {
            if (records.size() - at < 4)
                return version == 9 ? "v9: template exceeds its flowset" : "ipfix: template exceeds its set";
            TemplateField field;
            field.id = u16(records, at);
            field.length = u16(records, at + 2);
            at += 4;
            if (version == 10 && (field.id & 0x8000) != 0) {
                if (records.size() - at < 4)
                    return "ipfix: template exceeds its set";
                field.id &= 0x7fff;
                field.enterprise = u32(records, at);
                at += 4;
            }
            t.fields.push_back(field);
        }
        t.compile(version);
        // A record of no bytes would repeat forever in any data set.
        if (t.minRecordLength == 0)
            return version == 9 ? "v9: template describes empty records" : "ipfix: template describes empty records";
        m_ops.push_back(std::move(op));
    }
    return {};
}

bool NetflowDecoder::decodeDataSet(const FlowTemplate &flowTemplate, const PendingContext &context,
    std::span<const std::uint8_t> records, ExporterState &state, std::vector<FlowRecord> &out) {
    const std::size_t first = out.size();
    std::optional<std::uint32_t> uptimeAtExportMs;
    const auto findInitTime = [&]() -> std::optional<std::uint64_t> {
        for (const auto &[domain, initMs] : state.initTimes) {
            if (domain == context.domain)
                return initMs;
        }
        return std::nullopt;
    };
    const auto anchor = [&](std::optional<std::uint64_t> initMs) {
        if (context.version == 9)
            uptimeAtExportMs = context.sysUptimeMs;
        else if (initMs)
            uptimeAtExportMs = static_cast<std::uint32_t>(std::uint64_t(context.exportSeconds) * 1000 - *initMs);
    };
    anchor(context.version == 10 ? findInitTime() : std::nullopt);

    std::size_t flows = 0;
    std::size_t optionsRecords = 0;
    std::size_t at = 0;
    // Whatever is left that is shorter than the shortest record is padding.
    while (records.size() - at >= flowTemplate.minRecordLength) {
        FlowRecord record;
        record.kind = flowTemplate.options ? FlowRecord::Kind::Options : FlowRecord::Kind::Flow;
        record.version = context.version;
        record.domain = context.domain;
        record.templateId = flowTemplate.id;
        record.exportNs = std::int64_t(context.exportSeconds) * kNsPerSecond;
        RawTimes times;
        for (const TemplateField &field : flowTemplate.fields) {
            std::size_t length = field.length;
            if (length == kVariableLength && context.version == 10) {
                if (records.size() - at < 1) {
                    out.resize(first);
                    return false;
                }
                length = records[at++];
                if (length == 255) {
                    if (records.size() - at < 2) {
                        out.resize(first);
                        return false;
                    }
                    length = u16(records, at);
                    at += 2;
                }
            }
            if (records.size() - at < length) {
                out.resize(first);
                return false;
            }
            apply(field.slot, records.subspan(at, length), record, times);
            at += length;
        }
        resolveTimes(record, times, uptimeAtExportMs);
        if (record.protocol && isIcmp(*record.protocol) && !record.icmpTypeCode && record.destinationPort)
            record.icmpTypeCode = record.destinationPort;
        // Exporters (softflowd among them) keep ICMP flows in templates of their own that carry
        // the ICMP type but no protocol field.
        if (!record.protocol && record.icmpTypeCode)
            record.protocol = record.sourceAddress && record.sourceAddress->v6 ? 58 : 1;
        if (record.kind == FlowRecord::Kind::Options) {
            ++optionsRecords;
            // The exporter's start time anchors the uptimes of the records that follow.
            if (record.systemInitTimeMs && context.version == 10) {
                auto it = std::find_if(state.initTimes.begin(), state.initTimes.end(),
                    [&](const auto &entry) { return entry.first == context.domain; });
                if (it != state.initTimes.end())
                    it->second = *record.systemInitTimeMs;
                else if (state.initTimes.size() < kMaxDomainsPerExporter)
                    state.initTimes.emplace_back(context.domain, *record.systemInitTimeMs);
                anchor(record.systemInitTimeMs);
            }
        } else {
            ++flows;
        }
        out.push_back(record);
    }
    state.stats.flows += flows;
    state.stats.optionsRecords += optionsRecords;
    return true;
}

} // namespace vanopticon::sentinel
