// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/enricher.h"

#include <QJsonObject>

namespace vanopticon::sentinel {

// The enrich stage's figures for the sentinel's status: in / out, and per configured step its
// counters, cache hit rate (GeoIP, reverse DNS) and feed health (threat intelligence).
QJsonObject enricherStatus(const Enricher &enricher);

} // namespace vanopticon::sentinel
