// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

// Windows event records as Windows and libevtx write them (the Event schema,
// http://schemas.microsoft.com/win/2004/08/events/event), for the parser tests.
namespace vanopticon::testsupport::evtx {

// A record with the given EventID, Channel, Provider and Level, with `data` after <System>
// (Computer dc01.corp.example, EventRecordID 4242, TimeCreated 2024-03-05T08:09:10.1234567Z).
std::string record(std::string_view eventId, std::string_view channel, std::string_view provider, std::string_view data,
    std::string_view level = "0");
// The EventData of Security 4625 (the fields of Microsoft's documentation), from 203.0.113.7:50123.
std::string failedLogonData();
// UserData of Microsoft-Windows-Eventlog 1102 (LogFileCleared), with a nested group.
std::string userDataLogCleared();
// EventData whose names would stand in for the record's own fields, repeat, or are no field names.
std::string overridingData();
// UserData of System 104 naming the cleared channel.
std::string userDataChannel();
// RenderingInfo with a rendered message.
std::string renderingInfo();

} // namespace vanopticon::testsupport::evtx
