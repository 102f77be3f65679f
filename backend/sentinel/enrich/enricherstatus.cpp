// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/enricherstatus.h"

#include <QJsonArray>

namespace vanopticon::sentinel {

using namespace Qt::StringLiterals;

namespace {

QJsonObject geoIpStatus(const GeoIpCounters &c) {
    return QJsonObject {{u"lookups"_s, qint64(c.lookups)}, {u"cache_hits"_s, qint64(c.cacheHits)},
        {u"cache_misses"_s, qint64(c.cacheMisses)}, {u"cache_hit_rate"_s, c.hitRate()}, {u"found"_s, qint64(c.found)},
        {u"not_found"_s, qint64(c.notFound)}, {u"skipped_private"_s, qint64(c.skippedPrivate)},
        {u"invalid"_s, qint64(c.invalid)}, {u"errors"_s, qint64(c.errors)},
        {u"enriched_events"_s, qint64(c.enrichedEvents)}};
}

QJsonObject threatIntelStatus(const ThreatIntelCounters &c) {
    QJsonArray feeds;
    for (const ThreatFeedStatus &feed : c.feeds) {
        feeds.append(QJsonObject {{u"name"_s, QString::fromStdString(feed.name)}, {u"entries"_s, qint64(feed.entries)},
            {u"skipped"_s, qint64(feed.skipped)}, {u"unreducible"_s, qint64(feed.unreducible)},
            {u"loads"_s, qint64(feed.loads)}, {u"load_errors"_s, qint64(feed.loadErrors)},
            {u"last_error"_s, QString::fromStdString(feed.lastError)}, {u"loaded_at_ns"_s, qint64(feed.loadedAtNs)}});
    }
    return QJsonObject {{u"lookups"_s, qint64(c.lookups)}, {u"hits"_s, qint64(c.hits)},
        {u"matched_events"_s, qint64(c.matchedEvents)}, {u"indicators"_s, qint64(c.indicators)},
        {u"refreshes"_s, qint64(c.refreshes)}, {u"feeds"_s, feeds}};
}

QJsonObject reverseDnsStatus(const ReverseDnsCounters &c) {
    return QJsonObject {{u"lookups"_s, qint64(c.lookups)}, {u"cache_hits"_s, qint64(c.cacheHits)},
        {u"cache_misses"_s, qint64(c.cacheMisses)}, {u"cache_hit_rate"_s, c.hitRate()},
        {u"requested"_s, qint64(c.requested)}, {u"dropped"_s, qint64(c.dropped)}, {u"named"_s, qint64(c.named)},
        {u"timeouts"_s, qint64(c.timeouts)}, {u"failures"_s, qint64(c.failures)}};
}

} // namespace

QJsonObject enricherStatus(const Enricher &enricher) {
    QJsonObject status {{u"in"_s, qint64(enricher.counters().in)}, {u"out"_s, qint64(enricher.counters().out)}};
    if (const ThreatIntelStep *step = enricher.threatIntel())
        status.insert(u"threat_intel"_s, threatIntelStatus(step->counters()));
    if (const GeoIpStep *step = enricher.geoIp())
        status.insert(u"geoip"_s, geoIpStatus(step->counters()));
    if (const ReverseDnsStep *step = enricher.reverseDns())
        status.insert(u"reverse_dns"_s, reverseDnsStatus(step->counters()));
    return status;
}

} // namespace vanopticon::sentinel
