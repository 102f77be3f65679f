// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/flowtemplate.h"

namespace vanopticon::sentinel {

namespace {

bool between(std::uint16_t length, std::uint16_t min, std::uint16_t max) {
    return length >= min && length <= max;
}

// Information element ids are shared by NetFlow v9 (RFC 3954 field types) and IPFIX (the IANA
// registry) for everything used here. A field with an unexpected length is skipped rather than
// misread.
FieldSlot slotFor(std::uint16_t id, std::uint16_t length) {
    switch (id) {
    case 1: // octetDeltaCount / IN_BYTES
        return between(length, 1, 8) ? FieldSlot::Bytes : FieldSlot::Skip;
    case 2: // packetDeltaCount / IN_PKTS
        return between(length, 1, 8) ? FieldSlot::Packets : FieldSlot::Skip;
    case 4: // protocolIdentifier
        return length == 1 ? FieldSlot::Protocol : FieldSlot::Skip;
    case 6: // tcpControlBits
        return between(length, 1, 2) ? FieldSlot::TcpFlags : FieldSlot::Skip;
    case 7: // sourceTransportPort
    case 180: // udpSourcePort
    case 182: // tcpSourcePort
        return length == 2 ? FieldSlot::SourcePort : FieldSlot::Skip;
    case 11: // destinationTransportPort
    case 181: // udpDestinationPort
    case 183: // tcpDestinationPort
        return length == 2 ? FieldSlot::DestinationPort : FieldSlot::Skip;
    case 8: // sourceIPv4Address
        return length == 4 ? FieldSlot::SourceV4 : FieldSlot::Skip;
    case 12: // destinationIPv4Address
        return length == 4 ? FieldSlot::DestinationV4 : FieldSlot::Skip;
    case 27: // sourceIPv6Address
        return length == 16 ? FieldSlot::SourceV6 : FieldSlot::Skip;
    case 28: // destinationIPv6Address
        return length == 16 ? FieldSlot::DestinationV6 : FieldSlot::Skip;
    case 10: // ingressInterface / INPUT_SNMP
        return between(length, 1, 4) ? FieldSlot::InputInterface : FieldSlot::Skip;
    case 14: // egressInterface / OUTPUT_SNMP
        return between(length, 1, 4) ? FieldSlot::OutputInterface : FieldSlot::Skip;
    case 21: // flowEndSysUpTime / LAST_SWITCHED
        return length == 4 ? FieldSlot::EndUptimeMs : FieldSlot::Skip;
    case 22: // flowStartSysUpTime / FIRST_SWITCHED
        return length == 4 ? FieldSlot::StartUptimeMs : FieldSlot::Skip;
    case 32: // icmpTypeCodeIPv4
    case 139: // icmpTypeCodeIPv6
        return length == 2 ? FieldSlot::IcmpTypeCode : FieldSlot::Skip;
    case 34: // samplingInterval (v9 SAMPLING_INTERVAL)
    case 305: // samplingPacketInterval
        return between(length, 1, 4) ? FieldSlot::SamplingInterval : FieldSlot::Skip;
    case 56: // sourceMacAddress
        return length == 6 ? FieldSlot::SourceMac : FieldSlot::Skip;
    case 57: // postDestinationMacAddress
        return length == 6 ? FieldSlot::PostDestinationMac : FieldSlot::Skip;
    case 80: // destinationMacAddress
        return length == 6 ? FieldSlot::DestinationMac : FieldSlot::Skip;
    case 85: // octetTotalCount
        return between(length, 1, 8) ? FieldSlot::TotalBytes : FieldSlot::Skip;
    case 86: // packetTotalCount
        return between(length, 1, 8) ? FieldSlot::TotalPackets : FieldSlot::Skip;
    case 143: // meteringProcessId
        return between(length, 1, 4) ? FieldSlot::MeteringProcessId : FieldSlot::Skip;
    case 150: // flowStartSeconds
        return length == 4 ? FieldSlot::StartSeconds : FieldSlot::Skip;
    case 151: // flowEndSeconds
        return length == 4 ? FieldSlot::EndSeconds : FieldSlot::Skip;
    case 152: // flowStartMilliseconds
        return length == 8 ? FieldSlot::StartMilliseconds : FieldSlot::Skip;
    case 153: // flowEndMilliseconds
        return length == 8 ? FieldSlot::EndMilliseconds : FieldSlot::Skip;
    case 154: // flowStartMicroseconds
    case 156: // flowStartNanoseconds
        return length == 8 ? FieldSlot::StartNtpTime : FieldSlot::Skip;
    case 155: // flowEndMicroseconds
    case 157: // flowEndNanoseconds
        return length == 8 ? FieldSlot::EndNtpTime : FieldSlot::Skip;
    case 158: // flowStartDeltaMicroseconds
        return length == 4 ? FieldSlot::StartDeltaMicroseconds : FieldSlot::Skip;
    case 159: // flowEndDeltaMicroseconds
        return length == 4 ? FieldSlot::EndDeltaMicroseconds : FieldSlot::Skip;
    case 160: // systemInitTimeMilliseconds
        return length == 8 ? FieldSlot::SystemInitTimeMs : FieldSlot::Skip;
    case 304: // selectorAlgorithm
        return between(length, 1, 2) ? FieldSlot::SelectorAlgorithm : FieldSlot::Skip;
    default:
        return FieldSlot::Skip;
    }
}

} // namespace

void FlowTemplate::compile(std::uint16_t version) {
    minRecordLength = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        TemplateField &field = fields[i];
        const bool v9Scope = version == 9 && options && i < scopeFieldCount;
        field.slot = (field.enterprise != 0 || v9Scope || field.length == kVariableLength)
            ? FieldSlot::Skip
            : slotFor(field.id, field.length);
        // NetFlow v9 has no variable-length fields: 65535 there is just a (useless) length.
        minRecordLength += field.length == kVariableLength && version == 10 ? 1 : field.length;
    }
}

} // namespace vanopticon::sentinel
