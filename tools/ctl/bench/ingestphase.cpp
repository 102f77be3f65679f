// SPDX-License-Identifier: Apache-2.0
#include "bench/ingestphase.h"

#include "analysis/alert/alertmanager.h"
#include "analysis/correlate/correlationengine.h"
#include "analysis/correlate/ruleloader.h"
#include "analysis/ingest/ingestor.h"
#include "analysis/score/threatscorer.h"
#include "shared/bus/eventbus.h"
#include "shared/wire/batchdecoder.h"
#include "shared/wire/batchpeek.h"
#include "shared/wire/codec.h"
#include "storage/database.h"
#include "storage/json.h"
#include "storage/nodes.h"

#include <QFileInfo>

#include <chrono>
#include <optional>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

using Clock = std::chrono::steady_clock;

// Decodes frames as the server's gateway decodes what sentinels send.
Result<wire::IncomingBatch> decodeFrame(const std::string &frame) {
    auto plain = wire::decompress(frame);
    if (!plain)
        return plain.error();
    const std::optional<std::string_view> body = wire::soleBatchBody(*plain);
    if (!body)
        return makeError("a generated frame is not a sole batch");
    return wire::decodeBatch(*body);
}

// Decodes and ingests frames [first, last) in groups of at most `groupEvents` events, as the
// server's queue hands them on when it is deep; adds to `figures` what the ingestor reports, and
// the time spent decoding.
Result<void> ingestFrames(analysis::Ingestor &ingestor, const QString &node, const std::vector<std::string> &frames,
    std::size_t first, std::size_t last, std::size_t groupEvents, IngestFigures &figures, std::uint64_t &duplicates) {
    std::vector<wire::IncomingBatch> batches; // the group being gathered
    std::size_t events = 0;
    const auto ingestGathered = [&]() -> Result<void> {
        std::vector<analysis::IngestItem> group;
        for (wire::IncomingBatch &batch : batches)
            group.push_back({node, &batch});
        ++figures.groups;
        for (auto &result : ingestor.ingest(group)) {
            if (!result)
                return result.error();
            figures.stored += result->stored;
            figures.rejected += result->rejected;
            duplicates += result->duplicates;
        }
        batches.clear();
        events = 0;
        return {};
    };
    for (std::size_t i = first; i < last; ++i) {
        const auto decodeStarted = Clock::now();
        auto batch = decodeFrame(frames[i]);
        if (!batch)
            return batch.error();
        figures.decodeSeconds += std::chrono::duration<double>(Clock::now() - decodeStarted).count();
        if (!batches.empty() && events + batch->received > groupEvents) {
            if (auto done = ingestGathered(); !done)
                return done;
        }
        events += batch->received;
        batches.push_back(std::move(*batch));
    }
    return batches.empty() ? Result<void>() : ingestGathered();
}

} // namespace

Result<IngestFigures> measureIngestion(
    const std::vector<std::string> &frames, const QString &databasePath, std::size_t groupEvents) {
    storage::Database db;
    if (auto opened = db.open(databasePath); !opened)
        return opened.error();
    const QString node = u"node_bench0000001"_s;
    storage::NodeRecord record;
    record.id = node;
    record.hostname = u"bench"_s;
    record.publicKey = QByteArray(32, '\x01');
    record.enrolledAt = storage::nowMs();
    if (auto created = storage::NodeRepository(db).create(record); !created)
        return created.error();

    auto rules = analysis::loadCorrelationRuleDirectory(VANOPTICON_RESOURCES_DIR "/rules/correlation");
    if (!rules)
        return rules.error();
    analysis::CorrelationEngine correlation(std::move(*rules));
    EventBus bus;
    analysis::ThreatScorer scorer;
    analysis::AlertManager alerts(db, bus, scorer);
    analysis::Ingestor ingestor(db, correlation, alerts);

    IngestFigures figures;
    std::uint64_t firstDuplicates = 0;
    const auto started = Clock::now();
    if (auto done = ingestFrames(ingestor, node, frames, 0, frames.size(), groupEvents, figures, firstDuplicates);
        !done)
        return done.error();
    figures.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    figures.events = figures.stored + figures.rejected + firstDuplicates;
    figures.storeSeconds = std::chrono::duration<double>(ingestor.counters().storing).count();
    figures.analysisSeconds = std::chrono::duration<double>(ingestor.counters().analysing).count();
    for (const auto &rule : correlation.counters())
        figures.detections += rule.detectionsEmitted;
    figures.alertsCreated = alerts.counters().created;
    figures.alertsUpdated = alerts.counters().updated;

    const std::size_t replayed = std::max<std::size_t>(1, frames.size() / 10);
    IngestFigures again;
    const auto replayStarted = Clock::now();
    if (auto done = ingestFrames(ingestor, node, frames, 0, replayed, groupEvents, again, figures.duplicates); !done)
        return done.error();
    figures.replaySeconds = std::chrono::duration<double>(Clock::now() - replayStarted).count();
    figures.replayedEvents = again.stored + again.rejected + figures.duplicates;
    if (const storage::WalCheckpointer *checkpointer = db.checkpointer()) {
        figures.walCheckpoints = checkpointer->figures().checkpoints;
        figures.walInlineCheckpoints = checkpointer->figures().inlineCheckpoints;
    }
    figures.walPeakBytes = QFileInfo(databasePath + u"-wal"_s).size();
    return figures;
}

} // namespace vanopticon::ctl
