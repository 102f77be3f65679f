// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/feedcontents.h"
#include "shared/core/result.h"

#include <string_view>

namespace vanopticon::sentinel {

// The attributes of MISP JSON: an event ({"Event": {…}} or the event object itself), a list of
// events, or a REST search answer ({"response": [events]} / {"response": {"Attribute": […]}}).
// Attributes of the event and of its objects are read. Types used:
//   ip-src, ip-dst (address or CIDR), ip-src|port, ip-dst|port, domain, hostname (that host only),
//   domain|ip, hostname|port, md5, sha1, sha256, sha512, filename|md5 … filename|sha512, url, link
// With `toIdsOnly` (the default in config) only attributes flagged to_ids are used: the others
// are context, not detection material. Other types, deleted attributes and values that do not
// parse are skipped and counted by reason. Refuses text that is not JSON or not MISP data.
Result<FeedContents> parseMispEvent(std::string_view json, bool toIdsOnly);

} // namespace vanopticon::sentinel
