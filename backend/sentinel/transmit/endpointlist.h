// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QUrl>

#include <cstdint>
#include <random>
#include <vector>

namespace vanopticon::sentinel {

struct Endpoint {
    QUrl url;
    unsigned weight = 1; // 1…1000: the share of a fleet that starts on it
};

// Which server the transmitter connects to. It starts at a weighted random pick, so a fleet
// spreads over the servers in proportion to their weights; stays with it while it answers; and
// after `maxAttempts` failed attempts in a row moves on to a weighted pick among the others
// (failover). A connection that reached the server resets the count.
class EndpointList {
public:
    EndpointList(std::vector<Endpoint> endpoints, int maxAttempts, std::uint64_t seed);

    const Endpoint &current() const { return m_endpoints[m_current]; }
    std::size_t size() const { return m_endpoints.size(); }
    void succeeded() { m_failures = 0; }
    // True when this failure moved to another endpoint.
    bool failed();

private:
    std::size_t pick(std::size_t excluded);

    std::vector<Endpoint> m_endpoints;
    int m_maxAttempts;
    std::mt19937_64 m_random;
    std::size_t m_current = 0;
    int m_failures = 0;
};

} // namespace vanopticon::sentinel
