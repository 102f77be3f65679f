// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl bench delivery [--events N] [--batch B] [--dir DIR] [--recover-mb M]
//                              [--ingest-events I] [--seed S]
// The sentinel's side of delivery on realistic input: generated auth.log/syslog lines parsed
// into batches of B events and framed as the transmitter frames them (protobuf, zstd), then
//   - the frames appended to a DiskBuffer in DIR with a sync after every batch (group commit),
//   - about M MB of frames written, the buffer closed and opened again (recovery),
//   - I events in fresh frames through the server's ingestion path (ingestphase.h), then a
//     tenth of them again (all duplicates).
// Prints one JSON object: buffer_events_per_second, syncs_per_second, compression_ratio
// (protobuf bytes / frame bytes), raw and wire bytes per event, recovery_mb and
// recovery_seconds, ingest_events_per_second, replay_duplicates.
int benchDelivery(const QStringList &arguments);

} // namespace vanopticon::ctl
