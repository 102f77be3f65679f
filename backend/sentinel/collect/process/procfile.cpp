// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/procfile.h"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace vanopticon::sentinel {

bool readProcFile(const std::string &path, std::size_t limit, std::string &out) {
    out.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    out.resize(limit);
    std::size_t used = 0;
    while (used < limit) {
        const ssize_t n = ::read(fd, out.data() + used, limit - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += std::size_t(n);
    }
    ::close(fd);
    out.resize(used);
    return true;
}

} // namespace vanopticon::sentinel
