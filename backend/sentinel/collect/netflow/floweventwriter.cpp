// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/floweventwriter.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>

namespace vanopticon::sentinel {

namespace {

// Text built on the stack, then copied once into the batch's arena.
class TextBuffer {
public:
    void append(std::string_view text) {
        const std::size_t n = std::min(text.size(), m_data.size() - m_size);
        std::memcpy(m_data.data() + m_size, text.data(), n);
        m_size += n;
    }
    void appendNumber(std::uint64_t value, int minDigits = 1) {
        std::array<char, 20> digits {};
        const auto [end, error] = std::to_chars(digits.begin(), digits.end(), value);
        const auto length = static_cast<int>(end - digits.begin());
        for (int i = length; i < minDigits; ++i)
            append("0");
        append(std::string_view(digits.data(), static_cast<std::size_t>(length)));
    }
    void appendAddress(const FlowAddress &address) {
        std::array<char, INET6_ADDRSTRLEN> text {};
        if (::inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), text.data(), text.size()) != nullptr)
            append(std::string_view(text.data()));
    }
    std::string_view view() const { return {m_data.data(), m_size}; }
    void clear() { m_size = 0; }

private:
    std::array<char, 256> m_data {};
    std::size_t m_size = 0;
};

bool hasPorts(std::uint8_t protocol) {
    return protocol == 6 || protocol == 17 || protocol == 33 || protocol == 132 || protocol == 136;
}

// Days since 1970-01-01 → civil date (Howard Hinnant's algorithm), for RFC 3339 text without
// going through the C library's time zone machinery.
void civilFromDays(std::int64_t days, std::int64_t &year, unsigned &month, unsigned &day) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto dayOfEra = static_cast<unsigned>(days - era * 146097);
    const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const unsigned mp = (5 * dayOfYear + 2) / 153;
    day = dayOfYear - (153 * mp + 2) / 5 + 1;
    month = mp < 10 ? mp + 3 : mp - 9;
    year = std::int64_t(yearOfEra) + era * 400 + (month <= 2 ? 1 : 0);
}

void appendTime(TextBuffer &text, std::int64_t ns) {
    const std::int64_t ms = ns / 1'000'000;
    const std::int64_t seconds = ms / 1000;
    std::int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    civilFromDays(seconds / 86400, year, month, day);
    const std::int64_t secondOfDay = seconds % 86400;
    text.appendNumber(static_cast<std::uint64_t>(year), 4);
    text.append("-");
    text.appendNumber(month, 2);
    text.append("-");
    text.appendNumber(day, 2);
    text.append("T");
    text.appendNumber(static_cast<std::uint64_t>(secondOfDay / 3600), 2);
    text.append(":");
    text.appendNumber(static_cast<std::uint64_t>(secondOfDay / 60 % 60), 2);
    text.append(":");
    text.appendNumber(static_cast<std::uint64_t>(secondOfDay % 60), 2);
    text.append(".");
    text.appendNumber(static_cast<std::uint64_t>(ms % 1000), 3);
    text.append("Z");
}

void appendMac(TextBuffer &text, std::uint64_t mac) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int shift = 40; shift >= 0; shift -= 8) {
        const auto octet = static_cast<unsigned>((mac >> shift) & 0xff);
        const char pair[2] = {kHex[octet >> 4], kHex[octet & 0xf]};
        text.append(std::string_view(pair, 2));
        if (shift > 0)
            text.append(":");
    }
}

void appendTcpFlags(TextBuffer &text, std::uint16_t flags) {
    static constexpr std::array<std::string_view, 9> kNames {
        "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};
    bool first = true;
    for (std::size_t bit = 0; bit < kNames.size(); ++bit) {
        if ((flags & (1u << bit)) == 0)
            continue;
        if (!first)
            text.append(",");
        text.append(kNames[bit]);
        first = false;
    }
}

} // namespace

std::string_view ipProtocolName(std::uint8_t protocol) {
    switch (protocol) {
    case 1:
        return "icmp";
    case 2:
        return "igmp";
    case 4:
        return "ipv4";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 33:
        return "dccp";
    case 41:
        return "ipv6";
    case 47:
        return "gre";
    case 50:
        return "esp";
    case 51:
        return "ah";
    case 58:
        return "ipv6-icmp";
    case 89:
        return "ospf";
    case 103:
        return "pim";
    case 112:
        return "vrrp";
    case 132:
        return "sctp";
    case 136:
        return "udplite";
    default:
        return {};
    }
}

