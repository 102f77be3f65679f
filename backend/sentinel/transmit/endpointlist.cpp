// SPDX-License-Identifier: Apache-2.0
#include "sentinel/transmit/endpointlist.h"

#include <algorithm>

namespace vanopticon::sentinel {

EndpointList::EndpointList(std::vector<Endpoint> endpoints, int maxAttempts, std::uint64_t seed)
    : m_endpoints(std::move(endpoints))
    , m_maxAttempts(std::max(1, maxAttempts))
    , m_random(seed) {
    if (m_endpoints.empty())
        m_endpoints.push_back(Endpoint {}); // the caller validated the configuration; never empty
    m_current = pick(m_endpoints.size());
}

bool EndpointList::failed() {
    if (++m_failures < m_maxAttempts || m_endpoints.size() == 1)
        return false;
    m_failures = 0;
    m_current = pick(m_current);
    return true;
}

// A weighted random index, not `excluded` (pass size() to exclude none).
std::size_t EndpointList::pick(std::size_t excluded) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < m_endpoints.size(); ++i)
        total += i == excluded ? 0 : std::max(1u, m_endpoints[i].weight);
    std::uint64_t ticket = std::uniform_int_distribution<std::uint64_t>(0, total - 1)(m_random);
    for (std::size_t i = 0; i < m_endpoints.size(); ++i) {
        if (i == excluded)
            continue;
        const std::uint64_t weight = std::max(1u, m_endpoints[i].weight);
        if (ticket < weight)
            return i;
        ticket -= weight;
    }
    return 0; // not reached: the tickets cover the weights
}

} // namespace vanopticon::sentinel
