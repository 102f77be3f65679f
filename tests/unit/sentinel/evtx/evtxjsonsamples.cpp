// SPDX-License-Identifier: Apache-2.0
// Kept apart from the test: moc cannot read raw string literals.
#include "evtxjsonsamples.h"

#include "evtxsamples.h"

#include <cstdlib>

namespace vanopticon::testsupport::evtxjson {

namespace {

std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    if (at == std::string::npos)
        std::abort(); // a sample that lacks what it should replace is a broken test
    return text.replace(at, from.size(), to);
}

} // namespace

// The JSON evtx_dump writes for testsupport::evtx::record(): `data` holds the members after
// "System" ("EventData": {…}), `eventId` is the JSON value of EventID.
std::string record(std::string_view eventId, std::string_view channel, std::string_view provider, std::string_view data,
    std::string_view level) {
    std::string json = "{\n  \"Event\": {\n    \"#attributes\": {\"xmlns\": \"http:\\/\\/schemas.microsoft.com\"},\n"
                       "    \"System\": {\n      \"Provider\": {\"#attributes\": {\"Name\": \"";
    json.append(provider).append("\", \"Guid\": \"54849625-5478-4994-A5BA-3E3B0328C30D\"}},\n      \"EventID\": ");
    json.append(eventId).append(",\n      \"Version\": 0,\n      \"Level\": ").append(level);
    json.append(
        ",\n      \"Task\": 12544,\n      \"Opcode\": 0,\n      \"Keywords\": \"0x8010000000000000\",\n"
        "      \"TimeCreated\": {\"#attributes\": {\"SystemTime\": \"2024-03-05T08:09:10.1234567Z\"}},\n"
        "      \"EventRecordID\": 4242,\n"
        "      \"Correlation\": {\"#attributes\": {\"ActivityID\": \"0D4DA4A8-8E0D-0001-AAA4-4D0D0D8EDA01\"}},\n"
        "      \"Execution\": {\"#attributes\": {\"ProcessID\": 652, \"ThreadID\": 7340}},\n"
        "      \"Channel\": \"");
    json.append(channel).append("\",\n      \"Computer\": \"dc01.corp.example\",\n      \"Security\": null\n    }");
    if (!data.empty())
        json.append(",\n    ").append(data);
    json.append("\n  }\n}\n");
    return json;
}

std::string failedLogonData() {
    return R"("EventData": {
      "SubjectUserSid": "S-1-5-18", "SubjectUserName": "DC01$", "SubjectDomainName": "CORP",
      "SubjectLogonId": "0x3e7", "TargetUserSid": "S-1-0-0", "TargetUserName": "administrator",
      "TargetDomainName": "CORP", "Status": "0xc000006d", "FailureReason": "%%2313",
      "SubStatus": "0xc000006a", "LogonType": 3, "LogonProcessName": "NtLmSsp ",
      "AuthenticationPackageName": "NTLM", "WorkstationName": "ATTACKER", "TransmittedServices": "-",
      "LmPackageName": "-", "KeyLength": 0, "ProcessId": "0x0", "ProcessName": "-",
      "IpAddress": "203.0.113.7", "IpPort": "50123"})";
}

