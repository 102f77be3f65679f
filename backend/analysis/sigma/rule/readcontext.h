// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/rule/sigmarule.h"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What reading one YAML document needs (internal to rule/): where nodes are in the file, the
// document's first failure, and a budget of nodes so that a hostile document (YAML aliases make
// a small text stand for a huge tree) costs a bounded amount of work.
namespace vanopticon::analysis::sigma {

inline constexpr std::size_t kMaxNodesPerDocument = 100'000; // SigmaHQ's largest rule has ~4,500 values
inline constexpr std::size_t kMaxTextBytes = 64 * 1024; // any one string of a rule
inline constexpr std::size_t kMaxTitleCharacters = 256; // the specification's limits
inline constexpr std::size_t kMaxNameCharacters = 256;
inline constexpr std::size_t kMaxDescriptionCharacters = 65'535;

class ReadContext {
public:
    // `firstLine` is the 0-based line of the file where this document's text starts.
    ReadContext(const std::string &file, int firstLine)
        : m_file(file)
        , m_firstLine(firstLine) { }

    const std::string &file() const { return m_file; }
    // 1-based "file:line:column" of a node (the document's first line when the node has no mark).
    SourceLocation where(const YAML::Node &node) const;
    SourceLocation where(const YAML::Mark &mark) const;

    // Records the document's first failure. Returns false, so readers can `return fail(…)`.
    bool fail(const YAML::Node &at, std::string reason);
    bool fail(const YAML::Mark &at, std::string reason);
    bool failed() const { return m_failure.has_value(); }
    const std::optional<LoadFailure> &failure() const { return m_failure; }

    // Counts `count` nodes against the document's budget; false (and a failure) once spent.
    bool spend(const YAML::Node &at, std::size_t count = 1);

    // Checks that a map's keys are scalars and unique (yaml-cpp keeps duplicates; the reader of a
    // rule could not know which one counts). `what` names the map in messages.
    bool checkKeys(const YAML::Node &map, std::string_view what);

    // A scalar as text of at most `maxCharacters` UTF-8 characters (`what` names it in messages).
    // A null node is an empty text.
    bool text(
        const YAML::Node &node, std::string_view what, std::string &out, std::size_t maxCharacters = kMaxTextBytes);
    // A list of texts, or a single text standing for a list of one.
    bool texts(const YAML::Node &node, std::string_view what, std::vector<std::string> &out);

private:
    const std::string &m_file;
    int m_firstLine = 0;
    std::size_t m_spent = 0;
    std::optional<LoadFailure> m_failure;
};

// The key as text ("" for a null key); keys are checked to be scalars by checkKeys.
inline const std::string &keyText(const YAML::Node &key) {
    static const std::string empty;
    return key.IsScalar() ? key.Scalar() : empty;
}

} // namespace vanopticon::analysis::sigma
