// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/evtx/evtximporter.h"
#include "sentinel/collect/evtx/evtxjson.h"
#include "sentinel/parse/lineparser.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace vanopticon::ctl {

// One input of `sigma scan`, read batch by batch into normalized events, each with its position
// in the input: the record number for EVTX (and evtx_dump JSON), the line number otherwise.
// Event time comes from the input itself, so replayed windows behave as they did live.
class SigmaInput {
public:
    enum class Kind { Evtx, EvtxJson, Log };

    // By extension: .evtx → EVTX, .json → evtx_dump JSON when the file starts with an object
    // holding "Event", anything else → a log file in any format the sentinel parses (detected
    // line by line).
    static Result<std::unique_ptr<SigmaInput>> open(const std::string &path);

    // Appends up to `maxEvents` events and their positions; false when the input is exhausted.
    bool read(EventBatch &batch, std::vector<std::uint64_t> &positions, std::size_t maxEvents);

    Kind kind() const { return m_kind; }
    const std::string &path() const { return m_path; }
    std::uint64_t refused() const { return m_refused; } // lines or records that did not parse
    std::uint64_t events() const { return m_events; }

private:
    SigmaInput(std::string path, Kind kind);

    bool readEvtx(EventBatch &batch, std::vector<std::uint64_t> &positions, std::size_t maxEvents);
    bool readLog(EventBatch &batch, std::vector<std::uint64_t> &positions, std::size_t maxEvents);

    std::string m_path;
    Kind m_kind;
    std::unique_ptr<sentinel::EvtxImporter> m_evtx;
    std::unique_ptr<sentinel::LineParser> m_lines;
    std::ifstream m_file;
    std::string m_line;
    std::uint64_t m_lineNumber = 0;
    EventBatch m_json; // evtx_dump JSON is read whole, then handed out batch by batch
    std::size_t m_jsonNext = 0;
    std::uint64_t m_refused = 0;
    std::uint64_t m_events = 0;
};

} // namespace vanopticon::ctl
