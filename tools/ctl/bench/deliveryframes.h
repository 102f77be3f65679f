// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/lineformat.h"
#include "sentinel/parse/lineparser.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::ctl {

// Batches as the transmitter frames them (protobuf Envelope, zstd), from log lines parsed as the
// sentinel parses them, with event sequences numbered from 1 across all frames.
struct Frames {
    std::vector<std::string> frames;
    std::vector<std::uint32_t> eventCounts; // events in each frame
    std::uint64_t lines = 0; // read from the log
    std::uint64_t events = 0; // the lines that parsed (the others are not sent)
    std::uint64_t rawBytes = 0; // the log lines
    std::uint64_t protobufBytes = 0; // the envelopes before compression
    std::uint64_t frameBytes = 0; // after
    double compressSeconds = 0; // serializing and compressing the envelopes
};

// Parses each of `lines` (each ending in '\n', the last may not) into `batch` as the sentinel
// does (a line that does not parse adds nothing); returns how many lines there were.
std::size_t parseLines(std::string_view lines, sentinel::LineParser &parser, EventBatch &batch);

// From generated auth.log / syslog lines (RFC 3164), `batchSize` to a frame. `level`: zstd's, as
// transmitter.compression_level sets it.
Frames makeFrames(std::size_t frameCount, std::size_t batchSize, std::uint64_t seed, int level);

// From the lines of a real log (`log`, lines ending in '\n'), `batchSize` to a frame (the last
// may have fewer), each line used once.
Frames framesFromLog(std::string_view log, sentinel::LineFormat format, std::size_t batchSize, int level);

} // namespace vanopticon::ctl
