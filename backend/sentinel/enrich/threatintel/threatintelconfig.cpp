// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/threatintelconfig.h"

#include "sentinel/enrich/threatintel/iocset.h"
#include "shared/wire/codec.h"

#include <algorithm>
#include <set>

namespace vanopticon::sentinel {

namespace {

bool isFeedName(std::string_view name) {
    return !name.empty() && name.size() <= IocSet::kMaxFeedNameLength
        && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                   || c == '.';
           });
}

Result<void> readFields(const config::Section &fields, std::string_view key, std::vector<std::string> &out) {
    if (!fields.has(key))
        return {};
    auto names = fields.strings(key);
    if (!names)
        return names.error();
    for (const std::string &name : *names) {
        if (!wire::isAcceptableFieldName(name))
            return fields.child(key).error("'" + name + "' is not a valid field name");
    }
    out = std::move(*names);
    return {};
}

Result<ThreatFeedConfig> parseFeed(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with name, type and path");
    if (auto known = entry.allowOnly({"name", "type", "path", "kind", "to_ids_only"}); !known)
        return known.error();
    ThreatFeedConfig feed;
    auto name = entry.requireString("name");
    if (!name)
        return name.error();
    if (!isFeedName(*name))
        return entry.child("name").error("'" + *name + "' is not a valid feed name (letters, digits, '_', '-', '.')");
    feed.name = std::move(*name);

    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type == "plain")
        feed.type = FeedType::Plain;
    else if (*type == "stix")
        feed.type = FeedType::Stix;
    else if (*type == "misp")
        feed.type = FeedType::Misp;
    else
        return entry.child("type").error("unsupported feed type '" + *type + "' (supported: plain, stix, misp)");

    auto path = entry.requireString("path");
    if (!path)
        return path.error();
    if (path->empty() || path->front() != '/')
        return entry.child("path").error("expected an absolute path, got '" + *path + "'");
    if (path->find('\0') != std::string::npos)
        return entry.child("path").error("the path contains a NUL byte");
    feed.path = std::move(*path);

    if (entry.has("kind")) {
        if (feed.type != FeedType::Plain)
            return entry.child("kind").error("only plain lists take a kind");
        auto kind = entry.requireString("kind");
        if (!kind)
            return kind.error();
        if (*kind == "ip")
            feed.kind = IndicatorKind::Ip;
        else if (*kind == "domain")
            feed.kind = IndicatorKind::Domain;
        else if (*kind == "hash")
            feed.kind = IndicatorKind::Hash;
        else if (*kind == "url")
            feed.kind = IndicatorKind::Url;
        else if (*kind != "auto")
            return entry.child("kind").error("expected ip, domain, hash, url or auto, got '" + *kind + "'");
    }
    if (entry.has("to_ids_only") && feed.type != FeedType::Misp)
        return entry.child("to_ids_only").error("only misp feeds take to_ids_only");
    auto toIds = entry.boolean("to_ids_only", true);
    if (!toIds)
        return toIds.error();
    feed.toIdsOnly = *toIds;
    return feed;
}

} // namespace

Result<ThreatIntelConfig> parseThreatIntelConfig(const config::Section &section) {
    if (!section.isMap())
        return section.error("expected a mapping with feeds");
    if (auto known = section.allowOnly({"refresh_interval", "max_feed_size", "fields", "feeds"}); !known)
        return known.error();
    ThreatIntelConfig config;

    auto interval = section.duration("refresh_interval", config.refreshInterval);
    if (!interval)
        return interval.error();
    if (*interval < std::chrono::seconds(1) || *interval > std::chrono::hours(24 * 7))
        return section.child("refresh_interval").error("must be between 1s and 7d");
    config.refreshInterval = *interval;

    if (section.has("max_feed_size")) {
        auto text = section.requireString("max_feed_size");
        if (!text)
            return text.error();
        auto size = config::parseSize(*text);
        if (!size)
            return section.child("max_feed_size").error(size.error().message);
        if (*size < 1024 || *size > (4ull << 30))
            return section.child("max_feed_size").error("must be between 1KB and 4GB");
        config.maxFeedSize = *size;
    }

    const config::Section fields = section.child("fields");
    if (auto known = fields.allowOnly({"ip", "domain", "hash", "url"}); !known)
        return known.error();
    for (const auto &[key, target] : {std::pair {"ip", &config.ipFields}, std::pair {"domain", &config.domainFields},
             std::pair {"hash", &config.hashFields}, std::pair {"url", &config.urlFields}}) {
        if (auto ok = readFields(fields, key, *target); !ok)
            return ok.error();
    }

    auto feeds = section.child("feeds").elements();
    if (!feeds)
        return feeds.error();
    if (feeds->empty())
        return section.error("missing required setting 'feeds' (at least one feed)");
    if (feeds->size() > IocSet::kMaxFeeds)
        return section.child("feeds").error("at most " + std::to_string(IocSet::kMaxFeeds) + " feeds");
    std::set<std::string> names;
    for (const config::Section &entry : *feeds) {
        auto feed = parseFeed(entry);
        if (!feed)
            return feed.error();
        if (!names.insert(feed->name).second)
            return entry.child("name").error("feed name '" + feed->name + "' is used twice");
        config.feeds.push_back(std::move(*feed));
    }
    return config;
}

} // namespace vanopticon::sentinel
