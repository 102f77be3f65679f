// SPDX-License-Identifier: Apache-2.0
#include "analysis/score/threatscorer.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <vector>

namespace vanopticon::analysis {

namespace {

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

// "1.0", "0.7", "0.75": as many decimals as the value needs, at least one, at most three.
std::string weightText(double value) {
    std::string text = fixed(value, 3);
    while (text.size() > 3 && text.back() == '0' && text[text.size() - 2] != '.')
        text.pop_back();
    return text;
}

// "70", "42.5"
std::string baseText(double value) {
    return value == std::floor(value) ? fixed(value, 0) : fixed(value, 1);
}

double clampConfidence(double confidence) {
    if (!(confidence >= 0.0)) // also NaN
        return 0.0;
    return std::min(confidence, 1.0);
}

struct Contribution {
    ScoredDetection detection;
    double confidence;
    double value; // s, 0..100
    std::size_t occurrences;
};

} // namespace

ThreatScorer::ThreatScorer()
    : ThreatScorer(ScoringConfig()) {
}

ThreatScorer::ThreatScorer(ScoringConfig config)
    : m_config(config) {
    assert(m_config.validate().ok());
}

Result<ThreatScorer> ThreatScorer::create(ScoringConfig config) {
    if (auto valid = config.validate(); !valid)
        return valid.error();
    return ThreatScorer(config);
}

std::string_view ThreatScorer::band(int score) {
    if (score <= 20)
        return "low";
    if (score <= 40)
        return "medium";
    if (score <= 70)
        return "high";
    return "critical";
}

ThreatScore ThreatScorer::score(std::span<const ScoredDetection> detections) const {
    std::vector<Contribution> contributions;
    for (const ScoredDetection &detection : detections) {
        const double confidence = clampConfidence(detection.confidence);
        const double value = m_config.base(detection.severity) * m_config.weight(detection.kind) * confidence;
        const auto same = std::find_if(contributions.begin(), contributions.end(), [&](const Contribution &c) {
            return c.detection.kind == detection.kind && c.detection.ruleId == detection.ruleId;
        });
        if (same == contributions.end()) {
            contributions.push_back(Contribution {detection, confidence, value, 1});
            continue;
        }
        ++same->occurrences;
        if (value > same->value) {
            same->detection = detection;
            same->confidence = confidence;
            same->value = value;
        }
    }

    std::string explanation;
    double remaining = 1.0; // Π(1 − s_i/100)
    std::string product;
    for (const Contribution &c : contributions) {
        const double value = std::clamp(c.value, 0.0, 100.0);
        remaining *= 1.0 - value / 100.0;
        if (!explanation.empty()) {
            explanation += "; ";
            product += " × ";
        }
        product += "(1 − " + fixed(value / 100.0, 3) + ")";
        explanation += std::string(toString(c.detection.kind)) + " " + std::string(c.detection.ruleId);
        if (c.occurrences > 1)
            explanation += " (" + std::to_string(c.occurrences) + " detections, counted once)";
        explanation += ": severity " + std::string(toString(c.detection.severity)) + " ("
            + baseText(m_config.base(c.detection.severity)) + ") × weight "
            + weightText(m_config.weight(c.detection.kind)) + " × confidence " + fixed(c.confidence, 2) + " = "
            + fixed(value, 1);
    }
    const double combined = 100.0 * (1.0 - remaining);
    // Rounded on a micro-point grid first, so 20.5 computed as 20.4999… still rounds up.
    const double settled = std::round(combined * 1e6) / 1e6;
    ThreatScore result;
    result.score = std::clamp(static_cast<int>(std::floor(settled + 0.5)), 0, 100);
    result.band = std::string(band(result.score));
    if (contributions.empty())
        explanation = "no detections";
    else if (contributions.size() > 1)
        explanation += "; combined 100 × (1 − " + product + ") = " + fixed(combined, 1);
    result.explanation = explanation + "; score " + std::to_string(result.score) + " (" + result.band + ")";
    return result;
}

ThreatScore ThreatScorer::score(std::span<const Detection> detections) const {
    std::vector<ScoredDetection> scored;
    scored.reserve(detections.size());
    for (const Detection &detection : detections)
        scored.push_back(ScoredDetection {detection.ruleId, detection.kind, detection.severity, detection.confidence});
    return score(std::span<const ScoredDetection>(scored));
}

} // namespace vanopticon::analysis
