// SPDX-License-Identifier: Apache-2.0
#include "parseevtx.h"

#include "sentinel/collect/evtx/evtximporter.h"
#include "shared/event/eventjson.h"

#include <cstdio>

namespace vanopticon::ctl {

int printEvtxFiles(const QStringList &files) {
    sentinel::EvtxImporter importer(sentinel::SyslogContext::fromSystem());
    std::uint64_t unopened = 0;
    std::string out;
    for (const QString &path : files) {
        if (auto opened = importer.open(path.toStdString()); !opened) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(path), opened.error().message.c_str());
            ++unopened;
            continue;
        }
        for (bool done = false; !done;) {
            EventBatch batch;
            const std::uint64_t failedBefore = importer.stats().failed;
            // No more records per slice than failures are kept, so that every failure is printed.
            done = importer.readSome(batch, int(sentinel::EvtxImporter::kMaxRecentFailures));
            const auto &recent = importer.recentFailures();
            const auto newFailures = std::ptrdiff_t(importer.stats().failed - failedBefore);
            for (auto it = recent.end() - newFailures; it != recent.end(); ++it) {
                std::fprintf(stderr, "%s: record %llu (index %d): %s\n", it->path.c_str(),
                    static_cast<unsigned long long>(it->recordNumber), it->index, it->reason.c_str());
            }
            for (const Event &event : batch.events()) {
                out.clear();
                appendEventJson(out, event);
                out += '\n';
                std::fwrite(out.data(), 1, out.size(), stdout);
            }
        }
        importer.close();
    }
    const sentinel::EvtxImportStats &stats = importer.stats();
    std::fprintf(stderr, "vanopticonctl parse: %llu events, %llu records refused, %llu files unreadable\n",
        static_cast<unsigned long long>(stats.events), static_cast<unsigned long long>(stats.failed),
        static_cast<unsigned long long>(unopened));
    return stats.failed == 0 && unopened == 0 ? 0 : 1;
}

} // namespace vanopticon::ctl
