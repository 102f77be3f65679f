// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/keyvalue/recordfieldstats.h"
#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <string_view>

namespace vanopticon::sentinel {

// Turns a key=value record (see parseKeyValues) into one event and appends it to the batch; on
// failure the batch is unchanged and the reason is static text. Fields:
//   event_type "keyvalue", source_type "keyvalue", category "application", raw = the record;
//   message = msg= / message= when the record has one, else the whole record;
//   host = host= / hostname= when present, else the context's host name;
//   timestamp from time= / timestamp= / ts= / datetime= (RFC 3339, epoch seconds with an
//   optional fraction, epoch milliseconds, or "MMM dd[ yyyy] HH:mm:ss"), else the context's now;
//   severity from level= / lvl= / loglevel= / severity= (severityFromLevelName), else info.
// Every pair becomes a field: well-known keys under their Sigma taxonomy name, the rest under
// their own name (a key that names one of the event's own fields, e.g. severity, is stored as
// "kv.<key>"; keys that are not field names are dropped and counted):
//   src src_ip srcip source_ip client_ip            → SourceIp
//   dst dst_ip dstip dest_ip destination_ip         → DestinationIp
//   spt sport src_port srcport source_port          → SourcePort
//   dpt dport dst_port dstport dest_port destination_port → DestinationPort
//   user username user_name usr suser               → User
//   duser target_user                               → TargetUserName
//   proto protocol                                  → Protocol
//   host hostname → host    msg message → message    service → service
//   pid → ProcessId   ppid → ParentProcessId   exe image → Image
//   cmd cmdline command_line commandline → CommandLine   cwd → CurrentDirectory
//   file filename → TargetFilename   act action → Action
//   url uri → c-uri   method → cs-method   user_agent useragent → c-useragent
// A key written twice keeps its first value (later ones are counted as duplicates): the first is
// usually the producer's own, later ones more likely text a user slipped into a value.
ParseOutcome parseKeyValueEvent(
    std::string_view record, const SyslogContext &context, EventBatch &batch, RecordFieldStats *stats = nullptr);

} // namespace vanopticon::sentinel
