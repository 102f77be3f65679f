// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

// evtx_dump-style JSON records for tst_evtxjson (kept apart from the test: moc cannot read raw
// string literals), and the XML records they stand for (testsupport::evtx).
namespace vanopticon::testsupport::evtxjson {

// The JSON evtx_dump writes for evtx::record(): `data` holds the members after "System"
// ("EventData": {…}), `eventId` is the JSON value of EventID.
std::string record(std::string_view eventId, std::string_view channel, std::string_view provider, std::string_view data,
    std::string_view level = "0");
// evtx::failedLogonData() as evtx_dump writes it.
std::string failedLogonData();

// A record as XML and as the JSON of it, one per shape of the JSON.
struct SameAsXml {
    const char *name;
    std::string xml;
    std::string json;
};
std::vector<SameAsXml> sameAsXml();

// An object that is no event, and why.
struct Refused {
    const char *name;
    std::string object;
    const char *reason;
};
std::vector<Refused> refusedObjects();

std::string repeatedNames(); // EventData with evtx_dump's "<name>_1"
std::string overridingNames(); // EventData naming the record's own fields
std::string unclosedEscape(); // an object cut inside a string escape
std::string deepPrefix(); // a record up to the value of its EventData
std::string withoutTimeOrComputer(); // a record with EventID and Channel only

} // namespace vanopticon::testsupport::evtxjson
