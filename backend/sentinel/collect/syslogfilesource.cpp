// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslogfilesource.h"

#include "sentinel/collect/lineparserstatus.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <filesystem>
#include <glob.h>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

std::string formatPosition(const FilePosition &p) {
    return std::to_string(p.device) + ":" + std::to_string(p.inode) + ":" + std::to_string(p.offset);
}

std::optional<FilePosition> parsePosition(const QString &text) {
    const QStringList parts = text.split(u':');
    if (parts.size() != 3)
        return std::nullopt;
    bool a = false;
    bool b = false;
    bool c = false;
    FilePosition p {parts[0].toULongLong(&a), parts[1].toULongLong(&b), parts[2].toULongLong(&c)};
    if (!a || !b || !c)
        return std::nullopt;
    return p;
}

std::vector<std::string> expandGlob(const std::string &pattern) {
    std::vector<std::string> paths;
    glob_t matches {};
    if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &matches) == 0) {
        for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
            std::error_code error;
            if (std::filesystem::is_regular_file(matches.gl_pathv[i], error))
                paths.emplace_back(matches.gl_pathv[i]);
        }
    }
    ::globfree(&matches);
    return paths;
}

} // namespace

bool SyslogFileSource::isGlob(std::string_view path) {
    return path.find_first_of("*?[") != std::string_view::npos;
}

SyslogFileSource::SyslogFileSource(SourceConfig config, SyslogContext context, QObject *parent)
    : Source("syslog:" + config.path, parent)
    , m_config(std::move(config))
    , m_parser(std::make_unique<LineParser>(m_config.format, std::move(context))) {
    // A glob is looked at again when its directory changes, and every 10 s at the latest
    // (directory notifications are not guaranteed on every filesystem).
    m_rescan.setInterval(std::chrono::seconds(10));
    connect(&m_rescan, &QTimer::timeout, this, &SyslogFileSource::rescan);
    connect(&m_directoryWatcher, &QFileSystemWatcher::directoryChanged, this, &SyslogFileSource::rescan);
}

SyslogFileSource::~SyslogFileSource() = default;

Result<void> SyslogFileSource::resume(std::string_view checkpoint) {
    const QJsonObject saved
        = QJsonDocument::fromJson(QByteArray(checkpoint.data(), qsizetype(checkpoint.size()))).object();
    if (saved.isEmpty() && !checkpoint.empty())
        return makeError(name() + ": unreadable checkpoint");
    for (auto it = saved.begin(); it != saved.end(); ++it) {
        const auto position = parsePosition(it.value().toString());
        if (!position)
            return makeError(name() + ": unreadable checkpoint for " + it.key().toStdString());
        m_resumeAt[it.key().toStdString()] = *position;
        m_positions[it.key().toStdString()] = *position;
    }
    return {};
}

void SyslogFileSource::addFile(const std::string &path) {
    if (m_files.count(path) > 0)
        return;
    SourceConfig config = m_config;
    config.path = path;
    // Files that appear after start are new: read them from their beginning.
    if (m_running && isGlob(m_config.path))
        config.startAt = StartAt::Beginning;
    auto file = std::make_unique<FileSource>(std::move(config));
    file->setMaxChunkLines(deliveryLimit());
    if (const auto it = m_resumeAt.find(path); it != m_resumeAt.end())
        file->resumeFrom(it->second);
    connect(file.get(), &FileSource::linesRead, this, [this, path](const LineChunk &chunk) { onLines(path, chunk); });
    if (m_running)
        file->start();
    m_files.emplace(path, std::move(file));
}

void SyslogFileSource::rescan() {
    if (!isGlob(m_config.path))
        return;
    for (const std::string &path : expandGlob(m_config.path))
        addFile(path);
}

void SyslogFileSource::start() {
    if (isGlob(m_config.path)) {
        const std::string directory = std::filesystem::path(m_config.path).parent_path().string();
        if (!isGlob(directory) && std::filesystem::is_directory(directory))
            m_directoryWatcher.addPath(QString::fromStdString(directory));
        rescan();
        m_rescan.start();
    } else {
        addFile(m_config.path);
    }
    m_running = true;
    for (auto &[path, file] : m_files)
        file->start();
}

void SyslogFileSource::stop() {
    m_running = false;
    m_rescan.stop();
    for (auto &[path, file] : m_files)
        file->stop();
}

void SyslogFileSource::onLines(const std::string &path, const LineChunk &chunk) {
    const SyslogContext now = SyslogContext::fromSystem();
    m_parser->setClock(now.nowNs, now.utcOffsetSeconds);
    Delivery delivery;
    m_counters.in += chunk.size();
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        if (!m_parser->parse(chunk.line(i), delivery.events))
            ++m_counters.errors;
    }
    m_positions[path] = chunk.end();
    delivery.checkpoint = checkpoint();
    deliver(std::move(delivery));
}

std::string SyslogFileSource::checkpoint() const {
    QJsonObject positions;
    for (const auto &[path, position] : m_positions)
        positions.insert(QString::fromStdString(path), QString::fromStdString(formatPosition(position)));
    return QJsonDocument(positions).toJson(QJsonDocument::Compact).toStdString();
}

QJsonObject SyslogFileSource::status() const {
    QJsonObject status = Source::status();
    QJsonArray files;
    for (const auto &[path, file] : m_files) {
        files.append(QJsonObject {{u"path"_s, QString::fromStdString(path)},
            {u"lines"_s, qint64(file->stats().linesRead)}, {u"rotations"_s, qint64(file->stats().rotations)},
            {u"truncations"_s, qint64(file->stats().truncations)}, {u"long_lines"_s, qint64(file->stats().longLines)},
            {u"error"_s, QString::fromStdString(file->lastError())}});
    }
    status.insert(u"files"_s, files);
    status.insert(u"parser"_s, lineParserStatus(*m_parser));
    status.insert(u"parse_errors"_s, qint64(m_parser->stats().failed));
    return status;
}

} // namespace vanopticon::sentinel
