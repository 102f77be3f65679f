// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/event.h"

#include "vanopticon/v1/channel.pb.h"

#include <google/protobuf/arena.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

// Framing of the sentinel ↔ server channel: one Envelope per WebSocket binary frame,
// serialized with protobuf and compressed as one zstd frame that records its content size and
// ends with a content checksum (a frame damaged in transit or on disk is refused, not parsed).
namespace vanopticon::wire {

// No frame may decompress to more than this. A frame that claims more, or does not say how
// much, is refused before anything is allocated (a zstd bomb costs the server nothing).
inline constexpr std::size_t kDefaultMaxFrameBytes = 16 * 1024 * 1024;

// zstd levels a sender may choose (transmitter.compression_level): 1 is the fastest; beyond 19
// zstd's "ultra" levels need far more memory to compress, for little gain on small batches.
inline constexpr int kDefaultCompressionLevel = 3;
inline constexpr int kMinCompressionLevel = 1;
inline constexpr int kMaxCompressionLevel = 19;

// Room kept between frames, for compressing (per thread) and decompressing (FrameDecompressor):
// an unusually large frame's is given back.
inline constexpr std::size_t kRetainedBufferBytes = 4 * 1024 * 1024;

// The frame is allocated at its own size.
std::string compress(std::string_view data, int level = kDefaultCompressionLevel);
Result<std::string> decompress(std::string_view frame, std::size_t maxBytes = kDefaultMaxFrameBytes);

// Decompresses frame after frame into one buffer it keeps (up to kRetainedBufferBytes), so a
// frame does not cost a fresh allocation, its page faults and zero-filling. The checks and limits
// are decompress()'s. The view returned is valid until the next call; one per thread.
class FrameDecompressor {
public:
    Result<std::string_view> decompress(std::string_view frame, std::size_t maxBytes = kDefaultMaxFrameBytes);

private:
    std::string m_buffer;
};

std::string encodeEnvelope(const v1::Envelope &envelope, int level = kDefaultCompressionLevel);
Result<v1::Envelope> decodeEnvelope(std::string_view frame, std::size_t maxBytes = kDefaultMaxFrameBytes);

// An Envelope parsed into a protobuf arena of its own: its messages and string objects come from
// a few blocks instead of one allocation each, and dropping it releases them at once. The server
// decodes every frame this way (a batch is hundreds of messages); move-only.
class ArenaEnvelope {
public:
    v1::Envelope &operator*() const { return *m_envelope; }
    v1::Envelope *operator->() const { return m_envelope; }

private:
    friend Result<ArenaEnvelope> parseArenaEnvelope(std::string_view envelope);
    explicit ArenaEnvelope(std::size_t firstBlockBytes);

    std::unique_ptr<google::protobuf::Arena> m_arena;
    v1::Envelope *m_envelope = nullptr; // on m_arena
};

Result<ArenaEnvelope> decodeArenaEnvelope(std::string_view frame, std::size_t maxBytes = kDefaultMaxFrameBytes);
// The second half of decodeArenaEnvelope: a serialized Envelope, already decompressed.
Result<ArenaEnvelope> parseArenaEnvelope(std::string_view envelope);

// Event model → protobuf, at the boundary only (the way back is decodeBatch(), batchdecoder.h).
void toProto(const Event &event, v1::Event &out);

// Fields an Event carries in its own members on the wire (event_type … source_type, severity),
// never in `fields`.
bool isCoreField(FieldId id);

// Field names from the network are interned only when they look like field names
// (letters, digits, '_', '.', '-', at most 64 bytes), so a hostile peer cannot grow the table with junk.
bool isAcceptableFieldName(std::string_view name);

} // namespace vanopticon::wire
