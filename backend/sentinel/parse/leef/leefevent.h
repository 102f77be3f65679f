// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/keyvalue/recordfieldstats.h"
#include "sentinel/parse/leef/leef.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <string_view>

namespace vanopticon::sentinel {

// Turns a LEEF record (see parseLeef) into one event and appends it to the batch; on failure the
// batch is unchanged and the reason is static text. Fields:
//   event_type "leef", source_type "leef", category "security", raw = the record;
//   message = EventID (LEEF has no text of its own); service = Product; host = the context's;
//   leef.vendor, leef.product, leef.version (the product's), leef.event_id,
//   leef.format_version ("1.0" or "2.0" as written);
//   severity from sev (severityFromScale: LEEF's 1-10), else info;
//   timestamp from devTime, read with devTimeFormat when the record has one (parseJavaTime),
//   else as epoch milliseconds or "MMM dd yyyy HH:mm:ss" (parseDeviceTime); else the context's now.
// Every attribute becomes a field: the well-known keys under their Sigma taxonomy name, the rest
// under their LEEF name. An attribute whose name is one of the event's own fields is stored as
// "leef.ext.<key>"; keys that are not field names are dropped and counted.
//   src → SourceIp      dst → DestinationIp      srcPort → SourcePort   dstPort → DestinationPort
//   usrName → User      proto → Protocol         url → c-uri            action → Action
// A key written twice keeps its first value (later ones are counted as duplicates).
ParseOutcome parseLeefEvent(std::string_view record, const SyslogContext &context, EventBatch &batch,
    RecordFieldStats *stats = nullptr, const LeefOptions &options = {});

} // namespace vanopticon::sentinel
