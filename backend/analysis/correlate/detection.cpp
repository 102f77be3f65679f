// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/detection.h"

#include <algorithm>
#include <unordered_map>

namespace vanopticon::analysis {

namespace {

void appendEscaped(std::string &out, std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '%' || c == '|' || c == '=' || byte < 0x20 || byte == 0x7f) {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
        } else {
            out += c;
        }
    }
}

} // namespace

std::string_view toString(DetectionKind kind) {
    switch (kind) {
    case DetectionKind::Signature:
        return "signature";
    case DetectionKind::Anomaly:
        return "anomaly";
    case DetectionKind::MachineLearning:
        return "machine_learning";
    }
    return "signature";
}

std::string dedupKey(std::string_view ruleId, const std::vector<std::pair<std::string, std::string>> &group) {
    std::string key;
    appendEscaped(key, ruleId);
    for (const auto &[name, value] : group) {
        key += '|';
        appendEscaped(key, name);
        key += '=';
        appendEscaped(key, value);
    }
    return key;
}

std::string dedupKey(const Detection &detection) {
    return dedupKey(detection.ruleId, detection.group);
}

std::vector<Detection> mergeByDedupKey(const std::vector<Detection> &detections) {
    std::vector<Detection> merged;
    std::unordered_map<std::string, std::size_t> index;
    for (const Detection &detection : detections) {
        const auto [it, inserted] = index.emplace(dedupKey(detection), merged.size());
        if (inserted) {
            merged.push_back(detection);
            continue;
        }
        Detection &into = merged[it->second];
        into.eventCount += detection.eventCount;
        into.firstSeenNs = std::min(into.firstSeenNs, detection.firstSeenNs);
        into.lastSeenNs = std::max(into.lastSeenNs, detection.lastSeenNs);
        into.nodeId = detection.nodeId;
        into.evidence.insert(into.evidence.end(), detection.evidence.begin(), detection.evidence.end());
    }
    return merged;
}

} // namespace vanopticon::analysis
