// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/buffer/bufferconfig.h"
#include "sentinel/collect/source.h"
#include "sentinel/enrich/enricher.h"
#include "sentinel/enrich/threatintel/threatintelrefresher.h"
#include "sentinel/filter/eventfilter.h"
#include "sentinel/parse/lineparser.h"
#include "sentinel/respond/commandpolicy.h"
#include "sentinel/respond/responder.h"
#include "sentinel/transmit/nodeidentity.h"
#include "sentinel/transmit/sequencestore.h"
#include "sentinel/transmit/transmitter.h"
#include "shared/core/result.h"

#include <QJsonObject>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace vanopticon::sentinel {

// How the sentinel is started: its configuration file (collector, enricher, filter, respond,
// transmitter blocks) and the directory for its identity and state. The server URL and the
// enrollment token come from the command line, else from the configuration.
struct SentinelOptions {
    QString configPath;
    QString stateDir;
    QUrl server; // overrides transmitter.server
    QString enrollToken; // first start only
    // The server's own sentinel on a TLS listener: the listener's certificates are trusted besides
    // transmitter.tls's CAs (or the system's), the first one also where it does not name the
    // loopback address connected to; and whether the listener requires a client certificate,
    // which transmitter.tls must then give.
    QList<QSslCertificate> serverCertificateChain;
    bool serverRequiresClientCertificate = false;
};

// The agent on a monitored host: collect → parse → enrich → filter → batch → transmit, and
// respond to signed commands.
//
// Exactly once across crashes: a source's checkpoint (where to resume) moves only once the
// events before it are safe. With a disk buffer each wire batch carries, in its buffer record,
// the checkpoints of the deliveries it completes, so batch and checkpoints become durable in the
// same sync; checkpoints.json records up to which batch it is current, and after a crash the
// checkpoints of later records are taken from the buffer. Without one they move when the
// server acknowledges. Sources deliver at most batch_size events at a time, so a wire batch
// never ends inside a delivery (else a crash between two parts would send the first twice).
class Sentinel : public QObject {
    Q_OBJECT
public:
    static Result<std::unique_ptr<Sentinel>> create(const SentinelOptions &options);
    ~Sentinel() override;

    void start();

    bool connected() const { return m_transmitter->state() == Transmitter::State::Ready; }
    QString nodeId() const { return QString::fromStdString(m_identity->nodeId()); }
    // The figures a heartbeat and the health check report.
    QJsonObject status() const;

Q_SIGNALS:
    void ready(const QString &nodeId);

private:
    using Checkpoints = std::map<std::string, std::string>; // by source name
    // Deliveries waiting to be sent together. `checkpoints[i]` is where delivery i's source
    // stands after it (absent: the source keeps none).
    struct Batch {
        std::vector<EventBatch> deliveries;
        std::vector<std::pair<std::string, std::optional<std::string>>> checkpoints;
        std::size_t events = 0;
        bool processed = false; // enriched and filtered
        // What is sent already: deliveries before `next`, and `offset` events of that one.
        std::size_t next = 0;
        std::size_t offset = 0;
        Checkpoints carried; // of deliveries left empty by the filter, for the next wire batch
        qint64 collectedMs = 0; // when the first delivery arrived
    };
    // The checkpoints after a wire batch: saved once it is durable in the buffer, or, without a
    // buffer, once the server acknowledged it.
    struct InFlight {
        std::uint64_t sequence;
        Checkpoints checkpoints;
    };

    Sentinel() = default;
    Result<void> build(const SentinelOptions &options);
    void onDelivery(const Source &source, Delivery &&delivery);
    void flush();
    void process(EventBatch &events);
    bool sendChunk();
    void commitThrough(std::uint64_t batchSequence);
    void onAcknowledged(quint64 batchSequence);
    void resumeIfAccepting();
    Result<std::unique_ptr<buffer::DiskBuffer>> openBuffer(const buffer::BufferSettings &settings);
    void onReady(const QString &nodeId);
    void onCommand(const v1::SignedCommand &command);
    void pauseSources(bool paused);
    void readCheckpointFile();
    void applyRecoveredCheckpoints(std::uint64_t batch, std::string_view note);
    void resumeSources();
    Result<void> saveCheckpoints();
    v1::Heartbeat heartbeat() const;

    QString m_stateDir;
    std::size_t m_batchSize = 500;
    CommandPolicy m_policy;
    std::optional<NodeIdentity> m_identity;
    std::optional<SequenceStore> m_sequences;
    std::vector<std::unique_ptr<Source>> m_sources;
    std::unique_ptr<Enricher> m_enricher;
    std::unique_ptr<ThreatIntelRefresher> m_threatIntelRefresher; // after m_enricher: destroyed first
    std::unique_ptr<EventFilter> m_filter;
    std::unique_ptr<Transmitter> m_transmitter;
    std::unique_ptr<Responder> m_responder; // once enrolled: it needs the node id and server key

    Batch m_batch;
    std::uint64_t m_lastSequence = 0; // of the last wire batch sent
    std::uint64_t m_lastAcknowledged = 0;
    std::deque<InFlight> m_inFlight; // sent, awaiting acknowledgement (or, buffered, the sync)
    Checkpoints m_committed; // safe to resume from: in the buffer, or stored by the server
    std::uint64_t m_committedBatch = 0; // m_committed includes every batch's checkpoints up to this one
    bool m_recoveredCheckpoints = false; // the buffer's recovery moved m_committed
    QTimer m_flushTimer;
    bool m_paused = false;
    quint64 m_eventsCollected = 0;
    quint64 m_eventsSent = 0;
    quint64 m_sendFailures = 0;
};

} // namespace vanopticon::sentinel
