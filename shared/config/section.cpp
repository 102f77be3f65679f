// SPDX-License-Identifier: Apache-2.0
#include "shared/config/section.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace vanopticon::config {

namespace {

template<typename T> bool parseNumber(std::string_view text, T &out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

std::string joinKeys(std::initializer_list<std::string_view> keys) {
    std::string out;
    for (std::string_view key : keys) {
        if (!out.empty())
            out += ", ";
        out += key;
    }
    return out;
}

} // namespace

Result<std::chrono::milliseconds> parseDuration(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    std::int64_t amount = 0;
    if (digits == 0 || !parseNumber(text.substr(0, digits), amount))
        return makeError("'" + std::string(text) + "' is not a duration (examples: 250ms, 60s, 5m, 1h, 1d)");
    const std::string_view unit = text.substr(digits);
    std::int64_t factor = 0;
    if (unit == "ms")
        factor = 1;
    else if (unit.empty() || unit == "s")
        factor = 1000;
    else if (unit == "m")
        factor = 60'000;
    else if (unit == "h")
        factor = 3'600'000;
    else if (unit == "d")
        factor = 86'400'000;
    else
        return makeError("'" + std::string(text) + "' has an unknown unit (use ms, s, m, h or d)");
    if (amount > INT64_MAX / factor)
        return makeError("'" + std::string(text) + "' is too long a duration");
    return std::chrono::milliseconds(amount * factor);
}

Result<std::uint64_t> parseSize(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    std::uint64_t amount = 0;
    if (digits == 0 || !parseNumber(text.substr(0, digits), amount))
        return makeError("'" + std::string(text) + "' is not a size (examples: 512KB, 64MB, 1GB)");
    std::string_view unit = text.substr(digits);
    while (!unit.empty() && unit.front() == ' ')
        unit.remove_prefix(1);
    std::uint64_t factor = 0;
    if (unit.empty() || unit == "B")
        factor = 1;
    else if (unit == "KB" || unit == "KiB" || unit == "K")
        factor = 1ull << 10;
    else if (unit == "MB" || unit == "MiB" || unit == "M")
        factor = 1ull << 20;
    else if (unit == "GB" || unit == "GiB" || unit == "G")
        factor = 1ull << 30;
    else
        return makeError("'" + std::string(text) + "' has an unknown unit (use B, KB, MB or GB)");
    if (amount > UINT64_MAX / factor)
        return makeError("'" + std::string(text) + "' is too large");
    return amount * factor;
}

Result<Section> Section::loadFile(const std::string &path) {
    std::ifstream in(path);
    if (!in)
        return makeError(path + ": cannot open the file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return loadString(buffer.str(), path);
}

Result<Section> Section::loadString(const std::string &text, const std::string &nameForErrors) {
    try {
        YAML::Node root = YAML::Load(text);
        return Section(std::move(root), std::make_shared<const std::string>(nameForErrors), "");
    } catch (const YAML::Exception &e) {
        return makeError(nameForErrors + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1)
            + ": not valid YAML: " + e.msg);
    }
}

Section::Section(YAML::Node node, std::shared_ptr<const std::string> file, std::string path)
    : m_node(std::move(node))
    , m_file(std::move(file))
    , m_path(std::move(path)) {
}

bool Section::has(std::string_view key) const {
    return m_node.IsMap() && m_node[std::string(key)].IsDefined();
}

std::string Section::where() const {
    const YAML::Mark mark = m_node.Mark();
    if (mark.is_null())
        return *m_file;
    return *m_file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Error Section::error(std::string_view message) const {
    return makeError(where() + ": " + (m_path.empty() ? std::string() : m_path + ": ") + std::string(message));
}

Section Section::child(std::string_view key) const {
    const std::string childPath = m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
    if (!m_node.IsMap())
        return Section(YAML::Node(YAML::NodeType::Null), m_file, childPath);
    YAML::Node value = m_node[std::string(key)];
    return Section(value.IsDefined() ? value : YAML::Node(YAML::NodeType::Null), m_file, childPath);
}

Result<std::vector<Section>> Section::elements() const {
    std::vector<Section> out;
    if (m_node.IsNull() || !m_node.IsDefined())
        return out;
    if (!m_node.IsSequence())
        return error("expected a list");
    out.reserve(m_node.size());
    for (std::size_t i = 0; i < m_node.size(); ++i)
        out.emplace_back(m_node[i], m_file, m_path + "[" + std::to_string(i) + "]");
    return out;
}

Result<void> Section::allowOnly(std::initializer_list<std::string_view> allowed) const {
    if (m_node.IsNull() || !m_node.IsDefined())
        return {};
    if (!m_node.IsMap())
        return error("expected a mapping of settings");
    for (const auto &entry : m_node) {
        const std::string key = entry.first.as<std::string>();
        bool known = false;
        for (std::string_view candidate : allowed)
            known = known || candidate == key;
        if (!known) {
            Section keyNode(entry.first, m_file, m_path);
            return keyNode.error("unknown setting '" + key + "' (expected one of: " + joinKeys(allowed) + ")");
        }
    }
    return {};
}

Result<std::string> Section::scalar() const {
    if (!m_node.IsScalar())
        return error("expected a single value");
    return m_node.Scalar();
}

Result<std::string> Section::requireString(std::string_view key) const {
    const Section value = child(key);
    if (value.m_node.IsNull())
        return error("missing required setting '" + std::string(key) + "'");
    return value.scalar();
}

Result<std::string> Section::string(std::string_view key, std::string fallback) const {
    const Section value = child(key);
    if (value.m_node.IsNull())
        return fallback;
    return value.scalar();
}

Result<bool> Section::boolean(std::string_view key, bool fallback) const {
    const Section value = child(key);
    if (value.m_node.IsNull())
        return fallback;
    auto text = value.scalar();
    if (!text)
        return text.error();
    if (*text == "true" || *text == "yes" || *text == "on")
        return true;
    if (*text == "false" || *text == "no" || *text == "off")
        return false;
    return value.error("expected true or false, got '" + *text + "'");
}

Result<std::int64_t> Section::integer(
    std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
    const Section value = child(key);
    if (value.m_node.IsNull())
        return fallback;
    auto text = value.scalar();
    if (!text)
        return text.error();
    std::int64_t number = 0;
    if (!parseNumber(std::string_view(*text), number))
        return value.error("expected a whole number, got '" + *text + "'");
    if (number < min || number > max)
        return value.error("must be between " + std::to_string(min) + " and " + std::to_string(max));
    return number;
}

Result<double> Section::number(std::string_view key, double fallback, double min, double max) const {
    const Section value = child(key);
    if (value.m_node.IsNull())
        return fallback;
    auto text = value.scalar();
    if (!text)
        return text.error();
    double number = 0;
    if (!parseNumber(std::string_view(*text), number))
        return value.error("expected a number, got '" + *text + "'");
    if (number < min || number > max)
        return value.error("must be between " + std::to_string(min) + " and " + std::to_string(max));
    return number;
}

Result<std::chrono::milliseconds> Section::duration(std::string_view key, std::chrono::milliseconds fallback) const {
    const Section value = child(key);
    if (value.m_node.IsNull())
        return fallback;
    auto text = value.scalar();
    if (!text)
        return text.error();
    auto parsed = parseDuration(*text);
    if (!parsed)
        return value.error(parsed.error().message);
    return parsed;
}

Result<std::vector<std::string>> Section::strings(std::string_view key) const {
    const Section value = child(key);
    std::vector<std::string> out;
    if (value.m_node.IsNull())
        return out;
    if (value.m_node.IsScalar()) {
        out.push_back(value.m_node.Scalar());
        return out;
    }
    auto items = value.elements();
    if (!items)
        return items.error();
    for (const Section &item : *items) {
        auto text = item.scalar();
        if (!text)
            return text.error();
        out.push_back(std::move(*text));
    }
    return out;
}

} // namespace vanopticon::config
