// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/jsonkeymap.h"

#include <array>

namespace vanopticon::sentinel {

namespace {

using T = JsonKeyTarget;

constexpr std::array kKeys = {
    JsonKeyMapping {"@timestamp", T::Timestamp, 0},
    JsonKeyMapping {"timestamp", T::Timestamp, 1},
    JsonKeyMapping {"time", T::Timestamp, 2},
    JsonKeyMapping {"ts", T::Timestamp, 3},
    JsonKeyMapping {"level", T::Level, 0},
    JsonKeyMapping {"log.level", T::Level, 1},
    JsonKeyMapping {"severity", T::Level, 2},
    JsonKeyMapping {"loglevel", T::Level, 3},
    JsonKeyMapping {"host", T::Host, 0},
    JsonKeyMapping {"hostname", T::Host, 1},
    JsonKeyMapping {"host.name", T::Host, 2},
    JsonKeyMapping {"host.hostname", T::Host, 3},
    JsonKeyMapping {"message", T::Message, 0},
    JsonKeyMapping {"msg", T::Message, 1},
    JsonKeyMapping {"log", T::Message, 2},
    JsonKeyMapping {"service", T::Service, 0},
    JsonKeyMapping {"service.name", T::Service, 1},
    JsonKeyMapping {"app", T::Service, 2},
    JsonKeyMapping {"application", T::Service, 3},
    JsonKeyMapping {"program", T::Service, 4},
    JsonKeyMapping {"event_type", T::EventType, 0},
    JsonKeyMapping {"category", T::Category, 0},
    JsonKeyMapping {"event.category", T::Category, 1},
    JsonKeyMapping {"source_type", T::SourceType, 0},
    JsonKeyMapping {"src_ip", T::SourceIp, 0},
    JsonKeyMapping {"source.ip", T::SourceIp, 1},
    JsonKeyMapping {"client.ip", T::SourceIp, 2},
    JsonKeyMapping {"id.orig_h", T::SourceIp, 3},
    JsonKeyMapping {"srcip", T::SourceIp, 4},
    JsonKeyMapping {"client_ip", T::SourceIp, 5},
    JsonKeyMapping {"src_port", T::SourcePort, 0},
    JsonKeyMapping {"source.port", T::SourcePort, 1},
    JsonKeyMapping {"client.port", T::SourcePort, 2},
    JsonKeyMapping {"id.orig_p", T::SourcePort, 3},
    JsonKeyMapping {"srcport", T::SourcePort, 4},
    JsonKeyMapping {"dest_ip", T::DestinationIp, 0},
    JsonKeyMapping {"destination.ip", T::DestinationIp, 1},
    JsonKeyMapping {"server.ip", T::DestinationIp, 2},
    JsonKeyMapping {"id.resp_h", T::DestinationIp, 3},
    JsonKeyMapping {"dst_ip", T::DestinationIp, 4},
    JsonKeyMapping {"dstip", T::DestinationIp, 5},
    JsonKeyMapping {"dest_port", T::DestinationPort, 0},
    JsonKeyMapping {"destination.port", T::DestinationPort, 1},
    JsonKeyMapping {"server.port", T::DestinationPort, 2},
    JsonKeyMapping {"id.resp_p", T::DestinationPort, 3},
    JsonKeyMapping {"dst_port", T::DestinationPort, 4},
    JsonKeyMapping {"dstport", T::DestinationPort, 5},
    JsonKeyMapping {"proto", T::Protocol, 0},
    JsonKeyMapping {"network.transport", T::Protocol, 1},
    JsonKeyMapping {"protocol", T::Protocol, 2},
    JsonKeyMapping {"user", T::User, 0},
    JsonKeyMapping {"user.name", T::User, 1},
    JsonKeyMapping {"username", T::User, 2},
    JsonKeyMapping {"user_name", T::User, 3},
    JsonKeyMapping {"user.target.name", T::TargetUserName, 0},
    JsonKeyMapping {"target_user", T::TargetUserName, 1},
    JsonKeyMapping {"process.executable", T::Image, 0},
    JsonKeyMapping {"exe", T::Image, 1},
    JsonKeyMapping {"process.command_line", T::CommandLine, 0},
    JsonKeyMapping {"command_line", T::CommandLine, 1},
    JsonKeyMapping {"cmdline", T::CommandLine, 2},
    JsonKeyMapping {"process.parent.executable", T::ParentImage, 0},
    JsonKeyMapping {"process.parent.command_line", T::ParentCommandLine, 0},
    JsonKeyMapping {"process.working_directory", T::CurrentDirectory, 0},
    JsonKeyMapping {"cwd", T::CurrentDirectory, 1},
    JsonKeyMapping {"process.pid", T::ProcessId, 0},
    JsonKeyMapping {"pid", T::ProcessId, 1},
    JsonKeyMapping {"process.parent.pid", T::ParentProcessId, 0},
    JsonKeyMapping {"ppid", T::ParentProcessId, 1},
    JsonKeyMapping {"process.name", T::ProcessName, 0},
    JsonKeyMapping {"file.path", T::TargetFilename, 0},
};

} // namespace

std::span<const JsonKeyMapping> jsonWellKnownKeys() {
    return kKeys;
}

std::string_view jsonTargetFieldName(JsonKeyTarget target) {
    switch (target) {
    case T::Timestamp:
    case T::Level:
    case T::Count:
        return {};
    case T::Host:
        return "host";
    case T::Message:
        return "message";
    case T::Service:
        return "service";
    case T::EventType:
        return "event_type";
    case T::Category:
        return "category";
    case T::SourceType:
        return "source_type";
    case T::SourceIp:
        return "SourceIp";
    case T::SourcePort:
        return "SourcePort";
    case T::DestinationIp:
        return "DestinationIp";
    case T::DestinationPort:
        return "DestinationPort";
    case T::Protocol:
        return "Protocol";
    case T::User:
        return "User";
    case T::TargetUserName:
        return "TargetUserName";
    case T::Image:
        return "Image";
    case T::CommandLine:
        return "CommandLine";
    case T::ParentImage:
        return "ParentImage";
    case T::ParentCommandLine:
        return "ParentCommandLine";
    case T::CurrentDirectory:
        return "CurrentDirectory";
    case T::ProcessId:
        return "ProcessId";
    case T::ParentProcessId:
        return "ParentProcessId";
    case T::ProcessName:
        return "ProcessName";
    case T::TargetFilename:
        return "TargetFilename";
    }
    return {};
}

} // namespace vanopticon::sentinel
