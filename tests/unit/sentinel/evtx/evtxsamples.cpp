// SPDX-License-Identifier: Apache-2.0
// Kept apart from the test: moc cannot read raw string literals that hold "//".
#include "evtxsamples.h"

namespace vanopticon::testsupport::evtx {

// A record around the given System extras and data section.
std::string record(std::string_view eventId, std::string_view channel, std::string_view provider, std::string_view data,
    std::string_view level) {
    return std::string(R"(<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <Provider Name=")")
        + std::string(provider) + R"(" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/>
    <EventID>)"
        + std::string(eventId) + R"(</EventID>
    <Version>0</Version>
    <Level>)"
        + std::string(level) + R"(</Level>
    <Task>12544</Task>
    <Opcode>0</Opcode>
    <Keywords>0x8010000000000000</Keywords>
    <TimeCreated SystemTime="2024-03-05T08:09:10.1234567Z"/>
    <EventRecordID>4242</EventRecordID>
    <Correlation ActivityID="{0D4DA4A8-8E0D-0001-AAA4-4D0D0D8EDA01}"/>
    <Execution ProcessID="652" ThreadID="7340"/>
    <Channel>)"
        + std::string(channel) + R"(</Channel>
    <Computer>dc01.corp.example</Computer>
    <Security/>
  </System>
)" + std::string(data)
        + "\n</Event>\n";
}

// Security 4625 as Windows writes it (the fields of Microsoft's documentation).
std::string failedLogonData() {
    return R"(  <EventData>
    <Data Name="SubjectUserSid">S-1-5-18</Data>
    <Data Name="SubjectUserName">DC01$</Data>
    <Data Name="SubjectDomainName">CORP</Data>
    <Data Name="SubjectLogonId">0x00000000000003e7</Data>
    <Data Name="TargetUserSid">S-1-0-0</Data>
    <Data Name="TargetUserName">administrator</Data>
    <Data Name="TargetDomainName">CORP</Data>
    <Data Name="Status">0xc000006d</Data>
    <Data Name="FailureReason">%%2313</Data>
    <Data Name="SubStatus">0xc000006a</Data>
    <Data Name="LogonType">3</Data>
    <Data Name="LogonProcessName">NtLmSsp </Data>
    <Data Name="AuthenticationPackageName">NTLM</Data>
    <Data Name="WorkstationName">ATTACKER</Data>
    <Data Name="TransmittedServices">-</Data>
    <Data Name="LmPackageName">-</Data>
    <Data Name="KeyLength">0</Data>
    <Data Name="ProcessId">0x0000000000000000</Data>
    <Data Name="ProcessName">-</Data>
    <Data Name="IpAddress">203.0.113.7</Data>
    <Data Name="IpPort">50123</Data>
  </EventData>)";
}

std::string userDataLogCleared() {
    return R"(  <UserData>
    <LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog">
      <SubjectUserSid>S-1-5-21-1-2-3-500</SubjectUserSid>
      <SubjectUserName>admin</SubjectUserName>
      <SubjectDomainName>CORP</SubjectDomainName>
      <SubjectLogonId>0x00000000000a1b2c</SubjectLogonId>
      <Channel>Security</Channel>
      <Nested><Data Name="Inner">x</Data></Nested>
    </LogFileCleared>
  </UserData>)";
}

std::string overridingData() {
    return R"(<EventData>
  <Data Name="Channel">forged</Data>
  <Data Name="host">forged-host</Data>
  <Data Name="event_type">forged_type</Data>
  <Data Name="Threat Name">EICAR</Data>
  <Data Name="Twice">first</Data>
  <Data Name="Twice">second</Data>
  <Data Name="Not/AName">dropped</Data>
  <Data Name="Ünicode">dropped</Data>
  <Data>first unnamed</Data>
  <Data>second unnamed</Data>
  <Binary>0A0B0C</Binary>
</EventData>)";
}

std::string userDataChannel() {
    return R"(<UserData>
  <LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog">
    <SubjectUserName>admin</SubjectUserName>
    <Channel>Security</Channel>
  </LogFileCleared>
</UserData>)";
}

std::string renderingInfo() {
    return R"(<RenderingInfo Culture="en-US">
  <Message>The &quot;thing&quot; happened.</Message>
  <Level>Error</Level>
</RenderingInfo>)";
}

} // namespace vanopticon::testsupport::evtx
