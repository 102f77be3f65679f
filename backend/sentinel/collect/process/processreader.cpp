// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processreader.h"

#include "sentinel/collect/process/procfile.h"

#include <array>
#include <charconv>
#include <climits>
#include <memory>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace vanopticon::sentinel {

namespace {

std::string readLink(const std::string &path) {
    std::array<char, PATH_MAX> target {};
    const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n <= 0)
        return {};
    return std::string(target.data(), std::size_t(n));
}

template<typename T> bool parseInteger(std::string_view text, T &value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

// The next space-separated token of `text` from `pos`.
std::string_view nextToken(std::string_view text, std::size_t &pos) {
    while (pos < text.size() && text[pos] == ' ')
        ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ' ' && text[pos] != '\n')
        ++pos;
    return text.substr(start, pos - start);
}

// A UTF-8 continuation byte (10xxxxxx): cutting before it would split a character.
bool isContinuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

} // namespace

std::optional<ProcessStat> parseProcessStat(std::string_view text) {
    const std::size_t open = text.find(" (");
    const std::size_t close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2)
        return std::nullopt;
    ProcessStat stat;
    if (!parseInteger(text.substr(0, open), stat.pid) || stat.pid <= 0)
        return std::nullopt;
    stat.comm = std::string(text.substr(open + 2, std::min<std::size_t>(close - open - 2, 64)));
    // Fields after the name: state (3), ppid (4), … starttime (22).
    std::size_t pos = close + 1;
    const std::string_view state = nextToken(text, pos);
    if (state.size() != 1)
        return std::nullopt;
    stat.state = state.front();
    if (!parseInteger(nextToken(text, pos), stat.ppid) || stat.ppid < 0)
        return std::nullopt;
    for (int field = 5; field < 22; ++field) {
        if (nextToken(text, pos).empty())
            return std::nullopt;
    }
    if (!parseInteger(nextToken(text, pos), stat.startTicks))
        return std::nullopt;
    return stat;
}

std::optional<std::uint32_t> parseStatusUid(std::string_view text) {
    std::size_t line = 0;
    while (line < text.size()) {
        std::size_t end = text.find('\n', line);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view current = text.substr(line, end - line);
        if (current.substr(0, 4) == "Uid:") {
            std::size_t pos = 4;
            while (pos < current.size() && (current[pos] == '\t' || current[pos] == ' '))
                ++pos;
            std::size_t stop = pos;
            while (stop < current.size() && current[stop] >= '0' && current[stop] <= '9')
                ++stop;
            std::uint32_t uid = 0;
            if (!parseInteger(current.substr(pos, stop - pos), uid))
                return std::nullopt;
            return uid;
        }
        line = end + 1;
    }
    return std::nullopt;
}

bool joinCommandLine(std::string_view raw, std::size_t maxBytes, std::string &out) {
    while (!raw.empty() && raw.back() == '\0')
        raw.remove_suffix(1);
    bool cut = false;
    if (raw.size() > maxBytes) {
        std::size_t end = maxBytes;
        while (end > 0 && isContinuation(raw[end]))
            --end;
        raw = raw.substr(0, end);
        cut = true;
    }
    out.assign(raw);
    for (char &c : out) {
        if (c == '\0')
            c = ' ';
    }
    return cut;
}

ProcessReader::ProcessReader(std::string procRoot, std::size_t maxCommandLineBytes)
    : m_root(std::move(procRoot))
    , m_maxCommandLine(maxCommandLineBytes) {
}

std::string ProcessReader::path(Pid pid, const char *entry) const {
    return m_root + "/" + std::to_string(pid) + "/" + entry;
}

std::optional<ProcessStat> ProcessReader::readStat(Pid pid) const {
    std::string text;
    // A stat line is a few hundred bytes; 1 KB leaves room for the largest counters.
    if (!readProcFile(path(pid, "stat"), 1024, text))
        return std::nullopt;
    auto stat = parseProcessStat(text);
    if (stat && stat->pid != pid)
        return std::nullopt;
    return stat;
}

void ProcessReader::readImage(Pid pid, std::string &image, std::string &commandLine) const {
    image = readLink(path(pid, "exe"));
    std::string raw;
    commandLine.clear();
    // One byte more than kept tells whether it was cut.
    if (readProcFile(path(pid, "cmdline"), m_maxCommandLine + 1, raw))
        joinCommandLine(raw, m_maxCommandLine, commandLine);
}

ProcessInfo ProcessReader::read(Pid pid) const {
    ProcessInfo info;
    info.pid = pid;
    info.stat = readStat(pid);
    if (!info.stat)
        return info;
    info.image = readLink(path(pid, "exe"));
    std::string raw;
    if (readProcFile(path(pid, "cmdline"), m_maxCommandLine + 1, raw))
        info.commandLineTruncated = joinCommandLine(raw, m_maxCommandLine, info.commandLine);
    info.currentDirectory = readLink(path(pid, "cwd"));
    // The Uid line comes within the first few hundred bytes.
    if (readProcFile(path(pid, "status"), 2048, raw))
        info.uid = parseStatusUid(raw);
    return info;
}

bool ProcessReader::listPids(std::vector<Pid> &out) const {
    out.clear();
    const std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(m_root.c_str()), ::closedir);
    if (!dir)
        return false;
    while (const dirent *entry = ::readdir(dir.get())) {
        const std::string_view name(entry->d_name);
        Pid pid = 0;
        if (!name.empty() && name.front() >= '1' && name.front() <= '9' && parseInteger(name, pid) && pid > 0)
            out.push_back(pid);
    }
    return true;
}

} // namespace vanopticon::sentinel
