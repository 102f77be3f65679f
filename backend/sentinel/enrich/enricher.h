// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/stagecounters.h"
#include "shared/config/section.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <string>
#include <utility>
#include <vector>

namespace vanopticon::sentinel {

// `enricher:` block. This first version adds host metadata and inventory tags; reverse DNS,
// GeoIP and threat intelligence join it later as further steps of the same stage.
struct EnricherConfig {
    std::string hostname; // fills `host` where the source left it empty
    std::vector<std::pair<std::string, std::string>> tags; // added to every event (inventory)
};

Result<EnricherConfig> parseEnricherConfig(const config::Section &section, std::string hostname);

class Enricher {
public:
    explicit Enricher(EnricherConfig config);
    void process(EventBatch &batch);
    const StageCounters &counters() const { return m_counters; }

private:
    std::string m_hostname;
    std::vector<std::pair<FieldId, std::string>> m_tags; // interned once
    StageCounters m_counters;
};

} // namespace vanopticon::sentinel
