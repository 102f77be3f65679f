// SPDX-License-Identifier: Apache-2.0
#include "bench/loggenerator.h"

#include <algorithm>
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

namespace {
constexpr std::array<std::string_view, 7> kFormats = {"rfc3164", "rfc5424", "json", "cef", "leef", "keyvalue", "auto"};
}

bool LogGenerator::supports(std::string_view format) {
    return std::find(kFormats.begin(), kFormats.end(), format) != kFormats.end();
}

const std::string &LogGenerator::pick(const std::vector<std::string> &values) {
    return values[m_random() % values.size()];
}

void LogGenerator::setAddressPool(std::size_t size) {
    m_addressPool.clear();
    for (std::size_t i = 0; i < size; ++i)
        m_addressPool.push_back(randomAddress());
}

std::string LogGenerator::address() {
    return m_addressPool.empty() ? randomAddress() : pick(m_addressPool);
}

std::string LogGenerator::randomAddress() {
    // A few noisy sources produce most failures, as on a real exposed host.
    const std::uint64_t r = m_random();
    if (r % 10 < 6)
        return "203.0.113." + std::to_string(r % 16 + 1);
    return std::to_string(r % 223 + 1) + "." + std::to_string((r >> 8) % 256) + "." + std::to_string((r >> 16) % 256)
        + "." + std::to_string((r >> 24) % 254 + 1);
}

void LogGenerator::tick() {
    if (m_wallClock)
        m_second = std::time(nullptr);
    else if (m_random() % kLinesPerSecond == 0)
        ++m_second;
}

void LogGenerator::isoTime(std::string &out) {
    const std::time_t now = static_cast<std::time_t>(m_second);
    std::tm utc {};
    gmtime_r(&now, &utc);
    char stamp[96]; // room for any int the format could be given: GCC checks it
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
        utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(m_random() % 1000));
    out += stamp;
}

void LogGenerator::rfc3164Line(std::string &out) {
    tick();
    const std::time_t now = static_cast<std::time_t>(m_second);
    std::tm local {};
    localtime_r(&now, &local);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%s %2d %02d:%02d:%02d ", kMonths[static_cast<std::size_t>(local.tm_mon)],
        local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
    out += stamp;
    out += pick(m_hosts);
    syslogMessage(out, false);
    out += '\n';
}

void LogGenerator::rfc5424Line(std::string &out) {
    tick();
    out += "<" + std::to_string(m_random() % 2 == 0 ? 38 : 86) + ">1 ";
    isoTime(out);
    out += ' ';
    out += pick(m_hosts);
    syslogMessage(out, true);
    out += '\n';
}

// " app[pid]: message" (RFC 3164), or " app pid - [meta …] message" (RFC 5424).
void LogGenerator::syslogMessage(std::string &out, bool rfc5424) {
    const auto tag = [&](std::string_view app, const std::string &pid) {
        if (!rfc5424)
            return " " + std::string(app) + (pid.empty() ? "" : "[" + pid + "]") + ": ";
        return " " + std::string(app) + " " + (pid.empty() ? "-" : pid) + R"( - [meta sequenceId=")"
            + std::to_string(m_random() % 100000) + R"("] )";
    };
    const std::uint64_t kind = m_random() % 100;
    const std::string pid = std::to_string(1000 + m_random() % 60000);
    const std::string port = std::to_string(1024 + m_random() % 64000);
    if (kind < 40) {
        out += tag("sshd", pid) + "Failed password for " + pick(m_users) + " from " + address() + " port " + port
            + " ssh2";
    } else if (kind < 52) {
        out += tag("sshd", pid) + "Failed password for invalid user " + pick(m_users) + " from " + address() + " port "
            + port + " ssh2";
    } else if (kind < 60) {
        out += tag("sshd", pid) + "Invalid user " + pick(m_users) + " from " + address() + " port " + port;
    } else if (kind < 66) {
        out += tag("sshd", pid) + "Accepted publickey for " + pick(m_users) + " from " + address() + " port " + port
            + " ssh2: ED25519 SHA256:Jq4mJ5m0pQ2d0mFhY8w2n5dQe1xkqj0b0bV1y1oN4Q8";
    } else if (kind < 70) {
        out += tag("sshd", pid) + "Connection closed by authenticating user " + pick(m_users) + " " + address()
            + " port " + port + " [preauth]";
    } else if (kind < 76) {
        out += tag("sudo", pid) + "   " + pick(m_users)
            + " : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx";
    } else if (kind < 86) {
        out += tag("CRON", pid) + "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)";
    } else if (kind < 94) {
        out += tag("systemd", "1") + "Started Session " + std::to_string(m_random() % 9000) + " of User "
            + pick(m_users) + ".";
    } else {
        out += tag("kernel", "") + "[" + std::to_string(m_random() % 900000)
            + ".123456] [UFW BLOCK] IN=eth0 OUT= SRC=" + address() + " DST=10.0.0.5 PROTO=TCP SPT=" + port + " DPT=22";
    }
}

