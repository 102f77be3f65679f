// SPDX-License-Identifier: Apache-2.0
#include "sentinel/sentinel.h"

#include "sentinel/respond/nftablesfirewall.h"
#include "shared/config/section.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSysInfo>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

struct TransmitSettings {
    QUrl server;
    std::size_t batchSize = 500;
    std::chrono::milliseconds batchTimeout {100};
    TransmitterConfig transmitter;
};

Result<TransmitSettings> parseTransmitterConfig(const config::Section &section) {
    if (auto ok = section.allowOnly({"server", "batch_size", "batch_timeout", "heartbeat_interval", "initial_backoff",
            "max_backoff", "max_pending_batches"});
        !ok)
        return ok.error();
    TransmitSettings settings;
    auto server = section.string("server", "");
    auto batchSize = section.integer("batch_size", 500, 1, 100'000);
    auto batchTimeout = section.duration("batch_timeout", std::chrono::milliseconds(100));
    auto heartbeat = section.duration("heartbeat_interval", std::chrono::seconds(30));
    auto initial = section.duration("initial_backoff", std::chrono::milliseconds(500));
    auto maximum = section.duration("max_backoff", std::chrono::seconds(5));
    auto pending = section.integer("max_pending_batches", 1000, 1, 1'000'000);
    if (!server)
        return server.error();
    if (!batchSize)
        return batchSize.error();
    for (const auto *value : {&batchTimeout, &heartbeat, &initial, &maximum}) {
        if (!*value)
            return value->error();
    }
    if (!pending)
        return pending.error();
    if (!server->empty()) {
        settings.server = QUrl(QString::fromStdString(*server), QUrl::StrictMode);
        if (!settings.server.isValid() || (settings.server.scheme() != u"ws"_s && settings.server.scheme() != u"wss"_s))
            return section.child("server").error("must be ws://HOST:PORT or wss://HOST:PORT");
    }
    if (*initial > *maximum || initial->count() <= 0)
        return section.error("initial_backoff must be positive and at most max_backoff");
    if (heartbeat->count() < 1000)
        return section.child("heartbeat_interval").error("must be at least 1s");
    settings.batchSize = static_cast<std::size_t>(*batchSize);
    settings.batchTimeout = *batchTimeout;
    settings.transmitter.heartbeatInterval = *heartbeat;
    settings.transmitter.initialBackoff = *initial;
    settings.transmitter.maxBackoff = *maximum;
    settings.transmitter.maxPendingBatches = static_cast<std::size_t>(*pending);
    return settings;
}

} // namespace

Result<std::unique_ptr<Sentinel>> Sentinel::create(const SentinelOptions &options) {
    std::unique_ptr<Sentinel> sentinel(new Sentinel);
    if (auto built = sentinel->build(options); !built)
        return built.error();
    return sentinel;
}

Sentinel::~Sentinel() = default;

