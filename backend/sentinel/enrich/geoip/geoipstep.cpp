// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/geoip/geoipstep.h"

namespace vanopticon::sentinel {

Result<std::unique_ptr<GeoIpStep>> GeoIpStep::create(const GeoIpConfig &config) {
    std::unique_ptr<GeoIpDatabase> city;
    std::unique_ptr<GeoIpDatabase> asn;
    if (!config.cityDatabase.empty()) {
        auto opened = GeoIpDatabase::open(config.cityDatabase, config.verify);
        if (!opened)
            return opened.error();
        if (auto fits = (*opened)->requireKind(GeoIpDatabase::Kind::City); !fits)
            return fits.error();
        city = std::move(*opened);
    }
    if (!config.asnDatabase.empty()) {
        auto opened = GeoIpDatabase::open(config.asnDatabase, config.verify);
        if (!opened)
            return opened.error();
        if (auto fits = (*opened)->requireKind(GeoIpDatabase::Kind::Asn); !fits)
            return fits.error();
        asn = std::move(*opened);
    }
    if (!city && !asn)
        return makeError("geoip: no database configured");
    return std::unique_ptr<GeoIpStep>(new GeoIpStep(config, std::move(city), std::move(asn)));
}

GeoIpStep::GeoIpStep(const GeoIpConfig &config, std::unique_ptr<GeoIpDatabase> city, std::unique_ptr<GeoIpDatabase> asn)
    : m_city(std::move(city))
    , m_asn(std::move(asn))
    , m_language(config.language)
    , m_cache(config.cacheSize)
    , m_maxRecords(config.cacheSize) {
    for (const std::string &name : config.fields) {
        Output output {internField(name), {}};
        for (std::size_t i = 0; i < kFieldCount; ++i)
            output.ids[i] = internField(geoFieldName(name, static_cast<GeoField>(i)));
        m_outputs.push_back(output);
    }
}

const GeoIpCounters &GeoIpStep::counters() const {
    return m_counters;
}

void GeoIpStep::process(EventBatch &batch) {
    ++m_generation;
    m_counters.stage.in += batch.size();
    for (Event &event : batch.events()) {
        bool enriched = false;
        for (const Output &output : m_outputs) {
            const std::string_view text = event.value(output.source);
            if (text.empty())
                continue;
            ++m_counters.lookups;
            const std::optional<IpKey> address = parseIpKey(text);
            if (!address) {
                ++m_counters.invalid;
                continue;
            }
            if (!isPublicAddress(*address)) {
                ++m_counters.skippedPrivate;
                continue;
            }
            const CachedAddress *cached = m_cache.find(*address);
            ++(cached != nullptr ? m_counters.cacheHits : m_counters.cacheMisses);
            if (cached == nullptr) {
                // resolve() may empty the cache (record tables full), so insert only after it.
                const CachedAddress fresh = resolve(*address);
                CachedAddress &slot = m_cache.insert(*address);
                slot = fresh;
                cached = &slot;
            }
            enriched = apply(batch, event, output, *cached) || enriched;
        }
        if (enriched)
            ++m_counters.enrichedEvents;
    }
    m_counters.stage.out += batch.size();
}

GeoIpStep::CachedAddress GeoIpStep::resolve(const IpKey &address) {
    // Make room first: a reset in the middle would orphan the record index already taken.
    if (m_cityRecords.size() >= m_maxRecords || m_asnRecords.size() >= m_maxRecords)
        resetCache();
    CachedAddress result;
    bool error = false;
    std::uint32_t offset = 0;
    if (m_city) {
        const GeoIpDatabase::Status status = m_city->lookup(address, offset);
        if (status == GeoIpDatabase::Status::Found)
            result.city = cityRecord(offset, error);
        error = error || status == GeoIpDatabase::Status::Error;
    }
    if (m_asn) {
        const GeoIpDatabase::Status status = m_asn->lookup(address, offset);
        if (status == GeoIpDatabase::Status::Found)
            result.asn = asnRecord(offset, error);
        error = error || status == GeoIpDatabase::Status::Error;
    }
    const bool known = result.city != kNoRecord || result.asn != kNoRecord;
    if (error) {
        // A corrupt answer is no answer: nothing half-read reaches an event. The address is still
        // cached, so a broken record costs one failed lookup, not one per event.
        ++m_counters.errors;
        return CachedAddress {};
    }
    if (known)
        ++m_counters.found;
    else
        ++m_counters.notFound;
    return result;
}

std::uint32_t GeoIpStep::cityRecord(std::uint32_t offset, bool &corrupt) {
    if (const auto it = m_cityByOffset.find(offset); it != m_cityByOffset.end())
        return it->second;
    Record<GeoCityText> record;
    if (!m_city->readCity(offset, m_language, record.text)) {
        corrupt = true;
        return kNoRecord;
    }
    const auto index = static_cast<std::uint32_t>(m_cityRecords.size());
    m_cityRecords.push_back(std::move(record));
    m_cityByOffset.emplace(offset, index);
    return index;
}

std::uint32_t GeoIpStep::asnRecord(std::uint32_t offset, bool &corrupt) {
    if (const auto it = m_asnByOffset.find(offset); it != m_asnByOffset.end())
        return it->second;
    Record<GeoAsnText> record;
    if (!m_asn->readAsn(offset, record.text)) {
        corrupt = true;
        return kNoRecord;
    }
    const auto index = static_cast<std::uint32_t>(m_asnRecords.size());
    m_asnRecords.push_back(std::move(record));
    m_asnByOffset.emplace(offset, index);
    return index;
}

void GeoIpStep::resetCache() {
    // Record indices are only valid with the addresses that point at them: drop both together.
    m_cache.clear();
    m_cityRecords.clear();
    m_asnRecords.clear();
    m_cityByOffset.clear();
    m_asnByOffset.clear();
    ++m_counters.cacheResets;
}

bool GeoIpStep::apply(EventBatch &batch, Event &event, const Output &output, const CachedAddress &cached) {
    bool added = false;
    const auto set = [&](auto &record, GeoField which, const std::string &text) {
        if (text.empty())
            return;
        const auto i = static_cast<std::size_t>(which);
        batch.setStoredField(event, output.ids[i], record.stored[i]);
        added = true;
    };
    const auto storeOnce = [&](auto &record, auto &&texts) {
        if (record.generation == m_generation)
            return;
        record.generation = m_generation;
        for (const auto &[which, text] : texts)
            record.stored[static_cast<std::size_t>(which)] = text->empty() ? std::string_view() : batch.store(*text);
    };
    if (cached.city != kNoRecord) {
        Record<GeoCityText> &record = m_cityRecords[cached.city];
        const std::pair<GeoField, const std::string *> texts[] = {{GeoField::Country, &record.text.country},
            {GeoField::CountryName, &record.text.countryName}, {GeoField::City, &record.text.city},
            {GeoField::Latitude, &record.text.latitude}, {GeoField::Longitude, &record.text.longitude}};
        storeOnce(record, texts);
        for (const auto &[which, text] : texts)
            set(record, which, *text);
    }
    if (cached.asn != kNoRecord) {
        Record<GeoAsnText> &record = m_asnRecords[cached.asn];
        const std::pair<GeoField, const std::string *> texts[]
            = {{GeoField::Asn, &record.text.number}, {GeoField::AsOrganization, &record.text.organization}};
        storeOnce(record, texts);
        for (const auto &[which, text] : texts)
            set(record, which, *text);
    }
    return added;
}

} // namespace vanopticon::sentinel
