// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>

namespace vanopticon::sentinel {

// Reads at most `limit` bytes of a file (made for /proc: sizes unknown in advance, contents
// possibly endless); false when it cannot be opened. Also used by the metrics source.
bool readProcFile(const std::string &path, std::size_t limit, std::string &out);

} // namespace vanopticon::sentinel
