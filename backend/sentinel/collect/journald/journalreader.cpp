// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/journald/journalreader.h"

#include "sentinel/collect/journald/utf8text.h"

#include <systemd/sd-journal.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace vanopticon::sentinel {

namespace {

std::string describe(int negativeErrno) {
    return std::strerror(-negativeErrno);
}

} // namespace

JournalReader::JournalReader(sd_journal *journal, int fd)
    : m_journal(journal)
    , m_fd(fd) {
}

JournalReader::~JournalReader() {
    sd_journal_close(m_journal);
}

Result<std::unique_ptr<JournalReader>> JournalReader::open(const std::string &directory) {
    sd_journal *journal = nullptr;
    const int opened = directory.empty() ? sd_journal_open(&journal, SD_JOURNAL_LOCAL_ONLY)
                                         : sd_journal_open_directory(&journal, directory.c_str(), 0);
    if (opened < 0)
        return makeError("cannot open the journal" + (directory.empty() ? std::string() : " in " + directory) + ": "
            + describe(opened));
    // The descriptor is asked for at once: sd-journal sets up its watches then, so files that
    // appear from now on are noticed.
    const int fd = sd_journal_get_fd(journal);
    // Large fields are only wanted up to their bound: spare decompressing the rest.
    sd_journal_set_data_threshold(journal, JournalEntry::kMaxMessageBytes + 64);
    return std::unique_ptr<JournalReader>(new JournalReader(journal, fd < 0 ? -1 : fd));
}

Result<void> JournalReader::setFilters(
    const std::vector<std::string> &units, const std::vector<std::string> &identifiers) {
    sd_journal_flush_matches(m_journal);
    const auto addMatches = [this](std::string_view field, const std::vector<std::string> &values) -> Result<void> {
        // Matches on the same field are alternatives (OR).
        for (const std::string &value : values) {
            const std::string match = std::string(field) + "=" + value;
            if (const int added = sd_journal_add_match(m_journal, match.data(), match.size()); added < 0)
                return makeError("cannot filter on " + match + ": " + describe(added));
        }
        return {};
    };
    if (auto added = addMatches("_SYSTEMD_UNIT", units); !added)
        return added;
    // Matches on different fields would all have to hold; the disjunction makes the two lists
    // alternatives: an entry of one of the units, or of one of the programs.
    if (!units.empty() && !identifiers.empty())
        sd_journal_add_disjunction(m_journal);
    return addMatches("SYSLOG_IDENTIFIER", identifiers);
}

Result<void> JournalReader::seekHead() {
    m_holdCurrent = false;
    if (const int sought = sd_journal_seek_head(m_journal); sought < 0)
        return makeError("cannot seek to the journal's head: " + describe(sought));
    return {};
}

Result<void> JournalReader::seekTail() {
    m_holdCurrent = false;
    if (const int sought = sd_journal_seek_tail(m_journal); sought < 0)
        return makeError("cannot seek to the journal's tail: " + describe(sought));
    // After seek_tail the position is past the end; stepping back onto the newest entry is what
    // makes the next sd_journal_next() return the entry written after it (sd_journal_seek_tail(3)).
    if (const int moved = sd_journal_previous(m_journal); moved < 0)
        return makeError("cannot seek to the journal's tail: " + describe(moved));
    return {};
}

Result<void> JournalReader::seekAfterCursor(const std::string &cursor) {
    m_holdCurrent = false;
    if (const int sought = sd_journal_seek_cursor(m_journal, cursor.c_str()); sought < 0)
        return makeError("cannot seek to the saved cursor: " + describe(sought));
    const int moved = sd_journal_next(m_journal);
    if (moved < 0)
        return makeError("cannot seek to the saved cursor: " + describe(moved));
    if (moved == 0)
        return {}; // nothing at or after the cursor yet
    // On the entry the cursor names: it was delivered, so stay on it and read on from the next.
    // On another (the named one is gone): it was not, so the next read returns it. (Stepping
    // back instead would not work when it is the journal's first entry.)
    m_holdCurrent = sd_journal_test_cursor(m_journal, cursor.c_str()) <= 0;
    return {};
}

