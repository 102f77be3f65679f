// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/syslogcontext.h"

#include <array>
#include <climits>
#include <ctime>
#include <unistd.h>

namespace vanopticon::sentinel {

SyslogContext SyslogContext::fromSystem() {
    SyslogContext context;
    timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    context.nowNs = static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;

    tm local {};
    const time_t seconds = now.tv_sec;
    if (::localtime_r(&seconds, &local) != nullptr)
        context.utcOffsetSeconds = static_cast<std::int32_t>(local.tm_gmtoff);

    std::array<char, HOST_NAME_MAX + 1> name {};
    if (::gethostname(name.data(), name.size() - 1) == 0)
        context.hostName = name.data();
    return context;
}

} // namespace vanopticon::sentinel
