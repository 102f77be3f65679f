// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vanopticon::sentinel {

// What the decoder does with one template field, chosen once when the template arrives so that
// decoding a record is a loop over fields without lookups.
enum class FieldSlot : std::uint8_t {
    Skip,
    SourceV4,
    DestinationV4,
    SourceV6,
    DestinationV6,
    SourcePort,
    DestinationPort,
    Protocol,
    Bytes,
    Packets,
    TotalBytes,
    TotalPackets,
    TcpFlags,
    InputInterface,
    OutputInterface,
    StartUptimeMs,
    EndUptimeMs,
    StartSeconds,
    EndSeconds,
    StartMilliseconds,
    EndMilliseconds,
    StartNtpTime, // dateTimeMicroseconds / dateTimeNanoseconds: NTP format
    EndNtpTime,
    StartDeltaMicroseconds,
    EndDeltaMicroseconds,
    IcmpTypeCode,
    SourceMac,
    DestinationMac,
    PostDestinationMac,
    MeteringProcessId,
    SystemInitTimeMs,
    SelectorAlgorithm,
    SamplingInterval,
};

// IPFIX's marker for a field whose length is given in each record (RFC 7011 7).
inline constexpr std::uint16_t kVariableLength = 0xffff;

struct TemplateField {
    std::uint16_t id = 0; // information element id, without the enterprise bit
    std::uint32_t enterprise = 0; // 0: an IANA element
    std::uint16_t length = 0; // bytes, or kVariableLength
    FieldSlot slot = FieldSlot::Skip;

    bool operator==(const TemplateField &other) const {
        return id == other.id && enterprise == other.enterprise && length == other.length;
    }
};

// A (data or options) template of NetFlow v9 or IPFIX.
struct FlowTemplate {
    static constexpr std::size_t kMaxFields = 512; // far above any real template; bounds the work per record

    std::uint16_t id = 0;
    bool options = false;
    std::uint16_t scopeFieldCount = 0; // options templates: the first fields are the scope
    std::vector<TemplateField> fields;
    // The shortest record (fixed lengths plus one length byte per variable-length field).
    std::size_t minRecordLength = 0;

    // Maps every field to its slot and computes minRecordLength. NetFlow v9 options scope fields
    // are skipped: their types (system, interface, …) are a namespace of their own.
    void compile(std::uint16_t version);

    bool sameLayout(const FlowTemplate &other) const {
        return options == other.options && scopeFieldCount == other.scopeFieldCount && fields == other.fields;
    }
};

} // namespace vanopticon::sentinel
