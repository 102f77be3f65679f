// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/groupedrunner.h"
#include "analysis/correlate/sequencematcher.h"

namespace vanopticon::analysis {

// temporal_ordered (see SequenceMatcher). A completed sequence starts over.
class SequenceRunner final : public GroupedRunner<SequenceState> {
public:
    SequenceRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);

    bool process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, const EventSignals &carried,
        std::vector<Detection> &out) override;

private:
    SequenceMatcher m_matcher;
    std::string m_stepsText;
};

} // namespace vanopticon::analysis
