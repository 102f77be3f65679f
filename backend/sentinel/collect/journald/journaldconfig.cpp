// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/journald/journaldconfig.h"

namespace vanopticon::sentinel {

namespace {

std::string joined(const std::vector<std::string> &values) {
    std::string text;
    for (const std::string &value : values)
        text += (text.empty() ? "" : ",") + value;
    return text;
}

// A match is "FIELD=value" handed to sd_journal_add_match: no NUL, no line break, bounded.
Result<std::vector<std::string>> filterValues(const config::Section &entry, std::string_view key) {
    auto values = entry.strings(key);
    if (!values)
        return values.error();
    if (values->size() > kMaxJournaldFilters)
        return entry.child(key).error("at most " + std::to_string(kMaxJournaldFilters) + " values");
    for (const std::string &value : *values) {
        if (value.empty() || value.size() > kMaxJournaldFilterBytes)
            return entry.child(key).error(
                "values must be 1 to " + std::to_string(kMaxJournaldFilterBytes) + " bytes long");
        if (value.find_first_of(std::string_view("\0\n", 2)) != std::string::npos)
            return entry.child(key).error("'" + value + "' contains a NUL byte or a line break");
    }
    return values;
}

} // namespace

std::string JournaldConfig::sourceName() const {
    std::string name = "journald:" + (directory.empty() ? std::string("system") : directory);
    if (!units.empty())
        name += " units=" + joined(units);
    if (!identifiers.empty())
        name += " identifiers=" + joined(identifiers);
    return name;
}

Result<JournaldConfig> parseJournaldConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type journald and its settings");
    if (auto known = entry.allowOnly({"type", "directory", "units", "identifiers", "start_at", "poll_interval"});
        !known)
        return known.error();
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != "journald")
        return entry.child("type").error("expected type journald, got '" + *type + "'");

    JournaldConfig config;
    auto directory = entry.string("directory", "");
    if (!directory)
        return directory.error();
    if (entry.has("directory")) {
        if (directory->empty() || directory->front() != '/')
            return entry.child("directory").error("expected an absolute path, got '" + *directory + "'");
        if (directory->find('\0') != std::string::npos)
            return entry.child("directory").error("the path contains a NUL byte");
        while (directory->size() > 1 && directory->back() == '/')
            directory->pop_back();
    }
    config.directory = std::move(*directory);

    auto units = filterValues(entry, "units");
    if (!units)
        return units.error();
    config.units = std::move(*units);
    auto identifiers = filterValues(entry, "identifiers");
    if (!identifiers)
        return identifiers.error();
    config.identifiers = std::move(*identifiers);

    auto startAt = entry.string("start_at", "end");
    if (!startAt)
        return startAt.error();
    if (*startAt == "beginning")
        config.startAt = StartAt::Beginning;
    else if (*startAt == "end")
        config.startAt = StartAt::End;
    else
        return entry.child("start_at").error("expected beginning or end, got '" + *startAt + "'");

    auto interval = entry.duration("poll_interval", config.pollInterval);
    if (!interval)
        return interval.error();
    if (*interval < std::chrono::milliseconds(10) || *interval > std::chrono::hours(1))
        return entry.child("poll_interval").error("must be between 10ms and 1h");
    config.pollInterval = *interval;
    return config;
}

} // namespace vanopticon::sentinel
