// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "command/gateway/ingestqueue.h"
#include "daemon/options.h"
#include "shared/core/result.h"
#include "shared/tls/servertls.h"

#include <QString>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vanopticon::daemon {

// The `server:` block of vanopticond's configuration:
//   server:
//     listen: 127.0.0.1:8470
//     data_dir: /var/lib/vanopticon
//     correlation_rules: rules/correlation     # relative paths are relative to the config file
//     policies: policies
//     local_sentinel: sentinel.yaml            # optional: a sentinel for this host, in-process
//     max_event_age: 7d
//     max_queued_events: 10000                 # nodes are told Busy beyond this many waiting
//     tls:                                     # optional: HTTPS and wss:// instead of plain HTTP
//       certificate: /etc/vanopticon/server.pem
//       private_key: /etc/vanopticon/server.key
//       ca: /etc/vanopticon/node-ca.pem        # optional: ask for client certificates from these CAs
//       require_client_certificate: false
//     sigma:
//       rules: [sigma/rules]                   # files or directories; [] turns Sigma off
//       logsources: sigma/logsources.yaml
//       placeholders: sigma/placeholders.yaml  # optional: `expand` values
//       keyword_fields: [message, raw]
//       watch: true                            # reload when a rule changes
// The command line (--listen, --data-dir) overrides the file.
struct SigmaConfig {
    std::vector<std::string> rulePaths; // empty: Sigma is off
    std::string logsources;
    std::string placeholders; // empty: none
    std::vector<std::string> keywordFields {"message", "raw"};
    bool watch = true;
};

struct ServerConfig {
    HostPort listen;
    QString dataDir;
    QString correlationRules; // a directory of rule files
    QString policies; // a directory of policy files
    QString localSentinelConfig; // empty: no local sentinel
    std::chrono::milliseconds maxEventAge = std::chrono::hours(24 * 7); // older events are refused
    // Received, waiting for ingestion; beyond: nodes are told Busy.
    std::size_t maxQueuedEvents = command::IngestQueue::kDefaultMaxEvents;
    std::optional<tls::ServerTlsConfig> tls; // none: plain HTTP
    SigmaConfig sigma;
};

// Where the shipped configuration, rules and policies are (resources/ of the source tree, or
// the installed share directory).
QString resourcesDirectory();

Result<ServerConfig> loadServerConfig(const Options &options);

} // namespace vanopticon::daemon
