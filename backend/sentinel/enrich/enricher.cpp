// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/enricher.h"

#include "sentinel/enrich/dns/reversednsresolver.h"
#include "shared/crypto/crypto.h"
#include "shared/wire/codec.h"

#include <sys/utsname.h>

#include <array>
#include <charconv>

namespace vanopticon::sentinel {

namespace {

std::string operatingSystem() {
    utsname names {};
    if (uname(&names) != 0)
        return {};
    return std::string(names.sysname) + " " + names.release;
}

Result<void> parseTags(const config::Section &tags, EnricherConfig &config) {
    if (tags.node().IsNull())
        return {};
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
    return {};
}

// A step's block, when present: parsed by the step's own reader.
template<typename Config>
Result<void> parseStep(const config::Section &section, const char *key,
    Result<Config> (*parse)(const config::Section &), std::optional<Config> &out) {
    const config::Section block = section.child(key);
    if (block.node().IsNull())
        return {};
    auto parsed = parse(block);
    if (!parsed)
        return parsed.error();
    out = std::move(*parsed);
    return {};
}

} // namespace

Result<EnricherConfig> parseEnricherConfig(const config::Section &section, std::string hostname) {
    if (auto ok
        = section.allowOnly({"host_metadata", "tags", "correlation_ids", "threat_intel", "geoip", "reverse_dns"});
        !ok)
        return ok.error();
    EnricherConfig config;
    auto hostMetadata = section.boolean("host_metadata", true);
    if (!hostMetadata)
        return hostMetadata.error();
    if (*hostMetadata) {
        config.hostname = std::move(hostname);
        config.operatingSystem = operatingSystem();
    }
    if (auto tags = parseTags(section.child("tags"), config); !tags)
        return tags.error();
    auto correlationIds = section.boolean("correlation_ids", false);
    if (!correlationIds)
        return correlationIds.error();
    config.correlationIds = *correlationIds;
    if (auto ok = parseStep(section, "threat_intel", &parseThreatIntelConfig, config.threatIntel); !ok)
        return ok.error();
    if (auto ok = parseStep(section, "geoip", &parseGeoIpConfig, config.geoIp); !ok)
        return ok.error();
    if (auto ok = parseStep(section, "reverse_dns", &parseReverseDnsConfig, config.reverseDns); !ok)
        return ok.error();
    return config;
}

Enricher::Enricher(EnricherConfig &config)
    : m_hostname(std::move(config.hostname))
    , m_operatingSystem(std::move(config.operatingSystem))
    , m_correlationIds(config.correlationIds)
    , m_collectorHostField(internField("collector.host"))
    , m_collectorOsField(internField("collector.os"))
    , m_correlationIdField(internField("correlation_id")) {
    for (auto &[name, value] : config.tags)
        m_tags.emplace_back(internField(name), std::move(value));
    if (m_correlationIds)
        m_correlationPrefix = crypto::toHex(crypto::randomBytes(8)) + "-";
}

Result<std::unique_ptr<Enricher>> Enricher::create(EnricherConfig config) {
    std::unique_ptr<Enricher> enricher(new Enricher(config));
    if (config.geoIp) {
        auto step = GeoIpStep::create(*config.geoIp);
        if (!step)
            return makeError("enricher.geoip: " + step.error().message);
        enricher->m_geoIp = std::move(*step);
    }
    if (config.threatIntel) {
        enricher->m_threatIntel = std::make_unique<ThreatIntelStep>(std::move(*config.threatIntel));
        enricher->m_threatIntel->refresh(true); // a feed that fails is reported in counters() and retried
    }
    if (config.reverseDns) {
        auto resolver = std::make_shared<SystemReverseDnsResolver>(config.reverseDns->timeout);
        enricher->m_reverseDns = std::make_unique<ReverseDnsStep>(*config.reverseDns, std::move(resolver));
    }
    return enricher;
}

void Enricher::process(EventBatch &batch) {
    m_counters.in += batch.size();
    const std::string_view host = m_hostname.empty() ? std::string_view() : batch.store(m_hostname);
    const std::string_view os = m_operatingSystem.empty() ? std::string_view() : batch.store(m_operatingSystem);
    // Tag values are copied into the batch once, not once per event.
    m_storedTags.clear();
    for (const auto &[field, value] : m_tags)
        m_storedTags.emplace_back(field, batch.store(value));
    std::array<char, 64> id;
    for (Event &event : batch.events()) {
        if (!host.empty()) {
            if (event.value(field::Host).empty())
                batch.setStoredField(event, field::Host, host);
            batch.setStoredField(event, m_collectorHostField, host);
            if (!os.empty())
                batch.setStoredField(event, m_collectorOsField, os);
        }
        for (const auto &[field, value] : m_storedTags)
            batch.setStoredField(event, field, value);
        if (m_correlationIds) {
            // "<16 hex digits of this process>-<counter in hex>": unique without coordination.
            std::copy(m_correlationPrefix.begin(), m_correlationPrefix.end(), id.begin());
            const auto written = std::to_chars(
                id.data() + m_correlationPrefix.size(), id.data() + id.size(), ++m_correlationCounter, 16);
            batch.setField(event, m_correlationIdField, std::string_view(id.data(), written.ptr));
        }
    }
    if (m_threatIntel)
        m_threatIntel->process(batch);
    if (m_geoIp)
        m_geoIp->process(batch);
    if (m_reverseDns)
        m_reverseDns->process(batch);
    m_counters.out += batch.size();
}

} // namespace vanopticon::sentinel
