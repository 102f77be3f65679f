// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/readcontext.h"

#include <algorithm>

namespace vanopticon::analysis::sigma {

namespace {

std::size_t utf8Characters(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

SourceLocation ReadContext::where(const YAML::Mark &mark) const {
    SourceLocation location;
    location.file = m_file;
    if (mark.is_null() || mark.line < 0) {
        location.line = m_firstLine + 1;
        location.column = 1;
    } else {
        location.line = m_firstLine + mark.line + 1;
        location.column = mark.column + 1;
    }
    return location;
}

SourceLocation ReadContext::where(const YAML::Node &node) const {
    return where(node.IsDefined() ? node.Mark() : YAML::Mark::null_mark());
}

bool ReadContext::fail(const YAML::Mark &at, std::string reason) {
    if (!m_failure)
        m_failure = LoadFailure {where(at), std::move(reason)};
    return false;
}

bool ReadContext::fail(const YAML::Node &at, std::string reason) {
    return fail(at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), std::move(reason));
}

bool ReadContext::spend(const YAML::Node &at, std::size_t count) {
    m_spent += count;
    if (m_spent <= kMaxNodesPerDocument)
        return true;
    return fail(at,
        "the document has more than " + std::to_string(kMaxNodesPerDocument)
            + " values and items; refused as too large");
}

bool ReadContext::checkKeys(const YAML::Node &map, std::string_view what) {
    if (!spend(map, map.size()))
        return false;
    std::vector<std::string_view> keys;
    keys.reserve(map.size());
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it->first.IsScalar())
            return fail(it->first, "a key of " + std::string(what) + " must be a plain text, not a list, map or null");
        keys.push_back(it->first.Scalar());
    }
    std::sort(keys.begin(), keys.end());
    const auto duplicate = std::adjacent_find(keys.begin(), keys.end());
    if (duplicate == keys.end())
        return true;
    // Point at the second occurrence: the first one looks fine to a reader.
    bool seen = false;
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it->first.Scalar() != *duplicate)
            continue;
        if (seen)
            return fail(it->first, "the key '" + std::string(*duplicate) + "' appears twice in " + std::string(what));
        seen = true;
    }
    return fail(map, "the key '" + std::string(*duplicate) + "' appears twice in " + std::string(what));
}

bool ReadContext::text(const YAML::Node &node, std::string_view what, std::string &out, std::size_t maxCharacters) {
    if (node.IsNull()) {
        out.clear();
        return true;
    }
    if (!node.IsScalar())
        return fail(node, std::string(what) + " must be a text, not a " + (node.IsMap() ? "map" : "list"));
    const std::string &scalar = node.Scalar();
    if (scalar.size() > kMaxTextBytes || utf8Characters(scalar) > maxCharacters)
        return fail(node,
            std::string(what) + " is longer than " + std::to_string(std::min(maxCharacters, kMaxTextBytes))
                + " characters");
    out = scalar;
    return true;
}

bool ReadContext::texts(const YAML::Node &node, std::string_view what, std::vector<std::string> &out) {
    out.clear();
    if (node.IsNull())
        return true;
    if (node.IsScalar()) {
        out.emplace_back();
        return text(node, what, out.back());
    }
    if (!node.IsSequence())
        return fail(node, std::string(what) + " must be a list of texts, not a map");
    if (!spend(node, node.size()))
        return false;
    out.reserve(node.size());
    for (const YAML::Node &element : node) {
        if (element.IsNull())
            return fail(element, std::string(what) + " holds an empty entry");
        if (!element.IsScalar())
            return fail(element, "an entry of " + std::string(what) + " must be a text, not a list or map");
        out.emplace_back();
        if (!text(element, what, out.back()))
            return false;
    }
    return true;
}

} // namespace vanopticon::analysis::sigma
