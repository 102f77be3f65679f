// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace vanopticon::sentinel {

// What a well-known key of a JSON record becomes in the event.
enum class JsonKeyTarget : std::uint8_t {
    Timestamp, // Event::timestampNs (see parseJsonTimestamp)
    Level, // Event::severity (see parseJsonLevel); the text is also kept under its own key
    Host,
    Message,
    Service,
    EventType,
    Category,
    SourceType,
    SourceIp,
    SourcePort,
    DestinationIp,
    DestinationPort,
    Protocol,
    User,
    TargetUserName,
    Image,
    CommandLine,
    ParentImage,
    ParentCommandLine,
    CurrentDirectory,
    ProcessId,
    ParentProcessId,
    ProcessName,
    TargetFilename,
    Count,
};

struct JsonKeyMapping {
    std::string_view key; // the flattened (dotted) key as written in the record
    JsonKeyTarget target;
    std::uint8_t rank; // when a record has several keys for one target, the lowest rank wins
};

// The keys JSON logs commonly use — ECS (Elastic Common Schema), Suricata EVE, Zeek, and plain
// application logs — and the event fields they fill:
//
//   target (event field)            keys, by rank
//   timestamp                       @timestamp, timestamp, time, ts
//   severity                        level, log.level, severity, loglevel
//   host                            host, hostname, host.name, host.hostname
//   message                         message, msg, log (Docker's json-file driver)
//   service                         service, service.name, app, application, program
//   event_type                      event_type (Suricata: alert, dns, flow…)
//   category                        category, event.category
//   source_type                     source_type
//   SourceIp                        src_ip, source.ip, client.ip, id.orig_h, srcip, client_ip
//   SourcePort                      src_port, source.port, client.port, id.orig_p, srcport
//   DestinationIp                   dest_ip, destination.ip, server.ip, id.resp_h, dst_ip, dstip
//   DestinationPort                 dest_port, destination.port, server.port, id.resp_p, dst_port, dstport
//   Protocol                        proto, network.transport, protocol
//   User                            user, user.name, username, user_name
//   TargetUserName                  user.target.name, target_user
//   Image                           process.executable, exe
//   CommandLine                     process.command_line, command_line, cmdline
//   ParentImage                     process.parent.executable
//   ParentCommandLine               process.parent.command_line
//   CurrentDirectory                process.working_directory, cwd
//   ProcessId                       process.pid, pid
//   ParentProcessId                 process.parent.pid, ppid
//   ProcessName                     process.name
//   TargetFilename                  file.path
//
// A key of a JSON array ("event.category": ["authentication", "session"]) gives its first element,
// and the array stays a field under its own name as well. Keys that lose to a lower rank, and
// values that do not read as their target (a timestamp that is not one, an address that is not
// one), stay fields under their own names.
std::span<const JsonKeyMapping> jsonWellKnownKeys();

// The event field a target fills ("host", "SourceIp", …); empty for Timestamp and Level, which
// fill the Event itself.
std::string_view jsonTargetFieldName(JsonKeyTarget target);

} // namespace vanopticon::sentinel
