// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/groupedrunner.h"
#include "analysis/correlate/temporalmatcher.h"

namespace vanopticon::analysis {

// temporal decided on each event (see TemporalMatcher). A completed group starts over.
class TemporalRunner final : public GroupedRunner<TemporalState> {
public:
    TemporalRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);

    bool process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, const EventSignals &carried,
        std::vector<Detection> &out) override;

private:
    TemporalMatcher m_matcher;
    std::string m_stepsText;
};

} // namespace vanopticon::analysis
