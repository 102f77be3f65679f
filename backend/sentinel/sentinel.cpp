// SPDX-License-Identifier: Apache-2.0
#include "sentinel/sentinel.h"

#include "sentinel/buffer/bufferconfig.h"
#include "sentinel/collect/sourcefactory.h"
#include "sentinel/enrich/enricherstatus.h"
#include "sentinel/respond/nftablesfirewall.h"
#include "shared/config/section.h"
#include "shared/tls/tlsfiles.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslSocket>
#include <QSysInfo>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

struct TransmitSettings {
    QUrl server;
    std::size_t batchSize = 500;
    std::chrono::milliseconds batchTimeout {100};
    TransmitterConfig transmitter;
};

Result<QUrl> parseServerUrl(const config::Section &at, const std::string &text) {
    QUrl url(QString::fromStdString(text), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"ws"_s && url.scheme() != u"wss"_s) || url.host().isEmpty())
        return at.error("must be ws://HOST:PORT or wss://HOST:PORT");
    return url;
}

// `endpoints:` — a list of {url, weight}.
Result<std::vector<Endpoint>> parseEndpoints(const config::Section &section) {
    auto entries = section.elements();
    if (!entries)
        return entries.error();
    if (entries->empty())
        return section.error("lists no endpoint");
    std::vector<Endpoint> endpoints;
    for (const config::Section &entry : *entries) {
        if (auto ok = entry.allowOnly({"url", "weight"}); !ok)
            return ok.error();
        auto text = entry.requireString("url");
        if (!text)
            return text.error();
        auto url = parseServerUrl(entry.child("url"), *text);
        if (!url)
            return url.error();
        auto weight = entry.integer("weight", 1, 1, 1000);
        if (!weight)
            return weight.error();
        endpoints.push_back(Endpoint {*url, unsigned(*weight)});
    }
    return endpoints;
}

// `tls:` — ca (the CAs the server's certificate must chain to, instead of the system's), and a
// client certificate with its key for servers that ask for one.
Result<QSslConfiguration> parseTransmitterTls(const config::Section &tls) {
    if (!tls.isMap())
        return tls.error("expected a mapping with ca, certificate and private_key");
    if (auto known = tls.allowOnly({"ca", "certificate", "private_key"}); !known)
        return known.error();
    if (!QSslSocket::supportsSsl())
        return tls.error("TLS is not available: Qt has no TLS backend here");
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (tls.has("ca")) {
        std::string path;
        auto cas = tls::readCertificates(tls, "ca", path);
        if (!cas)
            return cas.error();
        ssl.setCaCertificates(*cas);
    }
    if (tls.has("certificate") || tls.has("private_key")) {
        auto identity = tls::readTlsIdentity(tls);
        if (!identity)
            return identity.error();
        ssl.setLocalCertificateChain(identity->certificateChain);
        ssl.setPrivateKey(identity->privateKey);
    }
    return ssl;
}