Result<void> Sentinel::build(const SentinelOptions &options) {
    auto root = config::Section::loadFile(options.configPath.toStdString());
    if (!root)
        return root.error();
    if (auto ok = root->allowOnly({"collector", "enricher", "filter", "respond", "transmitter"}); !ok)
        return ok.error();
    auto sources = parseCollectorConfig(root->child("collector"));
    if (!sources)
        return sources.error();
    if (sources->empty())
        return root->error("collector.sources lists no source: the sentinel would collect nothing");
    const std::string hostname = QSysInfo::machineHostName().toStdString();
    auto enricher = parseEnricherConfig(root->child("enricher"), hostname);
    if (!enricher)
        return enricher.error();
    auto filter = parseFilterConfig(root->child("filter"));
    if (!filter)
        return filter.error();
    auto policy = parseRespondConfig(root->child("respond"));
    if (!policy)
        return policy.error();
    auto transmit = parseTransmitterConfig(root->child("transmitter"));
    if (!transmit)
        return transmit.error();

    m_stateDir = options.stateDir;
    if (!QDir().mkpath(m_stateDir))
        return makeError("cannot create " + m_stateDir.toStdString());
    QFile::setPermissions(m_stateDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto identity = NodeIdentity::load(QString(m_stateDir + u"/identity"_s).toStdString());
    if (!identity)
        return identity.error();
    m_identity.emplace(std::move(*identity));
    auto sequences = SequenceStore::open(QString(m_stateDir + u"/event-sequence"_s).toStdString());
    if (!sequences)
        return sequences.error();
    m_sequences.emplace(std::move(*sequences));

    m_policy = std::move(*policy);
    if (m_policy.enforce) {
        // Enforcement that cannot work should be known at start, not at the first attack.
        auto firewall = NftablesFirewall::create(m_policy.nftables);
        if (!firewall)
            return firewall.error();
        if (auto usable = (*firewall)->check(); !usable)
            return makeError("respond.enforce is on, but nftables cannot be used: " + usable.error().message);
    }

    TransmitterConfig transmitter = transmit->transmitter;
    transmitter.server = options.server.isEmpty() ? transmit->server : options.server;
    if (transmitter.server.isEmpty())
        return root->error("no server: pass --server ws://HOST:PORT or set transmitter.server");
    transmitter.enrollmentToken = options.enrollToken.toStdString();
    transmitter.hostname = hostname;
    transmitter.version = VANOPTICON_VERSION;
    m_transmitter = std::make_unique<Transmitter>(transmitter, *m_identity, *m_sequences);
    m_transmitter->setHeartbeatSource([this] { return heartbeat(); });
    connect(m_transmitter.get(), &Transmitter::acknowledged, this, &Sentinel::onAcknowledged);
    connect(m_transmitter.get(), &Transmitter::ready, this, &Sentinel::onReady);
    connect(m_transmitter.get(), &Transmitter::commandReceived, this, &Sentinel::onCommand);

    m_batchSize = transmit->batchSize;
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(transmit->batchTimeout);
    connect(&m_flushTimer, &QTimer::timeout, this, &Sentinel::flush);

    m_parser = std::make_unique<LineParser>(LineFormat::Rfc3164, SyslogContext::fromSystem());
    m_enricher = std::make_unique<Enricher>(std::move(*enricher));
    m_filter = std::make_unique<EventFilter>(std::move(*filter));
    for (SourceConfig &source : *sources) {
        const std::size_t index = m_sources.size();
        auto fileSource = std::make_unique<FileSource>(std::move(source));
        connect(fileSource.get(), &FileSource::linesRead, this,
            [this, index](const LineChunk &chunk) { onLines(index, chunk); });
        m_sources.push_back(std::move(fileSource));
    }
    loadPositions();
    return {};
}

void Sentinel::start() {
    m_transmitter->start();
    for (const auto &source : m_sources)
        source->start();
}

void Sentinel::onLines(std::size_t source, const LineChunk &chunk) {
    const SyslogContext now = SyslogContext::fromSystem();
    m_parser->setClock(now.nowNs, now.utcOffsetSeconds);
    const std::size_t before = m_batch.events.size();
    for (std::size_t i = 0; i < chunk.size(); ++i)
        m_parser->parse(chunk.line(i), m_batch.events);
    m_eventsCollected += m_batch.events.size() - before;
    m_batch.positions[source] = chunk.end();
    if (m_batch.events.size() >= m_batchSize)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void Sentinel::flush() {
    m_flushTimer.stop();
    if (m_batch.positions.empty())
        return;
    if (!m_transmitter->canAccept()) {
        pauseSources(true); // resumes when the server acknowledges; the batch waits here
        return;
    }
    m_enricher->process(m_batch.events);
    m_filter->process(m_batch.events);
    if (m_batch.events.empty()) {
        // Everything was filtered out: nothing to deliver, the positions are safe to keep.
        for (const auto &[source, position] : m_batch.positions)
            m_committed[source] = position;
        (void)savePositions();
    } else {
        auto sequence = m_transmitter->send(m_batch.events);
        if (!sequence) {
            ++m_sendFailures;
            qWarning(
                "sentinel: could not queue %zu events: %s", m_batch.events.size(), sequence.error().message.c_str());
            pauseSources(true);
            return;
        }
        m_eventsSent += m_batch.events.size();
        m_inFlight.push_back(InFlight {*sequence, std::move(m_batch.positions)});
    }
    m_batch = Batch();
}

void Sentinel::onAcknowledged(quint64 batchSequence) {
    bool advanced = false;
    while (!m_inFlight.empty() && m_inFlight.front().sequence <= batchSequence) {
        for (const auto &[source, position] : m_inFlight.front().positions)
            m_committed[source] = position;
        m_inFlight.pop_front();
        advanced = true;
    }
    if (advanced) {
        if (auto saved = savePositions(); !saved)
            qWarning("sentinel: %s", saved.error().message.c_str());
    }
    if (m_paused && m_transmitter->canAccept()) {
        pauseSources(false);
        flush();
    }
}

void Sentinel::pauseSources(bool paused) {
    if (m_paused == paused)
        return;
    m_paused = paused;
    for (const auto &source : m_sources) {
        if (paused)
            source->stop();
        else
            source->start();
    }
}

void Sentinel::onReady(const QString &nodeId) {
    if (!m_responder) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        auto nonces = NonceStore::open(QString(m_stateDir + u"/respond"_s).toStdString(), now);
        auto firewall = NftablesFirewall::create(m_policy.nftables);
        if (!nonces || !firewall) {
            qCritical("sentinel: cannot respond to commands: %s",
                (!nonces ? nonces.error() : firewall.error()).message.c_str());
        } else {
            m_responder = std::make_unique<Responder>(m_policy, m_identity->serverPublicKey(), m_identity->nodeId(),
                std::move(*nonces), std::move(*firewall), systemUnixMillis);
        }
    }
    Q_EMIT ready(nodeId);
}

void Sentinel::onCommand(const v1::SignedCommand &command) {
    if (!m_responder)
        return;
    const v1::CommandResult result = m_responder->handle(command);
    qInfo("sentinel: command %s: %s", result.command_id().c_str(), result.detail().c_str());
    m_transmitter->sendCommandResult(result);
}

void Sentinel::loadPositions() {
    QFile file(m_stateDir + u"/positions.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return; // first start: each source begins where its config says
    const QJsonArray saved = QJsonDocument::fromJson(file.read(1 << 20)).object().value(u"sources"_s).toArray();
    for (std::size_t i = 0; i < m_sources.size(); ++i) {
        for (const QJsonValue &value : saved) {
            const QJsonObject entry = value.toObject();
            if (entry.value(u"path"_s).toString().toStdString() != m_sources[i]->config().path)
                continue;
            FilePosition position {entry.value(u"device"_s).toString().toULongLong(),
                entry.value(u"inode"_s).toString().toULongLong(), entry.value(u"offset"_s).toString().toULongLong()};
            m_sources[i]->resumeFrom(position);
            m_committed[i] = position;
        }
    }
}

Result<void> Sentinel::savePositions() {
    QJsonArray sources;
    for (const auto &[index, position] : m_committed) {
        // As strings: JSON numbers lose precision above 2^53, and inodes can be that large.
        sources.append(QJsonObject {{u"path"_s, QString::fromStdString(m_sources[index]->config().path)},
            {u"device"_s, QString::number(position.device)}, {u"inode"_s, QString::number(position.inode)},
            {u"offset"_s, QString::number(position.offset)}});
    }
    const QByteArray json = QJsonDocument(QJsonObject {{u"sources"_s, sources}}).toJson();
    return writeFileAtomically(QString(m_stateDir + u"/positions.json"_s).toStdString(), json.toStdString());
}

v1::Heartbeat Sentinel::heartbeat() const {
    v1::Heartbeat heartbeat;
    heartbeat.set_events_collected(m_eventsCollected);
    heartbeat.set_events_sent(m_eventsSent);
    heartbeat.set_parse_errors(m_parser->stats().failed);
    return heartbeat;
}

QJsonObject Sentinel::status() const {
    QJsonArray sources;
    for (const auto &source : m_sources) {
        sources.append(QJsonObject {{u"path"_s, QString::fromStdString(source->config().path)},
            {u"lines"_s, qint64(source->stats().linesRead)}, {u"rotations"_s, qint64(source->stats().rotations)},
            {u"truncations"_s, qint64(source->stats().truncations)},
            {u"error"_s, QString::fromStdString(source->lastError())}});
    }
    return QJsonObject {{u"connected"_s, connected()}, {u"node_id"_s, nodeId()},
        {u"events_collected"_s, qint64(m_eventsCollected)}, {u"events_sent"_s, qint64(m_eventsSent)},
        {u"events_filtered"_s, qint64(m_filter->counters().dropped)},
        {u"parse_errors"_s, qint64(m_parser->stats().failed)},
        {u"unacked_batches"_s, qint64(m_transmitter->pendingBatches())}, {u"send_failures"_s, qint64(m_sendFailures)},
        {u"sources"_s, sources}};
}

} // namespace vanopticon::sentinel
