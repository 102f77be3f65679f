// SPDX-License-Identifier: Apache-2.0
#include "parsenetflow.h"

#include "sentinel/collect/netflow/floweventwriter.h"
#include "sentinel/collect/netflow/netflowdecoder.h"
#include "sentinel/collect/netflow/netflowsource.h"
#include "shared/event/eventjson.h"

#include <QDateTime>
#include <QFile>

#include <cstdio>
#include <span>

namespace vanopticon::ctl {

int printNetflowFiles(const QStringList &files) {
    // The files carry no sender: they are attributed to one exporter, the documentation address.
    const auto exporter = sentinel::IpAddress::parse("192.0.2.1");
    Q_ASSERT(exporter);
    const std::string exporterText = exporter->toString();
    sentinel::NetflowDecoder decoder;
    sentinel::FlowEventWriter writer;
    std::vector<sentinel::FlowRecord> records;
    std::uint64_t refused = 0;
    std::uint64_t events = 0;
    std::string out;
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "vanopticonctl parse: %s: %s\n", qPrintable(path), qPrintable(file.errorString()));
            return 2;
        }
        const QByteArray datagram = file.read(sentinel::NetflowSource::kMaxDatagramBytes + 1);
        if (datagram.size() > qsizetype(sentinel::NetflowSource::kMaxDatagramBytes)) {
            std::fprintf(stderr, "%s: larger than a datagram can be\n", qPrintable(path));
            ++refused;
            continue;
        }
        records.clear();
        const std::int64_t nowNs = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
        const sentinel::NetflowPacketSummary summary = decoder.decode(
            std::span(reinterpret_cast<const std::uint8_t *>(datagram.constData()), std::size_t(datagram.size())),
            *exporter, nowNs, records);
        if (!summary.ok()) {
            std::fprintf(stderr, "%s: %.*s\n", qPrintable(path), int(summary.failure.size()), summary.failure.data());
            ++refused;
        }
        EventBatch batch;
        for (const sentinel::FlowRecord &record : records)
            writer.append(record, exporterText, batch);
        for (const Event &event : batch.events()) {
            out.clear();
            appendEventJson(out, event);
            out += '\n';
            std::fwrite(out.data(), 1, out.size(), stdout);
            ++events;
        }
    }
    const sentinel::PendingData &pending = decoder.pending();
    std::fprintf(stderr,
        "vanopticonctl parse: %llu events, %llu datagrams refused, %zu sets still waiting for their "
        "template\n",
        static_cast<unsigned long long>(events), static_cast<unsigned long long>(refused), pending.sets());
    return refused == 0 ? 0 : 1;
}

} // namespace vanopticon::ctl
