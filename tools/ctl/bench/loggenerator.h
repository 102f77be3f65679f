// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::ctl {

// Realistic log lines for benchmarks, reproducible from a seed: the mix a Debian host's
// auth.log and syslog carry (sshd failures from a few noisy sources, accepted logins, invalid
// users, sudo, CRON, systemd, kernel), with varied addresses, users, ports and pids.
class LogGenerator {
public:
    explicit LogGenerator(std::string_view format, std::uint64_t seed = 42);

    static bool supports(std::string_view format);
    // Appends `count` lines (each ending in '\n') to `out`.
    void generate(std::size_t count, std::string &out);

private:
    void rfc3164Line(std::string &out);
    std::string address();
    const std::string &pick(const std::vector<std::string> &values);

    std::string m_format;
    std::mt19937_64 m_random;
    std::int64_t m_second;
    std::vector<std::string> m_users;
    std::vector<std::string> m_hosts;
};

} // namespace vanopticon::ctl
