// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/journald/journaldsource.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

Q_LOGGING_CATEGORY(lcJournald, "vanopticon.sentinel.journald")

// What sd-journal writes: "s=<hex>;i=<hex>;b=<hex>;m=<hex>;t=<hex>;x=<hex>". Checked before it is
// handed over, so a damaged checkpoint is reported as such rather than as a seek failure.
bool looksLikeCursor(std::string_view cursor) {
    if (cursor.empty() || cursor.size() > JournaldSource::kMaxCursorBytes)
        return false;
    for (const char c : cursor) {
        const bool allowed = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '='
            || c == ';' || c == '-' || c == '_';
        if (!allowed)
            return false;
    }
    return cursor.find('=') != std::string_view::npos;
}

} // namespace

JournaldSource::JournaldSource(JournaldConfig config, SyslogContext context, QObject *parent)
    : Source(config.sourceName(), parent)
    , m_config(std::move(config))
    , m_context(std::move(context)) {
    m_poll.setInterval(m_config.pollInterval);
    connect(&m_poll, &QTimer::timeout, this, &JournaldSource::onActivity);
    m_more.setSingleShot(true);
    m_more.setInterval(0);
    connect(&m_more, &QTimer::timeout, this, &JournaldSource::readAvailable);
}

JournaldSource::~JournaldSource() = default;

Result<void> JournaldSource::resume(std::string_view checkpoint) {
    if (checkpoint.empty())
        return {};
    if (!looksLikeCursor(checkpoint))
        return makeError(name() + ": unreadable checkpoint (not a journal cursor)");
    m_resumeCursor = std::string(checkpoint);
    return {};
}

void JournaldSource::fail(std::string message) {
    if (message != m_lastError)
        qCWarning(lcJournald, "%s: %s", name().c_str(), message.c_str());
    m_lastError = std::move(message);
}

bool JournaldSource::openJournal() {
    auto reader = JournalReader::open(m_config.directory);
    if (!reader) {
        fail(reader.error().message);
        return false;
    }
    if (auto filtered = (*reader)->setFilters(m_config.units, m_config.identifiers); !filtered) {
        fail(filtered.error().message);
        return false;
    }
    Result<void> positioned;
    if (m_resumeCursor) {
        positioned = (*reader)->seekAfterCursor(*m_resumeCursor);
        if (!positioned)
            qCWarning(lcJournald, "%s: %s; starting at the %s instead", name().c_str(),
                positioned.error().message.c_str(), m_config.startAt == StartAt::End ? "end" : "beginning");
        else
            m_cursor = *m_resumeCursor;
    }
    if (!m_resumeCursor || !positioned)
        positioned = m_config.startAt == StartAt::End ? (*reader)->seekTail() : (*reader)->seekHead();
    if (!positioned) {
        fail(positioned.error().message);
        return false;
    }
    m_reader = std::move(*reader);
    m_lastError.clear();
    if (m_reader->fd() >= 0) {
        m_notifier = std::make_unique<QSocketNotifier>(m_reader->fd(), QSocketNotifier::Read);
        connect(m_notifier.get(), &QSocketNotifier::activated, this, &JournaldSource::onActivity);
    }
    return true;
}

void JournaldSource::start() {
    m_running = true;
    m_poll.start();
    if (!m_reader && !openJournal())
        return; // the poll timer tries again
    if (m_notifier)
        m_notifier->setEnabled(true);
    m_more.start();
}

void JournaldSource::stop() {
    m_running = false;
    m_poll.stop();
    m_more.stop();
    if (m_notifier)
        m_notifier->setEnabled(false);
}

void JournaldSource::onActivity() {
    if (!m_running)
        return;
    if (!m_reader) {
        if (!openJournal())
            return;
        if (m_notifier)
            m_notifier->setEnabled(true);
    }
    m_reader->process(); // also clears the descriptor's readiness
    readAvailable();
}

void JournaldSource::readAvailable() {
    if (!m_running || !m_reader)
        return;
    Delivery delivery;
    JournalEntry entry;
    const int limit = int(std::min<std::size_t>(kMaxEntriesPerRead, deliveryLimit()));
    int read = 0;
    bool more = false;
    while (read < limit) {
        auto next = m_reader->next(entry);
        if (!next) {
            ++m_readErrors;
            ++m_counters.errors;
            fail(next.error().message);
            break;
        }
        if (!*next)
            break;
        ++read;
        ++m_counters.in;
        m_writer.append(entry, m_context.hostName, delivery.events);
        more = read == limit;
    }
    if (read == 0)
        return;
    if (auto cursor = m_reader->cursor(); cursor) {
        m_cursor = std::move(*cursor);
        delivery.checkpoint = m_cursor;
    } else {
        fail(cursor.error().message);
    }
    deliver(std::move(delivery));
    if (more)
        m_more.start();
}

QJsonObject JournaldSource::status() const {
    QJsonObject status = Source::status();
    status.insert(u"journal"_s, m_config.directory.empty() ? u"system"_s : QString::fromStdString(m_config.directory));
    status.insert(u"open"_s, m_reader != nullptr);
    status.insert(u"cursor"_s, QString::fromStdString(m_cursor));
    status.insert(u"error"_s, QString::fromStdString(m_lastError));
    status.insert(u"read_errors"_s, qint64(m_readErrors));
    status.insert(u"auth_events"_s, qint64(m_writer.classifierStats().authEvents));
    status.insert(u"binary_fields"_s, qint64(m_writer.stats().binaryFields));
    status.insert(u"fields_cut"_s, qint64(m_writer.stats().fieldsCut));
    status.insert(u"spoofed_identifiers"_s, qint64(m_writer.stats().spoofedIdentifiers));
    return status;
}

} // namespace vanopticon::sentinel
