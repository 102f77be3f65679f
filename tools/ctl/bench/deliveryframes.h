// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vanopticon::ctl {

// Batches as the transmitter frames them (protobuf Envelope, zstd), from generated
// auth.log / syslog lines, with event sequences numbered from 1 across all frames.
struct Frames {
    std::vector<std::string> frames;
    std::size_t eventsPerFrame = 0;
    std::uint64_t rawBytes = 0; // the log lines
    std::uint64_t protobufBytes = 0; // the envelopes before compression
    std::uint64_t frameBytes = 0; // after
    double compressSeconds = 0; // serializing and compressing the envelopes
};

// `level`: zstd's, as transmitter.compression_level sets it.
Frames makeFrames(std::size_t frameCount, std::size_t batchSize, std::uint64_t seed, int level);

} // namespace vanopticon::ctl
