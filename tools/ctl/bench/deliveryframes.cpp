// SPDX-License-Identifier: Apache-2.0
#include "bench/deliveryframes.h"

#include "bench/loggenerator.h"
#include "sentinel/parse/lineparser.h"
#include "sentinel/transmit/batchenvelope.h"
#include "shared/wire/codec.h"

#include <chrono>
#include <ctime>
#include <span>

namespace vanopticon::ctl {

Frames makeFrames(std::size_t frameCount, std::size_t batchSize, std::uint64_t seed, int level) {
    Frames out;
    out.eventsPerFrame = batchSize;
    LogGenerator generator("rfc3164", seed);
    // The log ends about now, so the server's window (7 days back) takes every event of up to
    // ~2 million; more reach back further and the oldest are refused as too old.
    const auto totalLines = static_cast<std::int64_t>(frameCount * batchSize);
    generator.startAt(std::int64_t(std::time(nullptr)) - totalLines / std::int64_t(LogGenerator::kLinesPerSecond) - 60);
    sentinel::LineParser parser(sentinel::LineFormat::Rfc3164, sentinel::SyslogContext::fromSystem());
    std::uint64_t sequence = 0;
    std::string lines;
    for (std::size_t f = 0; f < frameCount; ++f) {
        lines.clear();
        generator.generate(batchSize, lines);
        out.rawBytes += lines.size();
        EventBatch batch;
        std::size_t start = 0;
        while (start < lines.size()) {
            const std::size_t end = lines.find('\n', start);
            parser.parse(std::string_view(lines).substr(start, end - start), batch);
            start = end + 1;
        }
        v1::Envelope envelope;
        const auto events = sentinel::buildBatchEnvelope(
            std::span<const EventBatch>(&batch, 1), f + 1, [&]() -> Result<std::uint64_t> { return ++sequence; },
            envelope);
        (void)events; // numbering from a counter cannot fail
        out.protobufBytes += envelope.ByteSizeLong();
        const auto started = std::chrono::steady_clock::now();
        out.frames.push_back(wire::encodeEnvelope(envelope, level));
        out.compressSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        out.frameBytes += out.frames.back().size();
    }
    return out;
}

} // namespace vanopticon::ctl
