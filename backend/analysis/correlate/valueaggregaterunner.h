// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/groupedrunner.h"
#include "analysis/correlate/valuewindow.h"

namespace vanopticon::analysis {

// value_sum and value_avg decided on each event (see ValueWindow).
class ValueAggregateRunner final : public GroupedRunner<ValueWindowState> {
public:
    ValueAggregateRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);

    bool process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, const EventSignals &carried,
        std::vector<Detection> &out) override;

private:
    ValueWindow m_window;
    std::string m_takesText;
    std::string m_quantityName; // "sum", "average"
    std::string m_conditionText;
};

} // namespace vanopticon::analysis