FlowEventWriter::FlowEventWriter()
    : m_bytes(internField("bytes"))
    , m_packets(internField("packets"))
    , m_protocolNumber(internField("protocol_number"))
    , m_flowStart(internField("flow_start"))
    , m_flowEnd(internField("flow_end"))
    , m_inputInterface(internField("input_interface"))
    , m_outputInterface(internField("output_interface"))
    , m_tcpFlags(internField("tcp_flags"))
    , m_icmpType(internField("icmp_type"))
    , m_icmpCode(internField("icmp_code"))
    , m_sourceMac(internField("source_mac"))
    , m_destinationMac(internField("destination_mac"))
    , m_exporter(internField("exporter"))
    , m_version(internField("netflow_version"))
    , m_domain(internField("observation_domain")) {
}

bool FlowEventWriter::append(const FlowRecord &record, std::string_view exporter, EventBatch &batch) const {
    if (record.kind != FlowRecord::Kind::Flow)
        return false;
    Event &event = batch.addEvent();
    event.severity = Severity::Info;
    event.timestampNs = record.startNs != 0 ? record.startNs : (record.endNs != 0 ? record.endNs : record.exportNs);
    batch.setField(event, field::EventType, "network_connection");
    batch.setField(event, field::Category, "network");
    batch.setField(event, field::SourceType, "netflow");
    if (!exporter.empty()) {
        batch.setField(event, field::Host, exporter);
        batch.setField(event, m_exporter, exporter);
    }

    TextBuffer text;
    const auto set = [&](FieldId id) {
        batch.setField(event, id, text.view());
        text.clear();
    };
    const auto setNumber = [&](FieldId id, std::uint64_t value) {
        text.appendNumber(value);
        set(id);
    };
    setNumber(m_version, record.version);
    if (record.version >= 9)
        setNumber(m_domain, record.domain);
    if (record.sourceAddress) {
        text.appendAddress(*record.sourceAddress);
        set(field::SourceIp);
    }
    if (record.destinationAddress) {
        text.appendAddress(*record.destinationAddress);
        set(field::DestinationIp);
    }
    const bool ports = !record.protocol || hasPorts(*record.protocol);
    if (ports && record.sourcePort)
        setNumber(field::SourcePort, *record.sourcePort);
    if (ports && record.destinationPort)
        setNumber(field::DestinationPort, *record.destinationPort);
    if (record.protocol) {
        const std::string_view name = ipProtocolName(*record.protocol);
        if (name.empty())
            text.appendNumber(*record.protocol);
        else
            text.append(name);
        set(field::Protocol);
        setNumber(m_protocolNumber, *record.protocol);
        if (*record.protocol == 6 && record.tcpFlags) {
            appendTcpFlags(text, *record.tcpFlags);
            set(m_tcpFlags);
        }
        if ((*record.protocol == 1 || *record.protocol == 58) && record.icmpTypeCode) {
            setNumber(m_icmpType, *record.icmpTypeCode >> 8);
            setNumber(m_icmpCode, *record.icmpTypeCode & 0xff);
        }
    }
    if (record.bytes)
        setNumber(m_bytes, *record.bytes);
    if (record.packets)
        setNumber(m_packets, *record.packets);
    if (record.startNs > 0) {
        appendTime(text, record.startNs);
        set(m_flowStart);
    }
    if (record.endNs > 0) {
        appendTime(text, record.endNs);
        set(m_flowEnd);
    }
    // Interface index 0 means "not known" (SNMP ifIndex values start at 1).
    if (record.inputInterface.value_or(0) != 0)
        setNumber(m_inputInterface, *record.inputInterface);
    if (record.outputInterface.value_or(0) != 0)
        setNumber(m_outputInterface, *record.outputInterface);
    if (record.sourceMac) {
        appendMac(text, *record.sourceMac);
        set(m_sourceMac);
    }
    if (record.destinationMac || record.postDestinationMac) {
        appendMac(text, record.destinationMac ? *record.destinationMac : *record.postDestinationMac);
        set(m_destinationMac);
    }

    // "tcp 192.0.2.1:443 -> [2001:db8::7]:51234, 12 packets, 6736 bytes"
    const auto endpoint = [&](FieldId ip, FieldId port) {
        const std::string_view address = event.value(ip);
        const bool bracket = event.has(port) && address.find(':') != std::string_view::npos;
        text.append(bracket ? "[" : "");
        text.append(address.empty() ? std::string_view("?") : address);
        text.append(bracket ? "]" : "");
        if (event.has(port)) {
            text.append(":");
            text.append(event.value(port));
        }
    };
    const std::string_view protocol = event.value(field::Protocol);
    text.append(protocol.empty() ? std::string_view("flow") : protocol);
    text.append(" ");
    endpoint(field::SourceIp, field::SourcePort);
    text.append(" -> ");
    endpoint(field::DestinationIp, field::DestinationPort);
    if (record.packets) {
        text.append(", ");
        text.appendNumber(*record.packets);
        text.append(" packets");
    }
    if (record.bytes) {
        text.append(", ");
        text.appendNumber(*record.bytes);
        text.append(" bytes");
    }
    set(field::Message);
    return true;
}

} // namespace vanopticon::sentinel
