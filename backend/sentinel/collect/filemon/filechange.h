// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filemon/filemonitorconfig.h"

#include <string>

namespace vanopticon::sentinel {

// One change under the watched paths, as inotify reported it.
struct FileChange {
    FileChangeKind kind = FileChangeKind::Create;
    bool directory = false;
    std::string path; // the file now; empty for a rename out of the watched paths
    std::string oldPath; // rename: where it was; empty when it came from outside the watched paths
};

} // namespace vanopticon::sentinel