Result<TransmitSettings> parseTransmitterConfig(const config::Section &section) {
    if (auto ok = section.allowOnly({"server", "endpoints", "tls", "batch_size", "batch_timeout", "heartbeat_interval",
            "initial_backoff", "max_backoff", "max_attempts", "max_pending_batches", "compression_level"});
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
    auto attempts = section.integer("max_attempts", 3, 1, 1000);
    auto level = section.integer(
        "compression_level", wire::kDefaultCompressionLevel, wire::kMinCompressionLevel, wire::kMaxCompressionLevel);
    if (!server)
        return server.error();
    if (!attempts)
        return attempts.error();
    if (!level)
        return level.error();
    if (!batchSize)
        return batchSize.error();
    for (const auto *value : {&batchTimeout, &heartbeat, &initial, &maximum}) {
        if (!*value)
            return value->error();
    }
    if (!pending)
        return pending.error();
    if (!server->empty()) {
        auto url = parseServerUrl(section.child("server"), *server);
        if (!url)
            return url.error();
        settings.server = *url;
    }
    if (section.has("endpoints")) {
        if (!server->empty())
            return section.error("set either server or endpoints, not both");
        auto endpoints = parseEndpoints(section.child("endpoints"));
        if (!endpoints)
            return endpoints.error();
        settings.transmitter.endpoints = std::move(*endpoints);
    }
    settings.transmitter.maxAttempts = int(*attempts);
    if (section.has("tls")) {
        auto tls = parseTransmitterTls(section.child("tls"));
        if (!tls)
            return tls.error();
        settings.transmitter.tls = std::move(*tls);
        const auto plain = [](const QUrl &url) { return url.scheme() != u"wss"_s; };
        if ((!settings.server.isEmpty() && plain(settings.server))
            || std::any_of(settings.transmitter.endpoints.begin(), settings.transmitter.endpoints.end(),
                [&](const Endpoint &endpoint) { return plain(endpoint.url); }))
            return section.child("tls").error("applies to wss:// servers only; the server or an endpoint is ws://");
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
    settings.transmitter.compressionLevel = int(*level);
    return settings;
}

} // namespace

Result<std::unique_ptr<buffer::DiskBuffer>> Sentinel::openBuffer(const buffer::BufferSettings &settings) {
    buffer::DiskBufferOptions options;
    options.directory = QDir(m_stateDir).filePath(QString::fromStdString(settings.path)).toStdString();
    options.maxBytes = settings.maxBytes;
    options.maxAge = settings.maxAge;
    options.recoveredNote
        = [this](std::uint64_t batch, std::string_view note) { applyRecoveredCheckpoints(batch, note); };
    auto opened = buffer::DiskBuffer::open(options);
    if (!opened)
        return opened.error();
    const buffer::DiskBuffer::Recovery &recovery = (*opened)->recovery();
    for (const std::string &problem : recovery.problems)
        qWarning("sentinel: buffer recovery: %s", problem.c_str());
    if (recovery.records > 0)
        qInfo("sentinel: the buffer holds %zu batches (%llu events, %.1f MB) from before; recovered in %.3f s",
            recovery.records, static_cast<unsigned long long>(recovery.events), double(recovery.bytes) / 1e6,
            recovery.seconds);
    return opened;
}

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
    if (auto ok = root->allowOnly({"collector", "enricher", "filter", "respond", "buffer", "transmitter"}); !ok)
        return ok.error();
    auto sources = createSources(root->child("collector"), SyslogContext::fromSystem());
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
    auto bufferSettings = buffer::parseBufferConfig(root->child("buffer"));
    if (!bufferSettings)
        return bufferSettings.error();

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
    if (!options.server.isEmpty()) {
        transmitter.endpoints.clear(); // the command line names the one server
        if (transmitter.tls && options.server.scheme() != u"wss"_s)
            return root->child("transmitter").error("tls is set, but --server names a ws:// server");
    }
    if (!options.serverCertificateChain.isEmpty()) {
        QSslConfiguration ssl = transmitter.tls.value_or(QSslConfiguration::defaultConfiguration());
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        ssl.addCaCertificates(options.serverCertificateChain);
        transmitter.tls = ssl;
        transmitter.ignoredSslErrors = {QSslError(QSslError::HostNameMismatch, options.serverCertificateChain.first())};
    }
    if (options.serverRequiresClientCertificate && (!transmitter.tls || transmitter.tls->localCertificate().isNull()))
        return root->child("transmitter")
            .error("the server requires a client certificate (server.tls.require_client_certificate): "
                   "set tls.certificate and tls.private_key");
    if (transmitter.server.isEmpty() && transmitter.endpoints.empty())
        return root->error("no server: pass --server ws://HOST:PORT or set transmitter.server or endpoints");
    transmitter.enrollmentToken = options.enrollToken.toStdString();
    transmitter.hostname = hostname;
    transmitter.version = VANOPTICON_VERSION;
    transmitter.syncInterval = bufferSettings->syncInterval;
    transmitter.highWatermark = bufferSettings->highWatermark;
    transmitter.lowWatermark = bufferSettings->lowWatermark;
    m_transmitter = std::make_unique<Transmitter>(transmitter, *m_identity, *m_sequences);
    readCheckpointFile();
    if (bufferSettings->type == buffer::BufferSettings::Type::Disk) {
        auto diskBuffer = openBuffer(*bufferSettings);
        if (!diskBuffer)
            return diskBuffer.error();
        if (m_recoveredCheckpoints) {
            // Batches synced after checkpoints.json was last written: their checkpoints were
            // taken from the buffer; write them down before the records can go.
            m_committedBatch = std::max(m_committedBatch, (*diskBuffer)->lastId());
            if (auto saved = saveCheckpoints(); !saved)
                return saved.error();
        }
        m_transmitter->setBuffer(std::move(*diskBuffer));
    }
    m_transmitter->setHeartbeatSource([this] { return heartbeat(); });
    connect(m_transmitter.get(), &Transmitter::acknowledged, this, &Sentinel::onAcknowledged);
    connect(m_transmitter.get(), &Transmitter::durable, this, [this] { onAcknowledged(0); });
    connect(m_transmitter.get(), &Transmitter::accepting, this, &Sentinel::resumeIfAccepting);
    connect(m_transmitter.get(), &Transmitter::ready, this, &Sentinel::onReady);
    connect(m_transmitter.get(), &Transmitter::commandReceived, this, &Sentinel::onCommand);

    m_batchSize = transmit->batchSize;
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(transmit->batchTimeout);
    connect(&m_flushTimer, &QTimer::timeout, this, &Sentinel::flush);

    auto enrich = Enricher::create(std::move(*enricher));
    if (!enrich)
        return enrich.error();
    m_enricher = std::move(*enrich);
    if (ThreatIntelStep *threatIntel = m_enricher->threatIntel()) {
        m_threatIntelRefresher = std::make_unique<ThreatIntelRefresher>(*threatIntel);
        m_threatIntelRefresher->start();
    }
    m_filter = std::make_unique<EventFilter>(std::move(*filter));
    m_sources = std::move(*sources);
    for (const auto &source : m_sources) {
        Source *raw = source.get();
        source->setSink([this, raw](Delivery &&delivery) { onDelivery(*raw, std::move(delivery)); });
        source->setDeliveryLimit(m_batchSize);
    }
    resumeSources();
    return {};
}

