// SPDX-License-Identifier: Apache-2.0
#include "bench/deliveryframes.h"

#include "bench/loggenerator.h"
#include "sentinel/parse/lineparser.h"
#include "sentinel/transmit/batchenvelope.h"
#include "shared/wire/codec.h"

#include <chrono>
#include <span>

namespace vanopticon::ctl {

namespace {

// Parses `lines` (each ending in '\n', the last may not) into one batch, numbers its events on
// from `sequence`, and adds the framed batch to `out`.
void addFrame(Frames &out, std::string_view lines, sentinel::LineParser &parser, std::uint64_t &sequence, int level) {
    EventBatch batch;
    out.lines += parseLines(lines, parser, batch);
    out.rawBytes += lines.size();
    v1::Envelope envelope;
    const auto events = sentinel::buildBatchEnvelope(
        std::span<const EventBatch>(&batch, 1), out.frames.size() + 1,
        [&]() -> Result<std::uint64_t> { return ++sequence; }, envelope);
    (void)events; // numbering from a counter cannot fail
    out.protobufBytes += envelope.ByteSizeLong();
    const auto started = std::chrono::steady_clock::now();
    out.frames.push_back(wire::encodeEnvelope(envelope, level));
    out.compressSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out.frameBytes += out.frames.back().size();
    out.eventCounts.push_back(std::uint32_t(batch.size()));
    out.events += batch.size();
}

} // namespace

std::size_t parseLines(std::string_view lines, sentinel::LineParser &parser, EventBatch &batch) {
    std::size_t count = 0;
    std::size_t start = 0;
    while (start < lines.size()) {
        const std::size_t end = std::min(lines.find('\n', start), lines.size());
        parser.parse(lines.substr(start, end - start), batch);
        ++count;
        start = end + 1;
    }
    return count;
}

Frames makeFrames(std::size_t frameCount, std::size_t batchSize, std::uint64_t seed, int level) {
    Frames out;
    LogGenerator generator("rfc3164", seed);
    generator.endNow(frameCount * batchSize); // beyond ~2 million events the oldest are refused as too old
    sentinel::LineParser parser(sentinel::LineFormat::Rfc3164, sentinel::SyslogContext::fromSystem());
    std::uint64_t sequence = 0;
    std::string lines;
    for (std::size_t f = 0; f < frameCount; ++f) {
        lines.clear();
        generator.generate(batchSize, lines);
        addFrame(out, lines, parser, sequence, level);
    }
    return out;
}

Frames framesFromLog(std::string_view log, sentinel::LineFormat format, std::size_t batchSize, int level) {
    Frames out;
    sentinel::LineParser parser(format, sentinel::SyslogContext::fromSystem());
    std::uint64_t sequence = 0;
    std::size_t start = 0;
    while (start < log.size()) {
        std::size_t end = start;
        for (std::size_t line = 0; line < batchSize && end < log.size(); ++line)
            end = std::min(log.find('\n', end), log.size()) + 1;
        end = std::min(end, log.size());
        addFrame(out, log.substr(start, end - start), parser, sequence, level);
        start = end;
    }
    return out;
}

} // namespace vanopticon::ctl
