// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxsource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <algorithm>
#include <charconv>
#include <glob.h>
#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

Q_LOGGING_CATEGORY(lcEvtx, "vanopticon.sentinel.evtx")

bool isGlob(std::string_view path) {
    return path.find_first_of("*?[") != std::string_view::npos;
}

std::vector<std::string> expand(const std::string &pattern, std::size_t maxFiles) {
    if (!isGlob(pattern))
        return {pattern};
    std::vector<std::string> paths;
    glob_t matches {};
    if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0) { // sorted by name
        for (std::size_t i = 0; i < matches.gl_pathc && paths.size() < maxFiles; ++i) {
            struct stat info { };
            if (::stat(matches.gl_pathv[i], &info) == 0 && S_ISREG(info.st_mode))
                paths.emplace_back(matches.gl_pathv[i]);
        }
    }
    ::globfree(&matches);
    return paths;
}

template<typename T> bool readNumber(std::string_view text, T &value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

} // namespace

EvtxSource::EvtxSource(EvtxConfig config, SyslogContext context, QObject *parent)
    : Source("evtx:" + config.path, parent)
    , m_config(std::move(config))
    , m_importer(std::move(context), EvtxImportOptions {m_config.includeRecovered}) {
    m_step.setInterval(0);
    connect(&m_step, &QTimer::timeout, this, &EvtxSource::step);
}

EvtxSource::~EvtxSource() = default;

Result<void> EvtxSource::resume(std::string_view checkpoint) {
    if (checkpoint.empty())
        return {};
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(checkpoint.data(), qsizetype(checkpoint.size())));
    if (!document.isObject())
        return makeError(name() + ": unreadable checkpoint");
    const QJsonObject saved = document.object();
    std::map<std::string, Position> positions;
    for (auto it = saved.begin(); it != saved.end(); ++it) {
        const QStringList parts = it.value().toString().split(u':');
        Position position;
        const auto part = [&parts](int i) {
            const QByteArray text = parts[i].toLatin1();
            return std::string(text.constData(), std::size_t(text.size()));
        };
        if (parts.size() != 5 || !readNumber(part(0), position.device) || !readNumber(part(1), position.inode)
            || !readNumber(part(2), position.size) || !readNumber(part(3), position.mtimeNs)
            || !readNumber(part(4), position.next) || position.next < 0)
            return makeError(name() + ": unreadable checkpoint for " + it.key().toStdString());
        positions[it.key().toStdString()] = position;
    }
    m_positions = std::move(positions);
    return {};
}

void EvtxSource::start() {
    if (!m_started) {
        m_started = true;
        const std::vector<std::string> paths = expand(m_config.path, kMaxFiles);
        m_queue.assign(paths.begin(), paths.end());
        m_filesFound = paths.size();
        if (paths.empty())
            m_fileErrors.push_back("no file matches " + m_config.path);
    }
    m_running = true;
    m_step.start();
}

void EvtxSource::stop() {
    m_running = false;
    m_step.stop();
}

bool EvtxSource::openNext() {
    while (!m_queue.empty()) {
        const std::string path = std::move(m_queue.front());
        m_queue.pop_front();
        struct stat info { };
        Result<void> opened = makeError("cannot open " + path + ": no such file");
        Position position;
        if (::stat(path.c_str(), &info) == 0) {
            position.device = info.st_dev;
            position.inode = info.st_ino;
            position.size = std::uint64_t(info.st_size);
            position.mtimeNs = std::int64_t(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
            // Resume only the very file the checkpoint names: another file under the old name (an
            // inode is soon reused), or the same file changed since, is read from its beginning.
            if (const auto it = m_positions.find(path); it != m_positions.end() && it->second.sameFile(position))
                position.next = it->second.next;
            opened = m_importer.open(path, position.next);
        }
        if (opened) {
            m_current = path;
            m_positions[path] = position;
            return true;
        }
        ++m_counters.errors;
        ++m_filesDone;
        qCWarning(lcEvtx, "%s: %s", name().c_str(), opened.error().message.c_str());
        if (m_fileErrors.size() == kMaxRecentFileErrors)
            m_fileErrors.pop_front();
        m_fileErrors.push_back(opened.error().message);
    }
    return false;
}

void EvtxSource::step() {
    if (!m_running)
        return;
    if (!m_importer.isOpen() && !openNext()) {
        m_step.stop(); // everything is read
        return;
    }
    const EvtxImportStats before = m_importer.stats();
    Delivery delivery;
    const bool finished
        = m_importer.readSome(delivery.events, int(std::min<std::size_t>(kRecordsPerStep, deliveryLimit())));
    const EvtxImportStats &after = m_importer.stats();
    m_counters.in += after.records - before.records;
    m_counters.errors += after.failed - before.failed;
    m_positions[m_current].next = m_importer.position();
    if (finished) {
        ++m_filesDone;
        m_importer.close();
        m_current.clear();
    }
    delivery.checkpoint = checkpoint();
    deliver(std::move(delivery));
}

std::string EvtxSource::checkpoint() const {
    QJsonObject positions;
    for (const auto &[path, p] : m_positions) {
        positions.insert(QString::fromStdString(path),
            QString::fromStdString(std::to_string(p.device) + ":" + std::to_string(p.inode) + ":"
                + std::to_string(p.size) + ":" + std::to_string(p.mtimeNs) + ":" + std::to_string(p.next)));
    }
    return QJsonDocument(positions).toJson(QJsonDocument::Compact).toStdString();
}

QJsonObject EvtxSource::status() const {
    QJsonObject status = Source::status();
    const EvtxImportStats &stats = m_importer.stats();
    const EvtxFieldStats &fields = m_importer.fieldStats();
    status.insert(u"files_found"_s, qint64(m_filesFound));
    status.insert(u"files_done"_s, qint64(m_filesDone));
    status.insert(u"current_file"_s, QString::fromStdString(m_current));
    status.insert(u"finished"_s, isFinished());
    status.insert(u"records"_s, qint64(stats.records));
    status.insert(u"events"_s, qint64(stats.events));
    status.insert(u"failed_records"_s, qint64(stats.failed));
    status.insert(u"unreadable_files"_s, qint64(stats.unreadableFiles));
    status.insert(u"recovered_not_read"_s, qint64(stats.recoveredNotRead));
    status.insert(u"fields_dropped"_s, qint64(fields.unacceptableNames + fields.namesRefused + fields.itemsOmitted));
    status.insert(u"values_cut"_s, qint64(fields.valuesCut));
    QJsonArray failures;
    const auto &recent = m_importer.recentFailures();
    for (auto it = recent.size() > 10 ? recent.end() - 10 : recent.begin(); it != recent.end(); ++it) {
        failures.append(QJsonObject {{u"path"_s, QString::fromStdString(it->path)}, {u"index"_s, it->index},
            {u"record"_s, qint64(it->recordNumber)}, {u"recovered"_s, it->recovered},
            {u"reason"_s, QString::fromStdString(it->reason)}});
    }
    status.insert(u"recent_failures"_s, failures);
    QJsonArray fileErrors;
    for (const std::string &error : m_fileErrors)
        fileErrors.append(QString::fromStdString(error));
    status.insert(u"file_errors"_s, fileErrors);
    return status;
}

} // namespace vanopticon::sentinel