JournalChange JournalReader::process() {
    switch (sd_journal_process(m_journal)) {
    case SD_JOURNAL_APPEND:
        return JournalChange::Appended;
    case SD_JOURNAL_INVALIDATE:
        return JournalChange::FilesChanged;
    default:
        return JournalChange::None;
    }
}

Result<bool> JournalReader::next(JournalEntry &entry) {
    const int moved = m_holdCurrent ? 1 : sd_journal_next(m_journal);
    m_holdCurrent = false;
    if (moved < 0)
        return makeError("cannot read the next journal entry: " + describe(moved));
    if (moved == 0)
        return false;
    if (auto read = readEntry(entry); !read)
        return read.error();
    return true;
}

Result<void> JournalReader::readEntry(JournalEntry &entry) {
    entry = JournalEntry {};
    std::uint64_t realtime = 0;
    if (const int got = sd_journal_get_realtime_usec(m_journal, &realtime); got < 0)
        return makeError("cannot read the time of a journal entry: " + describe(got));
    entry.realtimeUs = realtime > std::uint64_t(INT64_MAX / 1000) ? 0 : std::int64_t(realtime);

    struct Wanted {
        std::string_view prefix;
        std::string *buffer;
        std::string_view *view;
        std::size_t maxBytes;
    };
    const Wanted wanted[] = {
        {"MESSAGE=", &m_message, &entry.message, JournalEntry::kMaxMessageBytes},
        {"PRIORITY=", &m_priority, &entry.priority, JournalEntry::kMaxFieldBytes},
        {"_HOSTNAME=", &m_hostname, &entry.hostname, JournalEntry::kMaxFieldBytes},
        {"SYSLOG_IDENTIFIER=", &m_identifier, &entry.syslogIdentifier, JournalEntry::kMaxFieldBytes},
        {"_COMM=", &m_comm, &entry.comm, JournalEntry::kMaxFieldBytes},
        {"_PID=", &m_pid, &entry.pid, JournalEntry::kMaxFieldBytes},
        {"_SYSTEMD_UNIT=", &m_unit, &entry.systemdUnit, JournalEntry::kMaxFieldBytes},
        {"_UID=", &m_uid, &entry.uid, JournalEntry::kMaxFieldBytes},
        {"_EXE=", &m_exe, &entry.exe, JournalEntry::kMaxFieldBytes},
        {"_CMDLINE=", &m_cmdline, &entry.cmdline, JournalEntry::kMaxCommandLineBytes},
    };
    bool seen[std::size(wanted)] = {};

    // One pass over the entry's fields. Each pointer sd-journal hands out is only good until the
    // next field is read (a compressed field is decompressed into a shared buffer): copy.
    const void *data = nullptr;
    std::size_t length = 0;
    sd_journal_restart_data(m_journal);
    int read = 0;
    while ((read = sd_journal_enumerate_available_data(m_journal, &data, &length)) > 0) {
        const std::string_view field(static_cast<const char *>(data), length);
        for (std::size_t i = 0; i < std::size(wanted); ++i) {
            // A field written twice keeps its first value.
            if (seen[i] || !field.starts_with(wanted[i].prefix))
                continue;
            seen[i] = true;
            const std::string_view value = field.substr(wanted[i].prefix.size());
            const std::string_view kept = cutUtf8(value, wanted[i].maxBytes);
            if (kept.size() < value.size())
                ++entry.fieldsCut;
            wanted[i].buffer->assign(kept);
            *wanted[i].view = *wanted[i].buffer;
            break;
        }
    }
    if (read < 0)
        return makeError("cannot read the fields of a journal entry: " + describe(read));
    return {};
}

Result<std::string> JournalReader::cursor() {
    char *text = nullptr;
    if (const int got = sd_journal_get_cursor(m_journal, &text); got < 0)
        return makeError("cannot read the journal cursor: " + describe(got));
    std::string cursor(text);
    free(text);
    return cursor;
}

} // namespace vanopticon::sentinel
