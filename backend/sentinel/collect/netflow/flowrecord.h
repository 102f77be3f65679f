// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace vanopticon::sentinel {

// An address as a flow record carries it: network byte order, 4 significant bytes for IPv4.
struct FlowAddress {
    std::array<std::uint8_t, 16> bytes {};
    bool v6 = false;
};

// One data record of a NetFlow v1/v5/v9 or IPFIX export, read from the fixed v1/v5 layout or from
// the fields its template names. Only what the collector uses is kept; other fields are skipped.
// Options records describe the exporter (its start time, sampling), not traffic.
struct FlowRecord {
    enum class Kind : std::uint8_t { Flow, Options };

    Kind kind = Kind::Flow;
    std::uint16_t version = 0; // 1, 5, 9 or 10 (IPFIX)
    std::uint32_t domain = 0; // v9 source id, IPFIX observation domain id (0 for v1/v5)
    std::uint16_t templateId = 0; // 0 for v1/v5

    std::optional<FlowAddress> sourceAddress;
    std::optional<FlowAddress> destinationAddress;
    std::optional<std::uint16_t> sourcePort;
    std::optional<std::uint16_t> destinationPort;
    std::optional<std::uint8_t> protocol;
    std::optional<std::uint64_t> bytes;
    std::optional<std::uint64_t> packets;
    std::optional<std::uint16_t> tcpFlags;
    std::optional<std::uint32_t> inputInterface;
    std::optional<std::uint32_t> outputInterface;
    std::optional<std::uint16_t> icmpTypeCode; // type << 8 | code
    std::optional<std::uint64_t> sourceMac; // 48 bits
    std::optional<std::uint64_t> destinationMac;
    std::optional<std::uint64_t> postDestinationMac; // after the observation point (IPFIX 57)

    // UTC, ns since the epoch; 0 when the record does not say (or says it in a way that cannot be
    // resolved yet, e.g. IPFIX uptimes before the exporter's start time is known).
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::int64_t exportNs = 0; // from the packet header

    // Options records.
    std::optional<std::uint64_t> meteringProcessId;
    std::optional<std::uint64_t> systemInitTimeMs; // Unix ms the exporter started: anchors IPFIX uptimes
    std::optional<std::uint64_t> selectorAlgorithm;
    std::optional<std::uint64_t> samplingInterval;
};

} // namespace vanopticon::sentinel
