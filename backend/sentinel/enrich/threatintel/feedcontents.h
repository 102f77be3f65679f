// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/indicator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// What one feed file yielded. Nothing is dropped silently: every entry that did not become an
// indicator is counted, and the first few are described in `notes`.
struct FeedContents {
    static constexpr std::size_t kMaxNotes = 16;

    std::vector<Indicator> indicators;
    std::uint64_t skipped = 0; // entries that are not usable indicators (unsupported type, bad value, expired…)
    std::uint64_t unreducible = 0; // STIX patterns with no set of values to match (MATCHES, NOT, ranges…)
    std::uint64_t partial = 0; // STIX patterns only partly reducible: the values found are used
    std::vector<std::string> notes;

    void note(std::string text) {
        if (notes.size() < kMaxNotes)
            notes.push_back(std::move(text));
    }
};

} // namespace vanopticon::sentinel
