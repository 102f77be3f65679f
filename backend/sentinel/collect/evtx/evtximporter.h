// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/evtx/evtxeventwriter.h"
#include "sentinel/collect/evtx/evtxfile.h"
#include "sentinel/collect/evtx/evtxrecord.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace vanopticon::sentinel {

// A record that did not become an event, kept for the operator to see.
struct EvtxFailure {
    std::string path;
    int index = 0; // the record's index in the file (EvtxFile)
    std::uint64_t recordNumber = 0; // its EventRecordID as libevtx reads it, 0 when unknown
    bool recovered = false;
    std::string reason;
};

struct EvtxImportStats {
    std::uint64_t files = 0; // opened
    std::uint64_t unreadableFiles = 0;
    std::uint64_t records = 0; // read (or tried)
    std::uint64_t events = 0;
    std::uint64_t failed = 0; // records that became no event; the latest are in recentFailures()
    std::uint64_t recoveredNotRead = 0; // recovered records left alone (include_recovered off)
};

struct EvtxImportOptions {
    // Also read the records libevtx recovers from a file's slack space (deleted or overwritten
    // records). Off by default: they are often partial, and a failure is counted for each.
    bool includeRecovered = false;
};

// Reads .evtx files record by record into events: EvtxFile (libevtx) → XML → parseEvtxRecord →
// EvtxEventWriter. Plain C++; the source drives it a slice at a time, the command line in one go.
// Every record that does not become an event is counted and kept with its number and reason.
class EvtxImporter {
public:
    static constexpr std::size_t kMaxRecentFailures = 100;

    explicit EvtxImporter(SyslogContext context, EvtxImportOptions options = {});
    ~EvtxImporter();

    // Opens a file to read from record `startIndex` on (the file read before is closed).
    Result<void> open(const std::string &path, int startIndex = 0);
    void close();
    bool isOpen() const { return m_file != nullptr; }
    // Appends the events of up to `maxRecords` more records; true when the file is finished.
    bool readSome(EventBatch &batch, int maxRecords);
    // The index of the next record to read, and how many there are to read in all.
    int position() const { return m_next; }
    int recordsToRead() const;

    const EvtxImportStats &stats() const { return m_stats; }
    const EvtxFieldStats &fieldStats() const { return m_writer.stats(); }
    // The last kMaxRecentFailures failures, oldest first.
    const std::deque<EvtxFailure> &recentFailures() const { return m_failures; }

private:
    void refuse(int index, std::uint64_t recordNumber, std::string reason);

    SyslogContext m_context;
    EvtxImportOptions m_options;
    std::unique_ptr<EvtxFile> m_file;
    std::string m_path;
    int m_next = 0;
    EvtxRecord m_record;
    EvtxEventWriter m_writer;
    std::string m_xml;
    EvtxImportStats m_stats;
    std::deque<EvtxFailure> m_failures;
};

} // namespace vanopticon::sentinel
