// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/fileeventwriter.h"

namespace vanopticon::sentinel {

std::string_view fileEventType(FileChangeKind kind) {
    switch (kind) {
    case FileChangeKind::Create:
        return "file_create";
    case FileChangeKind::Modify:
        return "file_modify";
    case FileChangeKind::Delete:
        return "file_delete";
    case FileChangeKind::Rename:
        return "file_rename";
    case FileChangeKind::Attribute:
        return "file_attribute";
    }
    return "file_event";
}

FileEventWriter::FileEventWriter()
    : m_sourceFilename(internField("SourceFilename"))
    , m_isDirectory(internField("IsDirectory"))
    , m_hashes(internField("Hashes")) {
}

void FileEventWriter::append(
    const FileChange &change, std::string_view sha256Hex, std::int64_t timestampNs, EventBatch &batch) {
    Event &event = batch.addEvent();
    event.timestampNs = timestampNs;
    event.severity = Severity::Info;
    batch.setField(event, field::EventType, fileEventType(change.kind));
    batch.setField(event, field::Category, "file");
    batch.setField(event, field::SourceType, "file_monitor");
    if (!change.path.empty())
        batch.setField(event, field::TargetFilename, change.path);
    if (!change.oldPath.empty())
        batch.setField(event, m_sourceFilename, change.oldPath);
    batch.setField(event, m_isDirectory, change.directory ? "true" : "false");
    if (!sha256Hex.empty()) {
        m_text.assign("SHA256=");
        m_text.append(sha256Hex);
        batch.setField(event, m_hashes, m_text);
    }

    m_text.assign(change.directory ? "directory " : "file ");
    switch (change.kind) {
    case FileChangeKind::Create:
        m_text.append("created: ").append(change.path);
        break;
    case FileChangeKind::Modify:
        m_text.append("modified: ").append(change.path);
        break;
    case FileChangeKind::Delete:
        m_text.append("deleted: ").append(change.path);
        break;
    case FileChangeKind::Attribute:
        m_text.append("attributes changed: ").append(change.path);
        break;
    case FileChangeKind::Rename:
        if (change.oldPath.empty())
            m_text.append("moved in: ").append(change.path);
        else if (change.path.empty())
            m_text.append("moved out: ").append(change.oldPath);
        else
            m_text.append("renamed: ").append(change.oldPath).append(" -> ").append(change.path);
        break;
    }
    batch.setField(event, field::Message, m_text);
}

} // namespace vanopticon::sentinel
