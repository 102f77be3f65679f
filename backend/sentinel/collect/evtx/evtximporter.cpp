// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtximporter.h"

namespace vanopticon::sentinel {

EvtxImporter::EvtxImporter(SyslogContext context, EvtxImportOptions options)
    : m_context(std::move(context))
    , m_options(options) {
}

EvtxImporter::~EvtxImporter() = default;

Result<void> EvtxImporter::open(const std::string &path, int startIndex) {
    m_file.reset();
    m_path = path;
    m_next = 0;
    auto file = EvtxFile::open(path);
    if (!file) {
        ++m_stats.unreadableFiles;
        return file.error();
    }
    m_file = std::move(*file);
    ++m_stats.files;
    m_next = startIndex < 0 ? 0 : startIndex;
    if (!m_options.includeRecovered && m_next <= m_file->recordCount())
        m_stats.recoveredNotRead += std::uint64_t(m_file->recoveredCount());
    return {};
}

void EvtxImporter::close() {
    m_file.reset();
    m_path.clear();
    m_next = 0;
}

int EvtxImporter::recordsToRead() const {
    if (!m_file)
        return 0;
    return m_file->recordCount() + (m_options.includeRecovered ? m_file->recoveredCount() : 0);
}

void EvtxImporter::refuse(int index, std::uint64_t recordNumber, std::string reason) {
    ++m_stats.failed;
    if (m_failures.size() == kMaxRecentFailures)
        m_failures.pop_front();
    m_failures.push_back(
        EvtxFailure {m_path, index, recordNumber, m_file && index >= m_file->recordCount(), std::move(reason)});
}

bool EvtxImporter::readSome(EventBatch &batch, int maxRecords) {
    if (!m_file)
        return true;
    const int end = recordsToRead();
    for (int done = 0; done < maxRecords && m_next < end; ++done) {
        const int index = m_next++;
        ++m_stats.records;
        auto info = m_file->read(index, m_xml);
        if (!info) {
            refuse(index, 0, info.error().message);
            continue;
        }
        if (const ParseOutcome parsed = parseEvtxRecord(m_xml, m_record); !parsed) {
            refuse(index, info->number, "unreadable XML: " + std::string(parsed.failure));
            continue;
        }
        const std::int64_t fallbackTime = info->writtenNs != 0 ? info->writtenNs : m_context.nowNs;
        if (const ParseOutcome written = m_writer.append(m_record, m_xml, m_context.hostName, fallbackTime, batch);
            !written) {
            refuse(index, info->number, std::string(written.failure));
            continue;
        }
        ++m_stats.events;
    }
    return m_next >= end;
}

} // namespace vanopticon::sentinel
