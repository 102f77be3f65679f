// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/cef/cef.h"
#include "sentinel/parse/keyvalue/recordfieldstats.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <string_view>

namespace vanopticon::sentinel {

// Turns a CEF record (see parseCef) into one event and appends it to the batch; on failure the
// batch is unchanged and the reason is static text. Fields:
//   event_type "cef", source_type "cef", category "security", raw = the record;
//   message = Name; service = Device Product; host = dvchost, else the context's host name;
//   cef.vendor, cef.product, cef.version (Device Version), cef.signature_id, cef.name,
//   cef.severity (as written), cef.format_version ("0" or "1");
//   severity from the header's Severity (severityFromScale), else info;
//   timestamp from rt, else end, else start (parseDeviceTime), else the context's now.
// Every extension becomes a field: the well-known keys (short and full dictionary names) under
// their Sigma taxonomy name, the rest under their CEF name. An extension whose name is one of
// the event's own fields (severity, message, host, …) is stored as "cef.ext.<key>"; keys that
// are not field names ("ad.field[0]") are dropped and counted.
//   src  sourceAddress            → SourceIp          dst  destinationAddress      → DestinationIp
//   spt  sourcePort               → SourcePort        dpt  destinationPort         → DestinationPort
//   shost sourceHostName          → SourceHostname    dhost destinationHostName    → DestinationHostname
//   suser sourceUserName          → User              duser destinationUserName    → TargetUserName
//   proto transportProtocol       → Protocol          act  deviceAction            → Action
//   request requestUrl            → c-uri             requestMethod               → cs-method
//   requestClientApplication      → c-useragent       fname fileName              → TargetFilename
// Labels: with `cs1=x cs1Label=Foo Bar` the value of cs1 is also stored under the label's name
// (spaces become '_': "Foo_Bar"); so for every key K with a "KLabel" (cs1-6, cn1-3, cfp1-4,
// c6a1-4, flexString1-2, deviceCustomDate1-2, …).
// A key written twice keeps its first value (later ones are counted as duplicates).
ParseOutcome parseCefEvent(std::string_view record, const SyslogContext &context, EventBatch &batch,
    RecordFieldStats *stats = nullptr, const CefOptions &options = {});

} // namespace vanopticon::sentinel