void Sentinel::start() {
    m_transmitter->start();
    for (const auto &source : m_sources)
        source->start();
}

void Sentinel::onDelivery(const Source &source, Delivery &&delivery) {
    m_eventsCollected += delivery.events.size();
    if (delivery.events.empty() && !delivery.checkpoint)
        return;
    if (m_batch.deliveries.empty())
        m_batch.collectedMs = QDateTime::currentMSecsSinceEpoch();
    m_batch.events += delivery.events.size();
    if (m_batch.processed)
        process(delivery.events); // joins a batch already enriched and filtered
    m_batch.deliveries.push_back(std::move(delivery.events));
    m_batch.checkpoints.emplace_back(source.name(), std::move(delivery.checkpoint));
    if (m_batch.events >= m_batchSize)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void Sentinel::process(EventBatch &events) {
    m_enricher->process(events);
    m_filter->process(events);
}

void Sentinel::flush() {
    m_flushTimer.stop();
    if (m_batch.deliveries.empty())
        return;
    if (!m_batch.processed) {
        // Once, even when sending has to wait: a retry must not enrich twice.
        for (EventBatch &events : m_batch.deliveries)
            process(events);
        m_batch.processed = true;
    }
    while (m_batch.next < m_batch.deliveries.size()) {
        if (!sendChunk())
            return; // held back; flushed again when the transmitter accepts
    }
    // Checkpoints of deliveries the filter emptied at the end: safe once what was sent before is.
    if (!m_batch.carried.empty())
        m_inFlight.push_back(InFlight {m_lastSequence, std::move(m_batch.carried)});
    m_batch = Batch();
    onAcknowledged(0);
}

namespace {

std::string encodeCheckpoints(const std::map<std::string, std::string> &checkpoints) {
    if (checkpoints.empty())
        return {};
    QJsonObject object;
    for (const auto &[name, checkpoint] : checkpoints)
        object.insert(QString::fromStdString(name), QString::fromStdString(checkpoint));
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

// One wire batch from m_batch: whole deliveries while they fit in batch_size events, else the
// next batch_size events of a larger one (a source that ignores its delivery limit). It carries
// the checkpoints of the deliveries it completes. False when the transmitter cannot take it.
bool Sentinel::sendChunk() {
    if (!m_transmitter->canAccept()) {
        pauseSources(true); // resumes when the buffer drains or the server acknowledges
        return false;
    }
    Checkpoints completed = m_batch.carried;
    const auto complete = [&](std::size_t index) {
        const auto &[name, checkpoint] = m_batch.checkpoints[index];
        if (checkpoint)
            completed[name] = *checkpoint;
    };
    const EventBatch &front = m_batch.deliveries[m_batch.next];
    std::size_t count = 0;
    std::size_t end = m_batch.next;
    std::size_t offset = 0;
    EventBatch slice;
    std::span<const EventBatch> chunk;
    if (m_batch.offset == 0 && front.size() <= m_batchSize) {
        while (end < m_batch.deliveries.size() && count + m_batch.deliveries[end].size() <= m_batchSize) {
            count += m_batch.deliveries[end].size();
            complete(end++);
        }
        chunk = std::span<const EventBatch>(&front, end - m_batch.next);
    } else {
        const std::size_t sliceEnd = std::min(front.size(), m_batch.offset + m_batchSize);
        for (std::size_t i = m_batch.offset; i < sliceEnd; ++i)
            slice.copyFrom(front.events()[i]);
        count = sliceEnd - m_batch.offset;
        if (sliceEnd == front.size())
            complete(m_batch.next);
        end = sliceEnd == front.size() ? m_batch.next + 1 : m_batch.next;
        offset = sliceEnd == front.size() ? 0 : sliceEnd;
        chunk = std::span<const EventBatch>(&slice, 1);
    }
    if (count == 0) {
        // All left empty by the filter: their checkpoints go with the next wire batch.
        m_batch.carried = std::move(completed);
        m_batch.next = end;
        return true;
    }
    auto sequence = m_transmitter->send(chunk, encodeCheckpoints(completed), m_batch.collectedMs);
    if (!sequence) {
        ++m_sendFailures;
        qWarning("sentinel: could not queue %zu events: %s", count, sequence.error().message.c_str());
        pauseSources(true);
        // A full or failing disk gets better by itself or not at all: try again in a while.
        QTimer::singleShot(std::chrono::seconds(1), this, &Sentinel::resumeIfAccepting);
        return false;
    }
    m_eventsSent += count;
    m_lastSequence = *sequence;
    m_batch.carried.clear();
    if (!completed.empty())
        m_inFlight.push_back(InFlight {*sequence, std::move(completed)});
    m_batch.next = end;
    m_batch.offset = offset;
    return true;
}

void Sentinel::resumeIfAccepting() {
    if (m_paused && m_transmitter->canAccept()) {
        pauseSources(false);
        flush();
    }
}

// Batches up to `batchSequence` are stored by the server (0: something else changed, such as a
// sync of the buffer). Checkpoints move as far as batches are safe, durable or stored.
void Sentinel::onAcknowledged(quint64 batchSequence) {
    m_lastAcknowledged = std::max<std::uint64_t>(m_lastAcknowledged, batchSequence);
    commitThrough(std::max(m_lastAcknowledged, m_transmitter->durableThrough()));
    if (batchSequence > 0)
        resumeIfAccepting();
}

void Sentinel::commitThrough(std::uint64_t batchSequence) {
    bool advanced = false;
    while (!m_inFlight.empty() && m_inFlight.front().sequence <= batchSequence) {
        for (auto &[name, checkpoint] : m_inFlight.front().checkpoints)
            m_committed[name] = std::move(checkpoint);
        m_committedBatch = std::max(m_committedBatch, m_inFlight.front().sequence);
        m_inFlight.pop_front();
        advanced = true;
    }
    if (advanced) {
        if (auto saved = saveCheckpoints(); !saved)
            qWarning("sentinel: %s", saved.error().message.c_str());
    }
}

void Sentinel::pauseSources(bool paused) {
    if (m_paused == paused)
        return;
    m_paused = paused;
    for (const auto &source : m_sources) {
        if (!source->canPause()) {
            source->setBackedUp(paused); // it keeps reading; what the pipeline cannot take it drops and counts
            continue;
        }
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

// checkpoints.json: {"batch": N, "sources": {name: checkpoint}}, current up to batch N (an
// older flat {name: checkpoint} is read as batch 0).
void Sentinel::readCheckpointFile() {
    QFile file(m_stateDir + u"/checkpoints.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return; // first start: each source begins where its configuration says
    const QJsonObject saved = QJsonDocument::fromJson(file.read(16 << 20)).object();
    const bool current = saved.value(u"sources"_s).isObject();
    const QJsonObject sources = current ? saved.value(u"sources"_s).toObject() : saved;
    for (auto it = sources.begin(); it != sources.end(); ++it) {
        if (it.value().isString())
            m_committed[it.key().toStdString()] = it.value().toString().toStdString();
    }
    if (current)
        m_committedBatch = std::uint64_t(std::max<qint64>(0, saved.value(u"batch"_s).toInteger()));
}

// A record the buffer recovered: its checkpoints are newer than the file's if its batch is.
void Sentinel::applyRecoveredCheckpoints(std::uint64_t batch, std::string_view note) {
    if (batch <= m_committedBatch)
        return;
    const QJsonObject checkpoints = QJsonDocument::fromJson(QByteArray(note.data(), qsizetype(note.size()))).object();
    for (auto it = checkpoints.begin(); it != checkpoints.end(); ++it) {
        if (it.value().isString()) {
            m_committed[it.key().toStdString()] = it.value().toString().toStdString();
            m_recoveredCheckpoints = true;
        }
    }
}

void Sentinel::resumeSources() {
    for (const auto &source : m_sources) {
        const auto it = m_committed.find(source->name());
        if (it == m_committed.end())
            continue;
        if (auto resumed = source->resume(it->second); !resumed) {
            qWarning("sentinel: %s; starting this source afresh", resumed.error().message.c_str());
            m_committed.erase(it);
        }
    }
}

Result<void> Sentinel::saveCheckpoints() {
    QJsonObject sources;
    for (const auto &[name, checkpoint] : m_committed)
        sources.insert(QString::fromStdString(name), QString::fromStdString(checkpoint));
    const QJsonObject saved {{u"batch"_s, qint64(m_committedBatch)}, {u"sources"_s, sources}};
    return writeFileAtomically(
        QString(m_stateDir + u"/checkpoints.json"_s).toStdString(), QJsonDocument(saved).toJson().toStdString());
}

v1::Heartbeat Sentinel::heartbeat() const {
    v1::Heartbeat heartbeat;
    heartbeat.set_events_collected(m_eventsCollected);
    heartbeat.set_events_sent(m_eventsSent);
    std::uint64_t errors = 0;
    for (const auto &source : m_sources)
        errors += source->counters().errors;
    heartbeat.set_parse_errors(errors);
    return heartbeat;
}

QJsonObject Sentinel::status() const {
    QJsonArray sources;
    std::uint64_t errors = 0;
    for (const auto &source : m_sources) {
        sources.append(source->status());
        errors += source->counters().errors;
    }
    return QJsonObject {{u"connected"_s, connected()}, {u"node_id"_s, nodeId()},
        {u"events_collected"_s, qint64(m_eventsCollected)}, {u"events_sent"_s, qint64(m_eventsSent)},
        {u"events_filtered"_s, qint64(m_filter->counters().dropped)}, {u"source_errors"_s, qint64(errors)},
        {u"unacked_batches"_s, qint64(m_transmitter->pendingBatches())}, {u"send_failures"_s, qint64(m_sendFailures)},
        {u"events_rejected_by_server"_s, qint64(m_transmitter->counters().eventsRejected)},
        {u"batch_bytes_sent"_s, qint64(m_transmitter->counters().batchBytes)},
        {u"server_busy"_s, qint64(m_transmitter->counters().busy)},
        {u"flight_window"_s, qint64(m_transmitter->flightWindow())}, {u"enricher"_s, enricherStatus(*m_enricher)},
        {u"sources"_s, sources}};
}

} // namespace vanopticon::sentinel
