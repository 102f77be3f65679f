// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace vanopticon::ctl {

struct IngestFigures {
    std::uint64_t events = 0; // in the frames
    std::uint64_t stored = 0;
    std::uint64_t rejected = 0;
    std::uint64_t groups = 0; // stored in one transaction each
    double seconds = 0; // decoding, validating, storing, correlating: the server's whole path
    // Its stages: decoding (zstd, the batch's encoding), validating and storing (until the
    // commit), analysing what was stored (correlation, alerts).
    double decodeSeconds = 0;
    double storeSeconds = 0;
    double analysisSeconds = 0;
    std::uint64_t replayedEvents = 0; // sent again: all duplicates
    std::uint64_t duplicates = 0;
    double replaySeconds = 0;
    std::uint64_t detections = 0; // emitted by the correlation rules, before the alert manager merges them
    std::uint64_t alertsCreated = 0; // by the correlation rules' detections
    std::uint64_t alertsUpdated = 0;
    // The write-ahead log, checkpointed on its own thread (storage::WalCheckpointer).
    std::uint64_t walCheckpoints = 0;
    std::uint64_t walInlineCheckpoints = 0; // the writer had to do it: the thread fell behind
    std::int64_t walPeakBytes = 0; // the log file's size at the end: its high-water mark
};

// The server's ingestion path on one thread (the log's checkpoints on a second, as in the
// server), as vanopticond runs it: frames decoded (zstd, the batch's encoding) and handed on in
// groups of at most `groupEvents` events, as the server's queue hands them on when batches wait
// (the size of one batch: one at a time, as when the server keeps up); each group's events
// validated and stored in one transaction in a SQLite database at `databasePath` (WAL, as the
// server opens it), then run through the shipped correlation rules and the alert manager.
// Afterwards the first tenth of the frames is delivered again, as after a sentinel restart, and
// must be found duplicate.
Result<IngestFigures> measureIngestion(
    const std::vector<std::string> &frames, const QString &databasePath, std::size_t groupEvents);

} // namespace vanopticon::ctl
