// SPDX-License-Identifier: Apache-2.0
#include "bench/loggenerator.h"

#include <array>
#include <ctime>

namespace vanopticon::ctl {

namespace {
constexpr std::array<const char *, 12> kMonths
    = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}

LogGenerator::LogGenerator(std::string_view format, std::uint64_t seed)
    : m_format(format)
    , m_random(seed)
    , m_second(std::time(nullptr) - 3600)
    , m_users({"root", "admin", "ubuntu", "oracle", "postgres", "test", "user", "git", "alice", "bob", "deploy",
          "www-data"})
    , m_hosts({"web-01", "web-02", "db-01", "bastion", "build-7"}) {
}

bool LogGenerator::supports(std::string_view format) {
    return format == "rfc3164";
}

const std::string &LogGenerator::pick(const std::vector<std::string> &values) {
    return values[m_random() % values.size()];
}

std::string LogGenerator::address() {
    // A few noisy sources produce most failures, as on a real exposed host.
    const std::uint64_t r = m_random();
    if (r % 10 < 6)
        return "203.0.113." + std::to_string(r % 16 + 1);
    return std::to_string(r % 223 + 1) + "." + std::to_string((r >> 8) % 256) + "." + std::to_string((r >> 16) % 256)
        + "." + std::to_string((r >> 24) % 254 + 1);
}

void LogGenerator::rfc3164Line(std::string &out) {
    if (m_random() % 4 == 0)
        ++m_second;
    const std::time_t now = static_cast<std::time_t>(m_second);
    std::tm local {};
    localtime_r(&now, &local);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%s %2d %02d:%02d:%02d ", kMonths[static_cast<std::size_t>(local.tm_mon)],
        local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
    out += stamp;
    out += pick(m_hosts);
    const std::uint64_t kind = m_random() % 100;
    const std::string pid = std::to_string(1000 + m_random() % 60000);
    const std::string port = std::to_string(1024 + m_random() % 64000);
    if (kind < 40) {
        out += " sshd[" + pid + "]: Failed password for " + pick(m_users) + " from " + address() + " port " + port
            + " ssh2";
    } else if (kind < 52) {
        out += " sshd[" + pid + "]: Failed password for invalid user " + pick(m_users) + " from " + address() + " port "
            + port + " ssh2";
    } else if (kind < 60) {
        out += " sshd[" + pid + "]: Invalid user " + pick(m_users) + " from " + address() + " port " + port;
    } else if (kind < 66) {
        out += " sshd[" + pid + "]: Accepted publickey for " + pick(m_users) + " from " + address() + " port " + port
            + " ssh2: ED25519 SHA256:Jq4mJ5m0pQ2d0mFhY8w2n5dQe1xkqj0b0bV1y1oN4Q8";
    } else if (kind < 70) {
        out += " sshd[" + pid + "]: Connection closed by authenticating user " + pick(m_users) + " " + address()
            + " port " + port + " [preauth]";
    } else if (kind < 76) {
        out += " sudo[" + pid + "]:    " + pick(m_users)
            + " : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx";
    } else if (kind < 86) {
        out += " CRON[" + pid + "]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)";
    } else if (kind < 94) {
        out += " systemd[1]: Started Session " + std::to_string(m_random() % 9000) + " of User " + pick(m_users) + ".";
    } else {
        out += " kernel: [" + std::to_string(m_random() % 900000) + ".123456] [UFW BLOCK] IN=eth0 OUT= SRC=" + address()
            + " DST=10.0.0.5 PROTO=TCP SPT=" + port + " DPT=22";
    }
    out += '\n';
}

void LogGenerator::generate(std::size_t count, std::string &out) {
    for (std::size_t i = 0; i < count; ++i)
        rfc3164Line(out);
}

} // namespace vanopticon::ctl
