// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/detection.h"

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

} // namespace vanopticon::analysis
