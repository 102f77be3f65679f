// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/pathfilter.h"

#include <fnmatch.h>

namespace vanopticon::sentinel {

PathFilter::PathFilter(std::vector<std::string> patterns) {
    for (std::string &pattern : patterns) {
        if (pattern.find('/') == std::string::npos)
            m_namePatterns.push_back(std::move(pattern));
        else
            m_pathPatterns.push_back(std::move(pattern));
    }
}

bool PathFilter::excluded(const std::string &path) const {
    const std::size_t slash = path.rfind('/');
    // A suffix of a std::string is NUL-terminated, as fnmatch wants.
    const char *name = path.c_str() + (slash == std::string::npos ? 0 : slash + 1);
    for (const std::string &pattern : m_namePatterns) {
        if (::fnmatch(pattern.c_str(), name, 0) == 0)
            return true;
    }
    for (const std::string &pattern : m_pathPatterns) {
        if (::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0)
            return true;
    }
    return false;
}

} // namespace vanopticon::sentinel
