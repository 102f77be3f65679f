// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/dns/reversednsconfig.h"

#include "shared/wire/codec.h"

namespace vanopticon::sentinel {

std::string hostnameFieldFor(std::string_view addressField) {
    if (addressField.size() > 2 && addressField.ends_with("Ip"))
        return std::string(addressField.substr(0, addressField.size() - 2)) + "Hostname";
    return std::string(addressField) + ".hostname";
}

Result<ReverseDnsConfig> parseReverseDnsConfig(const config::Section &section) {
    if (!section.isMap())
        return section.error("expected a mapping of reverse DNS settings");
    if (auto known
        = section.allowOnly({"fields", "timeout", "cache_size", "cache_ttl", "negative_ttl", "workers", "queue_size"});
        !known)
        return known.error();
    ReverseDnsConfig config;
    if (section.has("fields")) {
        auto fields = section.strings("fields");
        if (!fields)
            return fields.error();
        if (fields->empty())
            return section.child("fields").error("expected at least one field holding an IP address");
        for (const std::string &name : *fields) {
            if (!wire::isAcceptableFieldName(name) || !wire::isAcceptableFieldName(hostnameFieldFor(name)))
                return section.child("fields").error("'" + name + "' is not a usable field name");
        }
        config.fields = std::move(*fields);
    }
    const auto duration
        = [&section](std::string_view key, std::chrono::milliseconds fallback, std::chrono::milliseconds min,
              std::chrono::milliseconds max, const char *range) -> Result<std::chrono::milliseconds> {
        auto value = section.duration(key, fallback);
        if (!value)
            return value.error();
        if (*value < min || *value > max)
            return section.child(key).error(std::string("must be between ") + range);
        return value;
    };
    using std::chrono::hours;
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    auto timeout = duration("timeout", config.timeout, milliseconds(10), seconds(30), "10ms and 30s");
    if (!timeout)
        return timeout.error();
    config.timeout = *timeout;
    auto ttl = duration("cache_ttl", config.cacheTtl, seconds(1), hours(24 * 7), "1s and 7d");
    if (!ttl)
        return ttl.error();
    config.cacheTtl = *ttl;
    auto negative = duration("negative_ttl", config.negativeTtl, seconds(1), hours(24), "1s and 1d");
    if (!negative)
        return negative.error();
    config.negativeTtl = *negative;

    auto cacheSize = section.integer("cache_size", static_cast<std::int64_t>(config.cacheSize), 1, 10'000'000);
    if (!cacheSize)
        return cacheSize.error();
    config.cacheSize = static_cast<std::size_t>(*cacheSize);
    auto workers = section.integer("workers", config.workers, 1, 16);
    if (!workers)
        return workers.error();
    config.workers = static_cast<int>(*workers);
    auto queueSize = section.integer("queue_size", static_cast<std::int64_t>(config.queueSize), 1, 1'000'000);
    if (!queueSize)
        return queueSize.error();
    config.queueSize = static_cast<std::size_t>(*queueSize);
    return config;
}

} // namespace vanopticon::sentinel