void LogGenerator::jsonLine(std::string &out) {
    tick();
    const std::uint64_t kind = m_random() % 3;
    out += R"({"@timestamp":")";
    isoTime(out);
    out += R"(","host":{"name":")" + pick(m_hosts) + R"("},)";
    if (kind == 0) {
        const std::uint64_t status = m_random() % 10 < 8 ? 200 : 404;
        out += R"("event":{"dataset":"nginx.access","outcome":")" + std::string(status == 200 ? "success" : "failure")
            + R"("},"source":{"ip":")" + address() + R"(","port":)" + std::to_string(1024 + m_random() % 64000)
            + R"(},"http":{"request":{"method":"GET"},"response":{"status_code":)" + std::to_string(status)
            + R"(,"body":{"bytes":)" + std::to_string(m_random() % 50000) + R"(}}},"url":{"path":"/api/v1/items/)"
            + std::to_string(m_random() % 10000)
            + R"("},"user_agent":{"original":"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},"message":"GET request"})";
    } else if (kind == 1) {
        out += R"("log":{"level":")" + std::string(m_random() % 5 == 0 ? "error" : "info")
            + R"("},"service":{"name":"payments"},"user":{"name":")" + pick(m_users) + R"("},"trace":{"id":")"
            + std::to_string(m_random()) + R"("},"message":"charge processed","amount":)"
            + std::to_string(m_random() % 100000) + R"(,"tags":["billing","eu"]})";
    } else {
        out += R"("event":{"category":"authentication","outcome":"failure"},"source":{"ip":")" + address()
            + R"("},"user":{"name":")" + pick(m_users) + R"("},"message":"login failed for user"})";
    }
    out += '\n';
}

void LogGenerator::cefLine(std::string &out) {
    tick();
    const std::uint64_t kind = m_random() % 2;
    const std::string millis = std::to_string(m_second * 1000 + std::int64_t(m_random() % 1000));
    if (kind == 0) {
        out += "CEF:0|Palo Alto Networks|PAN-OS|10.1.0|TRAFFIC|end|3|rt=" + millis + " deviceExternalId=0123456789 "
            + "src=" + address() + " dst=10.0.0." + std::to_string(m_random() % 254 + 1) + " spt="
            + std::to_string(1024 + m_random() % 64000) + " dpt=443 proto=TCP act=allow suser=" + pick(m_users)
            + " cs1Label=Rule cs1=allow-web out=" + std::to_string(m_random() % 100000)
            + " in=" + std::to_string(m_random() % 100000) + " request=https://example.com/path/"
            + std::to_string(m_random() % 1000);
    } else {
        out += "CEF:0|Snort|IDS|2.9|1:2019401:3|ET SCAN Suspicious inbound to SSH port|7|rt=" + millis
            + " src=" + address() + " spt=" + std::to_string(1024 + m_random() % 64000) + " dst=10.0.0.5 dpt=22"
            + " proto=TCP act=alert msg=Potential SSH Scan cs2Label=Classification cs2=Attempted Information Leak";
    }
    out += '\n';
}

void LogGenerator::leefLine(std::string &out) {
    tick();
    out += "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=" + address() + "^dst=10.0.0."
        + std::to_string(m_random() % 254 + 1) + "^srcPort=" + std::to_string(1024 + m_random() % 64000)
        + "^dstPort=443^proto=TCP^usrName=" + pick(m_users) + "^sev=" + std::to_string(m_random() % 10 + 1)
        + "^devTime=" + std::to_string(m_second * 1000) + "^devTimeFormat=epoch^cat=Flow\n";
}

void LogGenerator::keyValueLine(std::string &out) {
    tick();
    out += "date=2026-11-23 time=10:00:00 devname=\"fw-" + pick(m_hosts) + "\" level=notice src=" + address()
        + " srcport=" + std::to_string(1024 + m_random() % 64000) + " dst=10.0.0."
        + std::to_string(m_random() % 254 + 1)
        + " dstport=443 proto=6 action=" + std::string(m_random() % 4 == 0 ? "deny" : "accept") + " user=\""
        + pick(m_users) + "\" msg=\"traffic forwarded\" sentbyte=" + std::to_string(m_random() % 100000) + "\n";
}

void LogGenerator::line(std::string_view format, std::string &out) {
    if (format == "rfc5424")
        rfc5424Line(out);
    else if (format == "json")
        jsonLine(out);
    else if (format == "cef")
        cefLine(out);
    else if (format == "leef")
        leefLine(out);
    else if (format == "keyvalue")
        keyValueLine(out);
    else if (format == "auto")
        line(kFormats[m_random() % (kFormats.size() - 1)], out);
    else
        rfc3164Line(out);
}

void LogGenerator::endNow(std::size_t lines) {
    m_second = std::int64_t(std::time(nullptr)) - std::int64_t(lines / kLinesPerSecond) - 60;
}

void LogGenerator::generate(std::size_t count, std::string &out) {
    for (std::size_t i = 0; i < count; ++i)
        line(m_format, out);
}

} // namespace vanopticon::ctl
