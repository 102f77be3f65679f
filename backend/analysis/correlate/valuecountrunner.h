// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/groupedrunner.h"
#include "analysis/correlate/valuecounter.h"

namespace vanopticon::analysis {

// value_count decided on each event (see ValueCounter).
class ValueCountRunner final : public GroupedRunner<ValueCountState> {
public:
    ValueCountRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);

    bool process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, const EventSignals &carried,
        std::vector<Detection> &out) override;

private:
    ValueCounter m_counter;
    std::string m_takesText;
    std::string m_fieldsText;
};

} // namespace vanopticon::analysis
