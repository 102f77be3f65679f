// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/severity.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vanopticon::analysis {

enum class DetectionKind { Signature, Anomaly, MachineLearning };

std::string_view toString(DetectionKind kind); // "signature", "anomaly", "machine_learning"

struct Evidence {
    std::uint64_t eventId = 0;
    std::int64_t timestampNs = 0;
};

// What an analysis engine reports; the alert layer merges detections with the same dedup key
// into one open alert.
struct Detection {
    std::string ruleId, title, description;
    DetectionKind kind = DetectionKind::Signature; // correlation rules are signatures
    Severity severity = Severity::Info;
    double confidence = 1.0; // 0..1
    std::vector<std::pair<std::string, std::string>> group; // (field name, value), in rule order
    std::string nodeId; // node of the last event
    std::int64_t firstSeenNs = 0;
    std::int64_t lastSeenNs = 0;
    std::uint32_t eventCount = 0; // events this detection adds to its alert
    std::vector<Evidence> evidence; // bounded: the first and the last events when there were many
    std::string explanation;
};

// A stable key for "the same thing happening again": the rule id and the group values,
// e.g. `ssh_brute_force|SourceIp=203.0.113.7`. '%', '|', '=' and control characters in names and
// values are percent-encoded, so two different groups never share a key.
std::string dedupKey(std::string_view ruleId, const std::vector<std::pair<std::string, std::string>> &group);
std::string dedupKey(const Detection &detection);

// Detections with the same dedup key as one, at the place of the first: the counts added, the
// times widened, the node of the last, the evidence joined, the rest (explanation included) of
// the first. The alert layer writes a batch's detections this way, one write per alert.
std::vector<Detection> mergeByDedupKey(const std::vector<Detection> &detections);

} // namespace vanopticon::analysis
