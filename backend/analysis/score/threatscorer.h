// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "analysis/score/scoringconfig.h"
#include "shared/core/result.h"

#include <span>
#include <string>
#include <string_view>

namespace vanopticon::analysis {

struct ThreatScore {
    int score = 0; // 0..100
    std::string band; // low (0-20), medium (21-40), high (41-70), critical (71-100)
    std::string explanation; // the arithmetic, per detection and combined
};

// What the scorer needs from a detection; lets the alert layer score what it stored without
// rebuilding Detections.
struct ScoredDetection {
    std::string_view ruleId;
    DetectionKind kind = DetectionKind::Signature;
    Severity severity = Severity::Info;
    double confidence = 1.0;
};

// Scores an alert from its detections:
//   each detection contributes s = base(severity) × weight(kind) × confidence   (0..100)
//   detections combine as a probabilistic OR: score = 100 × (1 − Π(1 − s_i/100)), rounded
// so more independent evidence raises the score and it never exceeds 100. Repeats of one rule
// (same kind and rule id, as the alert layer merges them) are not independent evidence: they
// count once, with the strongest contribution. Confidence outside 0..1 is clamped.
class ThreatScorer {
public:
    ThreatScorer(); // the default ScoringConfig
    static Result<ThreatScorer> create(ScoringConfig config);

    ThreatScore score(std::span<const ScoredDetection> detections) const;
    ThreatScore score(std::span<const Detection> detections) const;

    static std::string_view band(int score);
    const ScoringConfig &config() const { return m_config; }

private:
    explicit ThreatScorer(ScoringConfig config);
    ScoringConfig m_config;
};

} // namespace vanopticon::analysis
