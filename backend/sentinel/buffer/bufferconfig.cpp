// SPDX-License-Identifier: Apache-2.0
#include "sentinel/buffer/bufferconfig.h"

namespace vanopticon::sentinel::buffer {

namespace {

constexpr std::uint64_t kMinBytes = 1ull << 20;
constexpr std::uint64_t kMaxBytes = 1ull << 40;

} // namespace

Result<BufferSettings> parseBufferConfig(const config::Section &section) {
    BufferSettings settings; // an absent block gives the defaults
    if (auto ok
        = section.allowOnly({"type", "path", "max_size", "max_age", "compression", "sync_interval", "back_pressure"});
        !ok)
        return ok.error();
    auto type = section.string("type", "disk");
    if (!type)
        return type.error();
    if (*type == "memory")
        settings.type = BufferSettings::Type::Memory;
    else if (*type != "disk")
        return section.child("type").error("expected disk or memory, got '" + *type + "'");
    auto path = section.string("path", settings.path);
    if (!path)
        return path.error();
    if (path->empty())
        return section.child("path").error("must name a directory");
    settings.path = *path;
    if (section.has("max_size")) {
        auto text = section.child("max_size").scalar();
        if (!text)
            return text.error();
        auto size = config::parseSize(*text);
        if (!size)
            return section.child("max_size").error(size.error().message);
        if (*size < kMinBytes || *size > kMaxBytes)
            return section.child("max_size").error("must be between 1MB and 1TB");
        settings.maxBytes = *size;
    }
    auto maxAge = section.duration("max_age", settings.maxAge);
    if (!maxAge)
        return maxAge.error();
    if (*maxAge < std::chrono::minutes(1))
        return section.child("max_age").error("must be at least 1m");
    settings.maxAge = *maxAge;
    auto compression = section.string("compression", "zstd");
    if (!compression)
        return compression.error();
    if (*compression != "zstd")
        return section.child("compression").error("only zstd is supported (batches are stored as they are sent)");
    auto syncInterval = section.duration("sync_interval", settings.syncInterval);
    if (!syncInterval)
        return syncInterval.error();
    if (*syncInterval > std::chrono::seconds(10))
        return section.child("sync_interval").error("must be at most 10s (what is not synced is lost on power loss)");
    settings.syncInterval = *syncInterval;
    const config::Section pressure = section.child("back_pressure");
    if (section.has("back_pressure")) {
        if (auto ok = pressure.allowOnly({"high_watermark", "low_watermark"}); !ok)
            return ok.error();
        auto high = pressure.number("high_watermark", settings.highWatermark, 0.05, 1.0);
        if (!high)
            return high.error();
        auto low = pressure.number("low_watermark", settings.lowWatermark, 0.0, 1.0);
        if (!low)
            return low.error();
        if (*low >= *high)
            return pressure.error("low_watermark must be below high_watermark");
        settings.highWatermark = *high;
        settings.lowWatermark = *low;
    }
    return settings;
}

} // namespace vanopticon::sentinel::buffer
