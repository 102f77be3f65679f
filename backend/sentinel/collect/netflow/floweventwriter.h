// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/netflow/flowrecord.h"
#include "shared/event/event.h"

#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

// The IANA keyword of an IP protocol number in lower case ("tcp", "udp", "ipv6-icmp"), or an
// empty view for numbers without a common name.
std::string_view ipProtocolName(std::uint8_t protocol);

// Turns flow records into `network_connection` events (category `network`, source_type
// `netflow`) with Sigma-taxonomy fields: SourceIp, DestinationIp, SourcePort, DestinationPort
// (for protocols that have ports), Protocol (name, else number); and bytes, packets,
// protocol_number, flow_start / flow_end (RFC 3339 UTC, ms), input_interface, output_interface,
// tcp_flags ("SYN,ACK", TCP only), icmp_type / icmp_code, source_mac / destination_mac,
// exporter (also the event's host), netflow_version, observation_domain. The event's time is
// the flow's start (else its end, else the export time). Field ids are interned once, here.
class FlowEventWriter {
public:
    FlowEventWriter();

    // Appends one event for a flow record and returns true; options records describe the
    // exporter, not traffic, and are not events (returns false).
    bool append(const FlowRecord &record, std::string_view exporter, EventBatch &batch) const;

private:
    FieldId m_bytes;
    FieldId m_packets;
    FieldId m_protocolNumber;
    FieldId m_flowStart;
    FieldId m_flowEnd;
    FieldId m_inputInterface;
    FieldId m_outputInterface;
    FieldId m_tcpFlags;
    FieldId m_icmpType;
    FieldId m_icmpCode;
    FieldId m_sourceMac;
    FieldId m_destinationMac;
    FieldId m_exporter;
    FieldId m_version;
    FieldId m_domain;
};

} // namespace vanopticon::sentinel