std::vector<SameAsXml> sameAsXml() {
    std::vector<SameAsXml> samples;
    const auto row = [&](const char *name, std::string xml, std::string json) {
        samples.push_back({name, std::move(xml), std::move(json)});
    };
    row("Security 4625: named data, numbers, unpadded hex",
        evtx::record("4625", "Security", "Microsoft-Windows-Security-Auditing", evtx::failedLogonData()),
        record("4625", "Security", "Microsoft-Windows-Security-Auditing", failedLogonData()));
    row("UserData: leaves below a group, a nested Data with a Name",
        evtx::record("1102", "Security", "Microsoft-Windows-Eventlog", evtx::userDataLogCleared()),
        record("1102", "Security", "Microsoft-Windows-Eventlog", R"("UserData": {
      "LogFileCleared": {
        "#attributes": {"xmlns": "http:\/\/manifests.microsoft.com"},
        "SubjectUserSid": "S-1-5-21-1-2-3-500", "SubjectUserName": "admin", "SubjectDomainName": "CORP",
        "SubjectLogonId": "0xa1b2c", "Channel": "Security", "Nested": {"Inner": "x"}}})"));
    row("unnamed Data as evtx_dump gathers them, Binary, names with spaces",
        evtx::record("1", "Application", "App",
            R"(<EventData><Data>first unnamed</Data><Data>second unnamed</Data><Binary>0A0B0C</Binary>
                   <Data Name="Threat Name">EICAR</Data></EventData>)"),
        record("1", "Application", "App", R"("EventData": {
      "Data": {"#text": ["first unnamed", "second unnamed"]}, "Binary": "0A0B0C", "Threat Name": "EICAR"})"));
    row("one unnamed Data", evtx::record("1", "Application", "App", "<EventData><Data>only</Data></EventData>"),
        record("1", "Application", "App", R"("EventData": {"Data": {"#text": "only"}})"));
    row("EventID with Qualifiers, GUID values braced, empty and null values",
        replaced(evtx::record("7045", "System", "Service Control Manager",
                     R"(<EventData><Data Name="ServiceName">svc</Data>
                   <Data Name="Guid">{0197231E-8BFF-6926-1308-000000000D00}</Data>
                   <Data Name="Empty"></Data><Data Name="Null"/></EventData>)"),
            "<EventID>7045</EventID>", "<EventID Qualifiers=\"16384\">7045</EventID>"),
        record(R"({"#attributes": {"Qualifiers": 16384}, "#text": 7045})", "System", "Service Control Manager",
            R"("EventData": {"ServiceName": "svc", "Guid": "0197231E-8BFF-6926-1308-000000000D00",
      "Empty": "", "Null": null})"));
    row("RenderingInfo message", evtx::record("1000", "Application", "App", evtx::renderingInfo()),
        record("1000", "Application", "App",
            R"("RenderingInfo": {"#attributes": {"Culture": "en-US"}, "Message": "The \"thing\" happened.", "Level": "Error"})"));
    row("--separate-json-attributes: System and data attributes beside their elements",
        evtx::record("1102", "Security", "Microsoft-Windows-Eventlog",
            R"(<UserData><Group xmlns="urn:x"><Param Name="Target">alpha</Param><Flag Name="Bare"/></Group></UserData>)"),
        std::string(R"({"Event": {"System": {
      "Provider": null, "Provider_attributes": {"Name": "Microsoft-Windows-Eventlog", "Guid": "54849625-5478-4994-A5BA-3E3B0328C30D"},
      "EventID": 1102, "Version": 0, "Level": 0, "Task": 12544, "Opcode": 0, "Keywords": "0x8010000000000000",
      "TimeCreated_attributes": {"SystemTime": "2024-03-05T08:09:10.1234567Z"}, "EventRecordID": 4242,
      "Correlation_attributes": {"ActivityID": "0D4DA4A8-8E0D-0001-AAA4-4D0D0D8EDA01"},
      "Execution_attributes": {"ProcessID": 652, "ThreadID": 7340},
      "Channel": "Security", "Computer": "dc01.corp.example", "Security": null},
    "UserData": {"Group_attributes": {"xmlns": "urn:x"}, "Group": {
      "Param_attributes": {"Name": "Target"}, "Param": "alpha", "Flag_attributes": {"Name": "Bare"}}}}})"));
    return samples;
}

std::vector<Refused> refusedObjects() {
    std::vector<Refused> samples;
    const auto row = [&](const char *name, std::string object, const char *reason) {
        samples.push_back({name, std::move(object), reason});
    };
    row("invalid JSON", R"({"Event": {"System": {"EventID": 1,}}})", "invalid JSON");
    row("unclosed string inside", R"({"Event": "abc})", "the text ends inside the object");
    row("invalid UTF-8", "{\"Event\": {\"System\": {\"EventID\": 1, \"Channel\": \"\xC3\x28\"}}}", "invalid UTF-8");
    row("control character in a string", "{\"Event\": {\"System\": {\"Channel\": \"a\x01\"}}}", "an invalid string");
    row("no Event", R"({"event": {"System": {"EventID": 1}}})", "no \"Event\" object");
    row("Event not an object", R"({"Event": [1, 2]})", "no \"Event\" object");
    row("no System", R"({"Event": {"EventData": {"a": 1}}})", "no \"System\" object");
    row("System not an object", R"({"Event": {"System": "x"}})", "\"System\" is not an object");
    row("no EventID", R"({"Event": {"System": {"Channel": "Security"}}})", "EventID missing or not a number");
    row("EventID not a number", R"({"Event": {"System": {"EventID": "four"}}})", "EventID missing or not a number");
    row("EventID too large", R"({"Event": {"System": {"EventID": 70000}}})", "EventID missing or not a number");
    row("mismatched brackets", R"({"Event": {"System": [}}])", "invalid JSON");
    return samples;
}

std::string repeatedNames() {
    return R"("EventData": {"Twice": "second", "Twice_1": "first", "Data_1": "named"})";
}

std::string overridingNames() {
    return R"("EventData": {"Channel": "forged", "host": "forged-host", "Not/AName": "dropped"})";
}

std::string unclosedEscape() {
    return R"({"Event": {"System": {"Channel": "a\)";
}

std::string deepPrefix() {
    return R"({"Event": {"System": {"EventID": 1}, "EventData": )";
}

std::string withoutTimeOrComputer() {
    return R"({"Event": {"System": {"EventID": 4624, "Channel": "Security"}}})";
}

} // namespace vanopticon::testsupport::evtxjson
