// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/geoip/geoipconfig.h"

#include "sentinel/enrich/geoip/geoipfields.h"
#include "shared/wire/codec.h"

#include <algorithm>

namespace vanopticon::sentinel {

namespace {

Result<std::string> databasePath(const config::Section &section, std::string_view key) {
    auto path = section.string(key, "");
    if (!path)
        return path.error();
    if (path->empty())
        return path;
    if (path->front() != '/')
        return section.child(key).error("expected an absolute path, got '" + *path + "'");
    if (path->find('\0') != std::string::npos)
        return section.child(key).error("the path contains a NUL byte");
    return path;
}

bool isLanguageTag(std::string_view text) {
    return text.size() >= 2 && text.size() <= 15 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    });
}

} // namespace

Result<GeoIpConfig> parseGeoIpConfig(const config::Section &section) {
    if (!section.isMap())
        return section.error("expected a mapping with city_database and/or asn_database");
    if (auto known = section.allowOnly({"city_database", "asn_database", "fields", "cache_size", "language", "verify"});
        !known)
        return known.error();
    GeoIpConfig config;
    auto city = databasePath(section, "city_database");
    if (!city)
        return city.error();
    auto asn = databasePath(section, "asn_database");
    if (!asn)
        return asn.error();
    if (city->empty() && asn->empty())
        return section.error("set city_database, asn_database or both");
    config.cityDatabase = std::move(*city);
    config.asnDatabase = std::move(*asn);

    if (section.has("fields")) {
        auto fields = section.strings("fields");
        if (!fields)
            return fields.error();
        if (fields->empty())
            return section.child("fields").error("expected at least one field holding an IP address");
        for (const std::string &name : *fields) {
            if (!wire::isAcceptableFieldName(name)
                || !wire::isAcceptableFieldName(geoFieldName(name, GeoField::CountryName)))
                return section.child("fields").error("'" + name
                    + "' is not a usable field name (letters, digits, '_', '.', '-'; at most "
                    + std::to_string(kMaxGeoSourceFieldLength) + " characters)");
        }
        config.fields = std::move(*fields);
    }

    auto cacheSize = section.integer("cache_size", static_cast<std::int64_t>(config.cacheSize), 1, 10'000'000);
    if (!cacheSize)
        return cacheSize.error();
    config.cacheSize = static_cast<std::size_t>(*cacheSize);

    auto language = section.string("language", config.language);
    if (!language)
        return language.error();
    if (!isLanguageTag(*language))
        return section.child("language")
            .error("expected a language tag such as en, de or pt-BR, got '" + *language + "'");
    config.language = std::move(*language);

    auto verify = section.boolean("verify", config.verify);
    if (!verify)
        return verify.error();
    config.verify = *verify;
    return config;
}

} // namespace vanopticon::sentinel
