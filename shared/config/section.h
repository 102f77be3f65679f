// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::config {

// "250ms", "60s", "5m", "1h", "1d"; a bare number means seconds.
Result<std::chrono::milliseconds> parseDuration(std::string_view text);
// "512", "64KB", "10MB", "1GB" (binary multiples; "KiB"/"MiB"/"GiB" too).
Result<std::uint64_t> parseSize(std::string_view text);

// A node of a YAML configuration document that remembers where it came from, so every
// error names the file, line and column, and the dotted path of the setting.
class Section {
public:
    static Result<Section> loadFile(const std::string &path);
    static Result<Section> loadString(const std::string &text, const std::string &nameForErrors);

    Section(YAML::Node node, std::shared_ptr<const std::string> file, std::string path);

    bool has(std::string_view key) const;
    bool isMap() const { return m_node.IsMap(); }
    bool isSequence() const { return m_node.IsSequence(); }
    bool isScalar() const { return m_node.IsScalar(); }
    const YAML::Node &node() const { return m_node; }
    const std::string &path() const { return m_path; }
    const std::string &file() const { return *m_file; }
    // "file:line:column" of this node.
    std::string where() const;
    // An error that names this node's place: "file:3:5: collector.sources[0].path: <message>".
    Error error(std::string_view message) const;

    // The sub-section at `key`; a missing key gives an empty (null) section.
    Section child(std::string_view key) const;
    // The elements of a sequence (an empty list when the node is absent).
    Result<std::vector<Section>> elements() const;
    // Refuses keys not in `allowed` (a misspelt setting must not be ignored).
    Result<void> allowOnly(std::initializer_list<std::string_view> allowed) const;

    Result<std::string> requireString(std::string_view key) const;
    Result<std::string> string(std::string_view key, std::string fallback) const;
    Result<bool> boolean(std::string_view key, bool fallback) const;
    Result<std::int64_t> integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
    Result<double> number(std::string_view key, double fallback, double min, double max) const;
    Result<std::chrono::milliseconds> duration(std::string_view key, std::chrono::milliseconds fallback) const;
    Result<std::vector<std::string>> strings(std::string_view key) const;
    // This node as a scalar string.
    Result<std::string> scalar() const;

private:
    YAML::Node m_node;
    std::shared_ptr<const std::string> m_file;
    std::string m_path;
};

} // namespace vanopticon::config
