// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/enricher.h"

#include "shared/wire/codec.h"

namespace vanopticon::sentinel {

Result<EnricherConfig> parseEnricherConfig(const config::Section &section, std::string hostname) {
    if (auto ok = section.allowOnly({"host_metadata", "tags"}); !ok)
        return ok.error();
    EnricherConfig config;
    auto hostMetadata = section.boolean("host_metadata", true);
    if (!hostMetadata)
        return hostMetadata.error();
    if (*hostMetadata)
        config.hostname = std::move(hostname);
    const config::Section tags = section.child("tags");
    if (!tags.node().IsNull()) {
        if (!tags.isMap())
            return tags.error("expected a mapping of tag names to values");
        for (const auto &entry : tags.node()) {
            const std::string name = entry.first.as<std::string>();
            if (!wire::isAcceptableFieldName(name))
                return tags.error("'" + name + "' is not a valid field name");
            auto value = tags.child(name).scalar();
            if (!value)
                return value.error();
            config.tags.emplace_back(name, std::move(*value));
        }
    }
    return config;
}

Enricher::Enricher(EnricherConfig config)
    : m_hostname(std::move(config.hostname)) {
    for (auto &[name, value] : config.tags)
        m_tags.emplace_back(internField(name), std::move(value));
}

void Enricher::process(EventBatch &batch) {
    m_counters.in += batch.size();
    const std::string_view host = m_hostname.empty() ? std::string_view() : batch.store(m_hostname);
    for (Event &event : batch.events()) {
        if (!host.empty() && event.value(field::Host).empty())
            batch.setStoredField(event, field::Host, host);
        for (const auto &[id, value] : m_tags)
            batch.setField(event, id, value);
    }
    m_counters.out += batch.size();
}

} // namespace vanopticon::sentinel
