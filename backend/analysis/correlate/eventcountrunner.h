// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/eventcounter.h"
#include "analysis/correlate/groupedrunner.h"

namespace vanopticon::analysis {

// event_count decided on each event (see CorrelationType and EventCounter).
class EventCountRunner final : public GroupedRunner<EventCountState> {
public:
    EventCountRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);

    bool process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, const EventSignals &carried,
        std::vector<Detection> &out) override;

private:
    EventCounter m_counter;
    std::string m_takesText;
};

} // namespace vanopticon::analysis
