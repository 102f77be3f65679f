// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

// What a Windows event is, for `event_type` and `category`. Chosen where the channel and event
// id say it without doubt; the names are Sigma's log source categories where one exists
// (process_creation, file_event, registry_set, ps_script, …):
//   Microsoft-Windows-Sysmon/Operational (or provider Microsoft-Windows-Sysmon):
//     1 process_creation, 2 file_change, 3 network_connection, 4 sysmon_status,
//     5 process_termination, 6 driver_load, 7 image_load, 8 create_remote_thread,
//     9 raw_access_thread, 10 process_access, 11 file_event, 12 registry_add (registry_delete
//     when EventType is DeleteKey / DeleteValue), 13 registry_set, 14 registry_rename,
//     15 create_stream_hash, 16 sysmon_status, 17/18 pipe_created, 19/20/21 wmi_event,
//     22 dns_query, 23 file_delete, 24 clipboard_capture, 25 process_tampering,
//     26 file_delete_detected, 27 file_block_executable, 28 file_block_shredding,
//     29 file_executable_detected, 255 sysmon_error
//   Security: 4624 auth_success, 4625 auth_failed, 4634/4647 logoff, 4648 explicit_credential_logon,
//     4672 special_privileges_assigned, 4688 process_creation, 4689 process_termination,
//     4697 service_installed, 4698 scheduled_task_created, 4699 scheduled_task_deleted,
//     4700 scheduled_task_enabled, 4701 scheduled_task_disabled, 4702 scheduled_task_updated,
//     4720 user_created, 4722 user_enabled, 4723 password_change, 4724 password_reset,
//     4725 user_disabled, 4726 user_deleted, 4728/4732/4756 group_member_added,
//     4729/4733/4757 group_member_removed, 4740 account_locked_out, 4768 kerberos_tgt_request,
//     4769 kerberos_service_ticket, 4771 kerberos_preauth_failed, 4776 ntlm_validation,
//     1102 log_cleared
//   System: 104 log_cleared, 7045 service_installed, 7036 service_state_change,
//     7040 service_start_type_change
//   Microsoft-Windows-PowerShell/Operational: 4103 ps_module, 4104 ps_script
//   Windows PowerShell: 400 ps_classic_start, 600 ps_classic_provider_start, 800 ps_classic_script
//   Microsoft-Windows-Windows Defender/Operational: 1116 antivirus_detection,
//     1117 antivirus_action_taken, 1118/1119 antivirus_action_failed, 5001 antivirus_disabled
//   Microsoft-Windows-TaskScheduler/Operational: 106 scheduled_task_created,
//     140 scheduled_task_updated, 141 scheduled_task_deleted, 142 scheduled_task_disabled
// Everything else: windows_event / windows.
struct EvtxEventType {
    std::string_view eventType;
    std::string_view category;
};

// `registryEventType` is Sysmon 12's EventType value (CreateKey, DeleteKey, …).
EvtxEventType classifyEvtxEvent(
    std::string_view channel, std::string_view provider, std::uint32_t eventId, std::string_view registryEventType);

} // namespace vanopticon::sentinel
