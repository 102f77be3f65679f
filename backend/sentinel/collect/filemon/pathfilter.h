// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace vanopticon::sentinel {

// The `exclude` globs of a file monitor (fnmatch: *, ?, [...]). A pattern without '/' is matched
// against the name alone, at any depth ("*.swp", ".git"); one with '/' against the whole path,
// where '*' does not cross '/' ("/home/*/.cache"). An excluded directory is not watched, so
// nothing below it is reported either.
class PathFilter {
public:
    PathFilter() = default;
    explicit PathFilter(std::vector<std::string> patterns);

    bool excluded(const std::string &path) const;
    bool empty() const { return m_namePatterns.empty() && m_pathPatterns.empty(); }

private:
    std::vector<std::string> m_namePatterns;
    std::vector<std::string> m_pathPatterns;
};

} // namespace vanopticon::sentinel
