// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/rule/sigmarule.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Sigma YAML → the validated rule model of sigmarule.h. Nothing here compiles or evaluates a
// rule. Every problem is a LoadFailure naming the file, line, column and what is wrong; loading
// goes on with the next document and the next file, so one bad rule never hides the others.
namespace vanopticon::analysis::sigma {

inline constexpr std::uintmax_t kMaxSigmaFileBytes = 16u << 20;
inline constexpr std::size_t kMaxDocumentsPerFile = 16'384;

// Files and directory trees, in the order given. A directory is walked recursively for `*.yml`
// and `*.yaml` files, in sorted path order; hidden files and directories (".git", ".github") are
// skipped; symbolic links to directories are not followed (no loops), links to files are
// followed only when the target lies inside the same tree. A path given explicitly is read
// whatever its name. Ends with resolveReferences().
RuleCollection loadRules(const std::vector<std::string> &paths);

// One YAML stream: every document (separated by `---`) is a rule, a correlation (`correlation:`)
// or a filter (`filter:`). `fileName` names the text in locations. Does not resolve references.
void loadText(std::string_view text, const std::string &fileName, RuleCollection &out);

// Checks the collection as a whole; what fails moves out of its vector into `failures`:
// - an id or name used by an earlier document (rules first, then correlations, then filters; ids
//   and names share one namespace, since references may use either) — the first one stays;
// - a filter whose `rules` names something that is not a detection rule;
// - a correlation whose `rules` names neither a rule nor a surviving correlation;
// - correlations that refer to each other in a cycle, and those that depend on such a cycle.
void resolveReferences(RuleCollection &collection);

} // namespace vanopticon::analysis::sigma
