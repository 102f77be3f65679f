// SPDX-License-Identifier: Apache-2.0
// The rules and logsource mapping tst_sigmaengine runs (a file of their own: moc cannot read raw
// string literals).

extern const char kLogsources[];
const char kLogsources[] = "logsources:\n"
                           "  - when: {Channel: Security}\n"
                           "    logsource: {product: windows, service: security}\n"
                           "  - when: {Channel: Security, EventID: 4688}\n"
                           "    logsource: {category: process_creation}\n"
                           "    fields: {Image: NewProcessName, ParentImage: ParentProcessName}\n"
                           "  - when: {Channel: Sysmon, EventID: 1}\n"
                           "    logsource: {product: windows, category: process_creation}\n"
                           "  - when: {source_type: syslog}\n"
                           "    logsource: {product: linux}\n";

// Rules as a rule author writes them; one document each.
extern const char kRules[];
const char kRules[] = R"(title: Whoami
id: whoami
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|endswith: '\whoami.exe'
  filter:
    User|startswith: 'NT AUTHORITY\'
  condition: selection and not filter
level: low
---
title: Any of two tools
id: anyof
logsource: {product: windows, category: process_creation}
detection:
  sel_a:
    CommandLine|contains: 'mimikatz'
  sel_b:
    CommandLine|contains|all: ['sekurlsa', 'logonpasswords']
  condition: 1 of sel_*
level: high
---
title: All of them
id: allof
logsource: {product: windows, category: process_creation}
detection:
  one:
    Image|endswith: '\net.exe'
  two:
    CommandLine|contains: ' user '
  condition: all of them
level: medium
---
title: No parent image
id: noparent
logsource: {product: windows, category: process_creation}
detection:
  selection:
    ParentImage: null
  condition: selection
level: low
---
title: Lookahead
id: lookahead
logsource: {product: windows, category: process_creation}
detection:
  selection:
    CommandLine|re: '^(?=.*-enc)(?=.*hidden).*$'
  condition: selection
level: medium
---
title: Failed logon
id: failedlogon
logsource: {product: windows, service: security}
detection:
  selection:
    EventID: 4625
  condition: selection
level: low
---
title: Linux keyword
id: keyword
logsource: {product: linux}
detection:
  keywords:
    - 'segfault at'
  condition: keywords
level: low
---
title: Not a system user
id: notsystem
logsource: {product: windows, service: security}
detection:
  system:
    TargetUserName: 'SYSTEM'
  condition: not system
level: informational
---
title: Parent is the process itself
id: selfparent
logsource: {product: windows, category: process_creation}
detection:
  selection:
    ParentImage|fieldref: Image
  condition: selection
level: medium
---
title: Net user filter
filter:
  rules: [allof]
  selection:
    User: 'CORP\admin'
  condition: selection
logsource: {product: windows, category: process_creation}
)";

// A correlation chained on one decided when its window closes (an upper bound) cannot run; the
// others still do.
extern const char kChainRules[];
const char kChainRules[] = R"(title: Transfer
name: transfer
logsource: {product: linux}
detection:
  selection:
    program: transfer
  condition: selection
---
title: Few bytes per user
name: bytes_per_user
correlation:
  type: value_sum
  rules: [transfer]
  group-by: [user]
  timespan: 1h
  condition: {lt: 10, field: bytes}
---
title: Repeatedly few bytes
name: repeated_bytes
correlation:
  type: event_count
  rules: [bytes_per_user]
  group-by: [user]
  timespan: 1d
  condition: {gte: 2}
---
title: Many transfers per user
name: transfers_per_user
correlation:
  type: event_count
  rules: [transfer]
  group-by: [user]
  timespan: 1h
  condition: {gte: 2}
)";

// Correlations over process creations from Sysmon and from Security 4688, whose parent and image
// only the logsource's field mappings name ParentImage and Image.
extern const char kMappedCorrelationRules[];
const char kMappedCorrelationRules[] = R"(title: Discovery tool run
name: discovery_tool
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|endswith: ['\whoami.exe', '\hostname.exe']
  condition: selection
---
title: Discovery burst from one parent
id: burst
correlation:
  type: event_count
  rules: [discovery_tool]
  group-by: [ParentImage]
  timespan: 1m
  condition: {gte: 2}
---
title: Several discovery tools from one parent
id: tools
correlation:
  type: value_count
  rules: [discovery_tool]
  group-by: [ParentImage]
  timespan: 1m
  condition: {gte: 2, field: Image}
)";
