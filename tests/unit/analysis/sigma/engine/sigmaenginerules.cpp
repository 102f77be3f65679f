// SPDX-License-Identifier: Apache-2.0
// The rules and logsource mapping tst_sigmaengine runs (a file of their own: moc cannot read raw
// string literals).

extern const char kLogsources[];
const char kLogsources[] = "logsources:\n"
                           "  - when: {Channel: Security}\n"
                           "    logsource: {product: windows, service: security}\n"
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
title: Net user filter
filter:
  rules: [allof]
  selection:
    User: 'CORP\admin'
  condition: selection
logsource: {product: windows, category: process_creation}
)";
