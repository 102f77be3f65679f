// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxeventtype.h"

#include <algorithm>
#include <iterator>

namespace vanopticon::sentinel {

namespace {

enum class Log { Sysmon, Security, System, PowerShell, PowerShellClassic, Defender, TaskScheduler, Other };

struct Entry {
    Log log;
    std::uint32_t eventId;
    EvtxEventType type;
};

constexpr Entry kTypes[] = {
    {Log::Sysmon, 1, {"process_creation", "process"}},
    {Log::Sysmon, 2, {"file_change", "file"}},
    {Log::Sysmon, 3, {"network_connection", "network"}},
    {Log::Sysmon, 4, {"sysmon_status", "system"}},
    {Log::Sysmon, 5, {"process_termination", "process"}},
    {Log::Sysmon, 6, {"driver_load", "driver"}},
    {Log::Sysmon, 7, {"image_load", "process"}},
    {Log::Sysmon, 8, {"create_remote_thread", "process"}},
    {Log::Sysmon, 9, {"raw_access_thread", "file"}},
    {Log::Sysmon, 10, {"process_access", "process"}},
    {Log::Sysmon, 11, {"file_event", "file"}},
    {Log::Sysmon, 12, {"registry_add", "registry"}},
    {Log::Sysmon, 13, {"registry_set", "registry"}},
    {Log::Sysmon, 14, {"registry_rename", "registry"}},
    {Log::Sysmon, 15, {"create_stream_hash", "file"}},
    {Log::Sysmon, 16, {"sysmon_status", "system"}},
    {Log::Sysmon, 17, {"pipe_created", "pipe"}},
    {Log::Sysmon, 18, {"pipe_created", "pipe"}},
    {Log::Sysmon, 19, {"wmi_event", "wmi"}},
    {Log::Sysmon, 20, {"wmi_event", "wmi"}},
    {Log::Sysmon, 21, {"wmi_event", "wmi"}},
    {Log::Sysmon, 22, {"dns_query", "network"}},
    {Log::Sysmon, 23, {"file_delete", "file"}},
    {Log::Sysmon, 24, {"clipboard_capture", "system"}},
    {Log::Sysmon, 25, {"process_tampering", "process"}},
    {Log::Sysmon, 26, {"file_delete_detected", "file"}},
    {Log::Sysmon, 27, {"file_block_executable", "file"}},
    {Log::Sysmon, 28, {"file_block_shredding", "file"}},
    {Log::Sysmon, 29, {"file_executable_detected", "file"}},
    {Log::Sysmon, 255, {"sysmon_error", "system"}},
    {Log::Security, 1102, {"log_cleared", "log"}},
    {Log::Security, 4624, {"auth_success", "authentication"}},
    {Log::Security, 4625, {"auth_failed", "authentication"}},
    {Log::Security, 4634, {"logoff", "authentication"}},
    {Log::Security, 4647, {"logoff", "authentication"}},
    {Log::Security, 4648, {"explicit_credential_logon", "authentication"}},
    {Log::Security, 4672, {"special_privileges_assigned", "authentication"}},
    {Log::Security, 4688, {"process_creation", "process"}},
    {Log::Security, 4689, {"process_termination", "process"}},
    {Log::Security, 4697, {"service_installed", "service"}},
    {Log::Security, 4698, {"scheduled_task_created", "scheduled_task"}},
    {Log::Security, 4699, {"scheduled_task_deleted", "scheduled_task"}},
    {Log::Security, 4700, {"scheduled_task_enabled", "scheduled_task"}},
    {Log::Security, 4701, {"scheduled_task_disabled", "scheduled_task"}},
    {Log::Security, 4702, {"scheduled_task_updated", "scheduled_task"}},
    {Log::Security, 4720, {"user_created", "account"}},
    {Log::Security, 4722, {"user_enabled", "account"}},
    {Log::Security, 4723, {"password_change", "account"}},
    {Log::Security, 4724, {"password_reset", "account"}},
    {Log::Security, 4725, {"user_disabled", "account"}},
    {Log::Security, 4726, {"user_deleted", "account"}},
    {Log::Security, 4728, {"group_member_added", "account"}},
    {Log::Security, 4729, {"group_member_removed", "account"}},
    {Log::Security, 4732, {"group_member_added", "account"}},
    {Log::Security, 4733, {"group_member_removed", "account"}},
    {Log::Security, 4740, {"account_locked_out", "account"}},
    {Log::Security, 4756, {"group_member_added", "account"}},
    {Log::Security, 4757, {"group_member_removed", "account"}},
    {Log::Security, 4768, {"kerberos_tgt_request", "authentication"}},
    {Log::Security, 4769, {"kerberos_service_ticket", "authentication"}},
    {Log::Security, 4771, {"kerberos_preauth_failed", "authentication"}},
    {Log::Security, 4776, {"ntlm_validation", "authentication"}},
    {Log::System, 104, {"log_cleared", "log"}},
    {Log::System, 7036, {"service_state_change", "service"}},
    {Log::System, 7040, {"service_start_type_change", "service"}},
    {Log::System, 7045, {"service_installed", "service"}},
    {Log::PowerShell, 4103, {"ps_module", "powershell"}},
    {Log::PowerShell, 4104, {"ps_script", "powershell"}},
    {Log::PowerShellClassic, 400, {"ps_classic_start", "powershell"}},
    {Log::PowerShellClassic, 600, {"ps_classic_provider_start", "powershell"}},
    {Log::PowerShellClassic, 800, {"ps_classic_script", "powershell"}},
    {Log::Defender, 1116, {"antivirus_detection", "antivirus"}},
    {Log::Defender, 1117, {"antivirus_action_taken", "antivirus"}},
    {Log::Defender, 1118, {"antivirus_action_failed", "antivirus"}},
    {Log::Defender, 1119, {"antivirus_action_failed", "antivirus"}},
    {Log::Defender, 5001, {"antivirus_disabled", "antivirus"}},
    {Log::TaskScheduler, 106, {"scheduled_task_created", "scheduled_task"}},
    {Log::TaskScheduler, 140, {"scheduled_task_updated", "scheduled_task"}},
    {Log::TaskScheduler, 141, {"scheduled_task_deleted", "scheduled_task"}},
    {Log::TaskScheduler, 142, {"scheduled_task_disabled", "scheduled_task"}},
};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

// Channel names are case-insensitive in Windows.
Log logOf(std::string_view channel, std::string_view provider) {
    if (equalsIgnoringCase(channel, "Microsoft-Windows-Sysmon/Operational")
        || (channel.empty() && equalsIgnoringCase(provider, "Microsoft-Windows-Sysmon")))
        return Log::Sysmon;
    if (equalsIgnoringCase(channel, "Security"))
        return Log::Security;
    if (equalsIgnoringCase(channel, "System"))
        return Log::System;
    if (equalsIgnoringCase(channel, "Microsoft-Windows-PowerShell/Operational"))
        return Log::PowerShell;
    if (equalsIgnoringCase(channel, "Windows PowerShell"))
        return Log::PowerShellClassic;
    if (equalsIgnoringCase(channel, "Microsoft-Windows-Windows Defender/Operational"))
        return Log::Defender;
    if (equalsIgnoringCase(channel, "Microsoft-Windows-TaskScheduler/Operational"))
        return Log::TaskScheduler;
    return Log::Other;
}

} // namespace

EvtxEventType classifyEvtxEvent(
    std::string_view channel, std::string_view provider, std::uint32_t eventId, std::string_view registryEventType) {
    const Log log = logOf(channel, provider);
    const auto *found = std::find_if(std::begin(kTypes), std::end(kTypes),
        [log, eventId](const Entry &entry) { return entry.log == log && entry.eventId == eventId; });
    if (found == std::end(kTypes))
        return {"windows_event", "windows"};
    if (log == Log::Sysmon && eventId == 12 && registryEventType.starts_with("Delete"))
        return {"registry_delete", "registry"};
    return found->type;
}

} // namespace vanopticon::sentinel
