// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::ctl {

// Realistic log lines for benchmarks, reproducible from a seed, with varied addresses, users,
// ports and pids:
//   rfc3164  the mix a Debian host's auth.log and syslog carry (sshd failures from a few noisy
//            sources, accepted logins, invalid users, sudo, CRON, systemd, kernel)
//   rfc5424  the same messages as rsyslog forwards them (RFC 5424, with structured data)
//   json     application and web-server logs as JSON lines (nested ECS-style objects)
//   cef      firewall and IDS events as an ArcSight connector writes them
//   leef     the same as QRadar's LEEF 2.0
//   keyvalue firewall logs as key=value pairs
//   auto     all of the above interleaved, for format detection
class LogGenerator {
public:
    explicit LogGenerator(std::string_view format, std::uint64_t seed = 42);

    static bool supports(std::string_view format);
    // Draw addresses from a fixed pool of `size` (as a host sees the same peers again and again,
    // which is what enrichment caches rely on); 0, the default: a new random address each time.
    void setAddressPool(std::size_t size);
    // Stamp lines with the current time instead of a clock that advances a second every few lines
    // (for writing a live log: that clock would run days ahead at high rates).
    void useWallClock() { m_wallClock = true; }
    // The simulated clock advances about a second every kLinesPerSecond lines, from an hour ago
    // unless set here (seconds since the epoch).
    static constexpr std::size_t kLinesPerSecond = 4;
    void startAt(std::int64_t second) { m_second = second; }
    // Starts the clock so that `lines` lines end about a minute before now: the server's window
    // (7 days back) takes all of up to ~2 million; more reach back further.
    void endNow(std::size_t lines);
    // Appends `count` lines (each ending in '\n') to `out`.
    void generate(std::size_t count, std::string &out);

private:
    void line(std::string_view format, std::string &out);
    void rfc3164Line(std::string &out);
    void rfc5424Line(std::string &out);
    void jsonLine(std::string &out);
    void cefLine(std::string &out);
    void leefLine(std::string &out);
    void keyValueLine(std::string &out);
    // The syslog message part (after "host "), shared by rfc3164 and rfc5424.
    void syslogMessage(std::string &out, bool rfc5424);
    void isoTime(std::string &out);
    void tick();
    std::string address();
    std::string randomAddress();
    const std::string &pick(const std::vector<std::string> &values);

    std::string m_format;
    std::mt19937_64 m_random;
    std::int64_t m_second;
    bool m_wallClock = false;
    std::vector<std::string> m_users;
    std::vector<std::string> m_hosts;
    std::vector<std::string> m_addressPool;
};

} // namespace vanopticon::ctl
