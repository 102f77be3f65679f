// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace vanopticon::sentinel {

// What libevtx says about one record besides its XML.
struct EvtxRecordInfo {
    std::uint64_t number = 0; // the record's identifier (EventRecordID)
    std::int64_t writtenNs = 0; // when it was written (UTC ns since the epoch), 0 when unknown
};

// A .evtx file opened read-only with libevtx (C API). Records are addressed by index: the live
// records first (0 … recordCount()-1), then the records libevtx recovers from the file's slack
// space (recordCount() … recordCount()+recoveredCount()-1); recovered ones are often partial.
// Not thread-safe.
class EvtxFile {
public:
    // The XML of one record is refused beyond this (a record is at most 64 KiB of binary XML,
    // but templates let it expand).
    static constexpr std::size_t kMaxRecordXmlBytes = 4 * 1024 * 1024;

    static Result<std::unique_ptr<EvtxFile>> open(const std::string &path);
    ~EvtxFile();
    EvtxFile(const EvtxFile &) = delete;
    EvtxFile &operator=(const EvtxFile &) = delete;

    int recordCount() const { return m_records; }
    int recoveredCount() const { return m_recovered; }
    // The header says the file was not closed cleanly (it may end in a partial chunk).
    bool isDirty() const { return m_dirty; }

    // Reads record `index` (see above) into `xml` (UTF-8, no terminating NUL).
    Result<EvtxRecordInfo> read(int index, std::string &xml);

private:
    struct Handle;
    explicit EvtxFile(std::unique_ptr<Handle> handle);

    std::unique_ptr<Handle> m_handle;
    int m_records = 0;
    int m_recovered = 0;
    bool m_dirty = false;
};

} // namespace vanopticon::sentinel
