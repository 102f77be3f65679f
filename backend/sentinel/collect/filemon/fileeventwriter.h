// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filemon/filechange.h"
#include "shared/event/event.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// Writes Sigma `file_event` events:
//   event_type        file_create | file_modify (closed after writing) | file_delete |
//                     file_rename | file_attribute
//   category          file
//   source_type       file_monitor
//   TargetFilename    the file (a rename: its new name; absent when moved out of the watched paths)
//   SourceFilename    a rename: its old name (absent when moved in from outside)
//   IsDirectory       true | false
//   Hashes            "SHA256=<64 uppercase hex>", as Sysmon writes it (hash: sha256)
//   message           "file created: /etc/cron.d/x", …
// inotify does not say which process made a change, nor when: the event time is when it was read.
class FileEventWriter {
public:
    FileEventWriter();

    // `sha256Hex` empty: no Hashes field.
    void append(const FileChange &change, std::string_view sha256Hex, std::int64_t timestampNs, EventBatch &batch);

private:
    FieldId m_sourceFilename;
    FieldId m_isDirectory;
    FieldId m_hashes;
    std::string m_text; // reused
};

std::string_view fileEventType(FileChangeKind kind);

} // namespace vanopticon::sentinel
