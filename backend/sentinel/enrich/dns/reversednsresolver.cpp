// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/dns/reversednsresolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace vanopticon::sentinel {

bool isHostName(std::string_view name) {
    if (name.empty() || name.size() > 253 || name.front() == '.' || name.front() == '-')
        return false;
    std::size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        const bool ok
            = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || ++label > 63)
            return false;
    }
    return true;
}

SystemReverseDnsResolver::SystemReverseDnsResolver(std::chrono::milliseconds timeout)
    : m_timeoutSeconds(static_cast<int>(std::clamp<std::int64_t>((timeout.count() + 999) / 1000, 1, 30))) {
}

ReverseDnsAnswer SystemReverseDnsResolver::resolve(const IpKey &address) {
    // The resolver state is per thread in glibc: set it once on each worker.
    thread_local bool configured = false;
    if (!configured) {
        if (res_init() == 0) {
            _res.retrans = m_timeoutSeconds;
            _res.retry = 1;
        }
        configured = true;
    }
    sockaddr_storage storage {};
    socklen_t length = 0;
    if (address.isV4()) {
        auto *v4 = reinterpret_cast<sockaddr_in *>(&storage);
        v4->sin_family = AF_INET;
        std::memcpy(&v4->sin_addr, address.bytes.data() + 12, 4);
        length = sizeof(sockaddr_in);
    } else {
        auto *v6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        v6->sin6_family = AF_INET6;
        std::memcpy(&v6->sin6_addr, address.bytes.data(), 16);
        length = sizeof(sockaddr_in6);
    }
    char host[NI_MAXHOST] = {};
    const int status = ::getnameinfo(
        reinterpret_cast<const sockaddr *>(&storage), length, host, sizeof host, nullptr, 0, NI_NAMEREQD);
    if (status == EAI_NONAME)
        return ReverseDnsAnswer {ReverseDnsAnswer::Status::NotFound, {}};
    if (status != 0)
        return ReverseDnsAnswer {ReverseDnsAnswer::Status::Failed, {}};
    return ReverseDnsAnswer {ReverseDnsAnswer::Status::Found, std::string(host)};
}

} // namespace vanopticon::sentinel
