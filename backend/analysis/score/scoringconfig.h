// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "shared/core/result.h"
#include "shared/event/severity.h"

#include <array>

namespace vanopticon::config {
class Section;
}

namespace vanopticon::analysis {

// The numbers behind ThreatScorer. Defaults: severity bases info 0, low 20, medium 40,
// high 70, critical 100 (the top of each band); weights signature 1.0, anomaly 0.7,
// machine learning 0.8.
struct ScoringConfig {
    std::array<double, 5> severityBase {0.0, 20.0, 40.0, 70.0, 100.0}; // indexed by Severity
    double signatureWeight = 1.0;
    double anomalyWeight = 0.7;
    double machineLearningWeight = 0.8;

    double base(Severity severity) const { return severityBase[static_cast<std::size_t>(severity)]; }
    double weight(DetectionKind kind) const;

    // Bases in 0..100 and not decreasing with severity; weights in 0..1.
    Result<void> validate() const;
    // severity_base: {info, low, medium, high, critical}; weights: {signature, anomaly,
    // machine_learning}. Absent keys keep their defaults.
    static Result<ScoringConfig> fromConfig(const config::Section &section);
};

} // namespace vanopticon::analysis
