// SPDX-License-Identifier: Apache-2.0
#include "analysis/score/scoringconfig.h"

#include "shared/config/section.h"

#include <cmath>
#include <string>

namespace vanopticon::analysis {

namespace {
constexpr std::array<Severity, 5> kSeverities {
    Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical};

bool inRange(double value, double min, double max) {
    return std::isfinite(value) && value >= min && value <= max;
}
} // namespace

double ScoringConfig::weight(DetectionKind kind) const {
    switch (kind) {
    case DetectionKind::Signature:
        return signatureWeight;
    case DetectionKind::Anomaly:
        return anomalyWeight;
    case DetectionKind::MachineLearning:
        return machineLearningWeight;
    }
    return signatureWeight;
}

Result<void> ScoringConfig::validate() const {
    for (std::size_t i = 0; i < kSeverities.size(); ++i) {
        const std::string name(toString(kSeverities[i]));
        if (!inRange(severityBase[i], 0.0, 100.0))
            return makeError("severity base for " + name + " must be between 0 and 100");
        if (i > 0 && severityBase[i] < severityBase[i - 1])
            return makeError("severity base for " + name + " must not be lower than for "
                + std::string(toString(kSeverities[i - 1])));
    }
    for (const DetectionKind kind :
        {DetectionKind::Signature, DetectionKind::Anomaly, DetectionKind::MachineLearning}) {
        if (!inRange(weight(kind), 0.0, 1.0))
            return makeError("weight for " + std::string(toString(kind)) + " must be between 0 and 1");
    }
    return {};
}

Result<ScoringConfig> ScoringConfig::fromConfig(const config::Section &section) {
    if (auto allowed = section.allowOnly({"severity_base", "weights"}); !allowed)
        return allowed.error();
    ScoringConfig config;
    const config::Section bases = section.child("severity_base");
    if (auto allowed = bases.allowOnly({"info", "low", "medium", "high", "critical"}); !allowed)
        return allowed.error();
    for (std::size_t i = 0; i < kSeverities.size(); ++i) {
        auto value = bases.number(toString(kSeverities[i]), config.severityBase[i], 0.0, 100.0);
        if (!value)
            return value.error();
        config.severityBase[i] = *value;
    }
    const config::Section weights = section.child("weights");
    if (auto allowed = weights.allowOnly({"signature", "anomaly", "machine_learning"}); !allowed)
        return allowed.error();
    for (auto [key, target] :
        {std::pair {"signature", &config.signatureWeight}, std::pair {"anomaly", &config.anomalyWeight},
            std::pair {"machine_learning", &config.machineLearningWeight}}) {
        auto value = weights.number(key, *target, 0.0, 1.0);
        if (!value)
            return value.error();
        *target = *value;
    }
    if (auto valid = config.validate(); !valid)
        return section.error(valid.error().message);
    return config;
}

} // namespace vanopticon::analysis
