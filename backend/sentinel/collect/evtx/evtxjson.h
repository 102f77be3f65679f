// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/evtx/evtxeventwriter.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

struct EvtxJsonStats {
    std::uint64_t objects = 0; // top-level objects found (those that failed included)
    std::uint64_t events = 0;
    std::uint64_t failed = 0; // objects that became no event; the latest are in recentFailures()
};

// An object that did not become an event.
struct EvtxJsonFailure {
    std::size_t position = 0; // the object's 1-based index in the text
    std::size_t line = 0; // the line its first byte is on (1-based)
    std::size_t offset = 0; // its first byte
    std::string reason;
};

// Reads the JSON that evtx_dump (github.com/omerbenamram/evtx) writes for Windows event records,
// as SigmaHQ's regression data holds it: one object per record, `{"Event": {"System": {…},
// "EventData": {…}}}` (or UserData), pretty-printed or one per line, objects one after the
// other, each optionally preceded by evtx_dump's own "Record <n>" line (a UTF-8 byte order mark
// before all is ignored). Each object fills an
// EvtxRecord the way parseEvtxRecord fills it from the record's XML, and EvtxEventWriter makes
// the event, so a record gives the same fields whether it comes as .evtx or as this JSON.
//
// How the JSON shape is read back into the XML's:
//   - an element's attributes are under "#attributes" (or, as `--separate-json-attributes`
//     writes them, in a sibling "<name>_attributes"), its text under "#text" when it also has
//     attributes, else it is the value itself;
//   - numbers and booleans are the text of the XML ("EventID": 4688 → "4688"), null is empty;
//   - a value that is a bare GUID ("5770385F-C22A-…") gets the braces Windows writes and libevtx
//     keeps ("{5770385F-C22A-…}"): evtx_dump drops them; the JSON carries no type, so a string
//     of that very shape gets them too;
//   - EventData / UserData: as in the XML reader every leaf is a value named by its "Name"
//     attribute, else by its key; objects holding other elements only group them; unnamed
//     <Data> values (evtx_dump: "Data": {"#text": [ … ]}) are each one unnamed value; an array
//     of scalars is one value, its elements joined by "\n".
// What the JSON cannot give back (so differs from the .evtx): the raw XML (`raw` is the object's
// JSON text), times finer than the microseconds evtx_dump writes (TimeCreated, and FILETIME
// values in the data), trailing white space evtx_dump trims from values, and, for a name repeated
// within one element, which value came first (evtx_dump renames the earlier ones "<name>_1", …;
// they are kept under those names).
//
// Hostile input is bounded: an object longer than kMaxObjectBytes or nested deeper than
// kMaxDepth is refused without being parsed; names, values and the number of values are bounded
// as for .evtx (EvtxRecord's limits). Each object is validated whole (simdjson: structure,
// numbers, escapes, UTF-8). Not thread-safe: one reader per input.
class EvtxJsonReader {
public:
    static constexpr std::size_t kMaxObjectBytes = std::size_t {1} << 20;
    static constexpr std::size_t kMaxDepth = 32;
    static constexpr std::size_t kMaxRecentFailures = 100;

    EvtxJsonReader();
    ~EvtxJsonReader();
    EvtxJsonReader(const EvtxJsonReader &) = delete;
    EvtxJsonReader &operator=(const EvtxJsonReader &) = delete;

    // Appends one event per object of `text` and returns how many were appended. An object
    // that cannot be an event (invalid JSON, too large or deep, cut off by the end of the text,
    // no Event / System, no numeric EventID) is counted, kept in recentFailures() and skipped.
    // Refused with an error, nothing appended: text that is not a sequence of objects (a
    // top-level array, number or string, or anything else between the objects). The context
    // dates records without a readable TimeCreated and names the host of those without Computer.
    Result<std::size_t> read(std::string_view text, const SyslogContext &context, EventBatch &out);

    // One per event appended by the last read(), in order: the 1-based index of its object in
    // the text (what `sigma scan` reports as the event's position).
    std::span<const std::size_t> positions() const;

    // Accumulated over every read().
    const EvtxJsonStats &stats() const;
    const EvtxFieldStats &fieldStats() const;
    // The last kMaxRecentFailures failures, oldest first.
    const std::deque<EvtxJsonFailure> &recentFailures() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace vanopticon::sentinel
