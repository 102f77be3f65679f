// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/feedcontents.h"

#include <optional>
#include <string_view>

namespace vanopticon::sentinel {

// A plain indicator list: one value per line, '#' starts a comment, and anything after the
// first blank or tab on a line is ignored (ipsum's "IP<TAB>count", hosts-style extras). With no
// `kind` each value is classified (address/CIDR, hash, URL, domain); with one, values of other
// kinds are skipped and counted.
FeedContents parsePlainList(std::string_view text, std::optional<IndicatorKind> kind);

} // namespace vanopticon::sentinel
