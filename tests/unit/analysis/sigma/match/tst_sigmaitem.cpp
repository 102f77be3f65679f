// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/itemmatcher.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::analysis::sigma;

using Fields = std::vector<std::pair<std::string, std::string>>;
Q_DECLARE_METATYPE(DetectionItem)
Q_DECLARE_METATYPE(Fields)

namespace {

using M = Modifier;

SigmaValue str(std::string text) {
    return SigmaValue {SigmaValue::Type::String, std::move(text)};
}
SigmaValue num(std::string text) {
    return SigmaValue {SigmaValue::Type::Number, std::move(text)};
}
SigmaValue boolean(bool value) {
    return SigmaValue {SigmaValue::Type::Boolean, value ? "true" : "false"};
}
SigmaValue null() {
    return SigmaValue {SigmaValue::Type::Null, {}};
}

DetectionItem item(std::optional<std::string> field, std::vector<Modifier> modifiers, std::vector<SigmaValue> values) {
    DetectionItem result;
    result.field = std::move(field);
    result.modifiers = std::move(modifiers);
    result.values = std::move(values);
    return result;
}

DetectionItem keywords(std::vector<Modifier> modifiers, std::vector<SigmaValue> values) {
    return item(std::nullopt, std::move(modifiers), std::move(values));
}

const std::vector<FieldId> &keywordFields() {
    static const std::vector<FieldId> fields {field::Message, field::Raw};
    return fields;
}

using Placeholders = std::map<std::string, std::vector<std::string>, std::less<>>;

const Placeholders &placeholders() {
    static const Placeholders values {{"Admins", {"root", "adm*n"}}, {"known_cdcs", {"dc01", "10.0.0.5"}}};
    return values;
}

bool run(const DetectionItem &detection, const Fields &fields, std::string *error = nullptr) {
    std::vector<std::string> unresolved;
    const MatchContext context {&placeholders(), &unresolved};
    const auto matcher = compileItem(detection, context);
    if (!matcher) {
        if (error != nullptr)
            *error = matcher.error().message;
        return false;
    }
    EventBatch batch;
    Event &event = batch.addEvent();
    for (const auto &[name, value] : fields)
        batch.setField(event, internField(name), value);
    return matcher->matches(event, keywordFields());
}

// Base64 texts below were computed with Python's base64 module.
const std::string kEncodedFromBase64
    = "powershell -c \"iex ([Text.Encoding]::UTF8.GetString([Convert]::"
      "FromBase64String('JHg9W1N5c3RlbS5Db252ZXJ0XTo6RnJvbUJhc2U2NFN0cmluZygkcyk=')))\"";
const std::string kEncodedFromBase64Shifted1 = "x ICR4PVtTeXN0ZW0uQ29udmVydF06OkZyb21CYXNlNjRTdHJpbmcoJHMp";
const std::string kEncodedFromBase64Shifted2 = "x ICAkeD1bU3lzdGVtLkNvbnZlcnRdOjpGcm9tQmFzZTY0U3RyaW5nKCRzKQ==";
const std::string kEncodedTruncated = "x JHg9W1N5c3RlbS5Db252ZXJ0XTo6RnJvbUJhc2U2NFN0cmlu"; // "…FromBase64Strin"

} // namespace

class TestSigmaItem : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matching_data() {
        QTest::addColumn<DetectionItem>("detection");
        QTest::addColumn<Fields>("event");
        QTest::addColumn<bool>("expected");
        auto row = [](const char *name, const DetectionItem &d, const Fields &f, bool expected) {
            QTest::addRow("%s", name) << d << f << expected;
        };

        // Plain values: whole value, case-insensitive, wildcards and escapes.
        const auto image = item("Image", {}, {str("C:\\Windows\\System32\\cmd.exe")});
        row("exact", image, {{"Image", "C:\\Windows\\System32\\cmd.exe"}}, true);
        row("exact folds case", image, {{"Image", "c:\\windows\\system32\\CMD.EXE"}}, true);
        row("exact is the whole value", image, {{"Image", "C:\\Windows\\System32\\cmd.exe.bak"}}, false);
        row("absent field", image, {{"CommandLine", "C:\\Windows\\System32\\cmd.exe"}}, false);
        const auto wildcards = item("Image", {}, {str("*\\prog?.exe")});
        row("wildcards", wildcards, {{"Image", "D:\\tools\\progA.exe"}}, true);
        row("question mark on a multibyte character", wildcards, {{"Image", "D:\\prog\xC3\xA9.exe"}}, true);
        row("question mark is one character", wildcards, {{"Image", "D:\\progAB.exe"}}, false);
        const auto star = item("Title", {}, {str("\\*")});
        row("escaped star is literal", star, {{"Title", "*"}}, true);
        row("escaped star is not a wildcard", star, {{"Title", "x"}}, false);
        const auto trailing = item("Dir", {}, {str("C:\\Temp\\")});
        row("trailing backslash", trailing, {{"Dir", "C:\\Temp\\"}}, true);
        const auto any = item("Field", {}, {str("*")});
        row("value equal to star matches any value", any, {{"Field", "x"}}, true);
        row("value equal to star matches empty", any, {{"Field", ""}}, true);
        row("value equal to star needs the field", any, {}, false);
        const auto empty = item("Field", {}, {str("")});
        row("empty value", empty, {{"Field", ""}}, true);
        row("empty value not other", empty, {{"Field", "x"}}, false);
        row("empty value not absent", empty, {}, false);
        const auto eventId = item("EventID", {}, {num("4688"), num("1")});
        row("number as text", eventId, {{"EventID", "4688"}}, true);
        row("number list", eventId, {{"EventID", "1"}}, true);
        row("number is the whole text", eventId, {{"EventID", "46880"}}, false);
        row("boolean as text", item("Initiated", {}, {boolean(true)}), {{"Initiated", "True"}}, true);
        row("boolean other", item("Initiated", {}, {boolean(true)}), {{"Initiated", "false"}}, false);

        // Position modifiers, all, cased, neq.
        const auto contains = item("CommandLine", {M::Contains}, {str("-enc "), str("-EncodedCommand")});
        row("contains", contains, {{"CommandLine", "powershell -ENC aQBlAHgA"}}, true);
        row("contains second value", contains, {{"CommandLine", "powershell -encodedcommand x"}}, true);
        row("contains none", contains, {{"CommandLine", "powershell -e x"}}, false);
        const auto starts = item("Image", {M::StartsWith}, {str("C:\\Users\\")});
        row("startswith", starts, {{"Image", "c:\\users\\bob\\a.exe"}}, true);
        row("startswith not inside", starts, {{"Image", "D:\\C:\\Users\\x"}}, false);
        const auto ends = item("Image", {M::EndsWith}, {str("\\rundll32.exe")});
        row("endswith", ends, {{"Image", "C:\\Windows\\System32\\RUNDLL32.EXE"}}, true);
        row("endswith not prefix", ends, {{"Image", "\\rundll32.exe.bak"}}, false);
        const auto all = item("CommandLine", {M::Contains, M::All}, {str(" -e"), str("rsocket"), str("TCPSocket")});
        row("all present", all, {{"CommandLine", "ruby -e 'rsocket = TCPSocket.new'"}}, true);
        row("all one missing", all, {{"CommandLine", "ruby -e 'rsocket = 1'"}}, false);
        const auto cased = item("CommandLine", {M::Contains, M::Cased}, {str("PowerShell")});
        row("cased same case", cased, {{"CommandLine", "xPowerShelly"}}, true);
        row("cased other case", cased, {{"CommandLine", "powershell"}}, false);
        const auto neq = item("User", {M::Neq}, {str("root"), str("admin")});
        row("neq other", neq, {{"User", "bob"}}, true);
        row("neq one of them", neq, {{"User", "ADMIN"}}, false);
        row("neq absent field holds", neq, {}, true);
        const auto neqContains = item("CommandLine", {M::Contains, M::Neq}, {str("safe")});
        row("neq contains", neqContains, {{"CommandLine", "a SAFE thing"}}, false);
        row("neq contains other", neqContains, {{"CommandLine", "evil"}}, true);

        // exists and null.
        row("exists true present", item("Pwd", {M::Exists}, {boolean(true)}), {{"Pwd", ""}}, true);
        row("exists true absent", item("Pwd", {M::Exists}, {boolean(true)}), {}, false);
        row("exists false absent", item("Pwd", {M::Exists}, {boolean(false)}), {}, true);
        row("exists false present", item("Pwd", {M::Exists}, {boolean(false)}), {{"Pwd", "x"}}, false);
        row("null absent", item("Pwd", {}, {null()}), {}, true);
        row("null empty", item("Pwd", {}, {null()}), {{"Pwd", ""}}, true);
        row("null set", item("Pwd", {}, {null()}), {{"Pwd", "x"}}, false);
        row("neq null set", item("Pwd", {M::Neq}, {null()}), {{"Pwd", "x"}}, true);
        row("neq null absent", item("Pwd", {M::Neq}, {null()}), {}, false);

        // windash.
        const auto windash = item("CommandLine", {M::Contains, M::Windash}, {str(" -ma ")});
        row("windash as written", windash, {{"CommandLine", "pd.exe -ma 123"}}, true);
        row("windash slash", windash, {{"CommandLine", "pd.exe /MA 123"}}, true);
        row("windash en dash", windash, {{"CommandLine", "pd.exe \xE2\x80\x93ma 123"}}, true);
        row("windash em dash", windash, {{"CommandLine", "pd.exe \xE2\x80\x94ma 123"}}, true);
        row("windash horizontal bar", windash, {{"CommandLine", "pd.exe \xE2\x80\x95ma 123"}}, true);
        row("windash other character", windash, {{"CommandLine", "pd.exe +ma 123"}}, false);
        const auto windashAll = item("CommandLine", {M::Contains, M::All, M::Windash}, {str(" -i"), str(" -s")});
        row("windash all, mixed dashes", windashAll, {{"CommandLine", "psexec /i -s cmd"}}, true);
        row("windash all, one missing", windashAll, {{"CommandLine", "psexec /i cmd"}}, false);

        // re and its flags.
        const auto re = item("CommandLine", {M::Re}, {str("\\-enc(odedcommand)?\\s+[A-Za-z0-9+/=]{8}")});
        row("re anywhere", re, {{"CommandLine", "pwsh -enc SQBFAFgAIAA="}}, true);
        row("re case-sensitive", re, {{"CommandLine", "pwsh -ENC SQBFAFgAIAA="}}, false);
        const auto reI = item("CommandLine", {M::Re, M::ReInsensitive}, {str("\\-enc\\s")});
        row("re|i", reI, {{"CommandLine", "pwsh -ENC x"}}, true);
        const auto reM = item("Payload", {M::Re, M::ReMultiline}, {str("^rm -rf")});
        row("re|m line start", reM, {{"Payload", "cd /\nrm -rf *"}}, true);
        row("re without m", item("Payload", {M::Re}, {str("^rm -rf")}), {{"Payload", "cd /\nrm -rf *"}}, false);
        const auto reS = item("Payload", {M::Re, M::ReDotAll}, {str("begin.+end")});
        row("re|s dot matches newline", reS, {{"Payload", "begin\nend"}}, true);
        row("re without s", item("Payload", {M::Re}, {str("begin.+end")}), {{"Payload", "begin\nend"}}, false);

        // Encodings.
        const auto b64 = item("CommandLine", {M::Base64, M::Contains}, {str("spinstall0.aspx")});
        row("base64 misses an unaligned value", b64,
            {{"CommandLine", "bash -c 'echo ZWNobyBzcGluc3RhbGwwLmFzcHg= | base64 -d'"}}, false);
        row("base64 aligned", b64, {{"CommandLine", "x c3BpbnN0YWxsMC5hc3B4 y"}}, true);
        const auto b64offset = item("CommandLine", {M::Base64Offset, M::Contains}, {str("::FromBase64String")});
        row("base64offset offset 0", b64offset, {{"CommandLine", kEncodedFromBase64}}, true);
        row("base64offset offset 1", b64offset, {{"CommandLine", kEncodedFromBase64Shifted1}}, true);
        row("base64offset offset 2", b64offset, {{"CommandLine", kEncodedFromBase64Shifted2}}, true);
        row("base64offset truncated", b64offset, {{"CommandLine", kEncodedTruncated}}, false);
        row("base64offset plain text", b64offset, {{"CommandLine", "[Convert]::FromBase64String"}}, false);
        const auto wide = item("Data", {M::Utf16le, M::Contains}, {str("cmd")});
        row("utf16le", wide, {{"Data", std::string("x\0c\0m\0d\0.\0", 10)}}, true);
        row("utf16le is not UTF-8", wide, {{"Data", "cmd"}}, false);
        row("utf16be", item("Data", {M::Utf16be, M::Contains}, {str("cmd")}), {{"Data", std::string("\0c\0m\0d", 6)}},
            true);
        row("utf16 with BOM", item("Data", {M::Utf16, M::StartsWith}, {str("cmd")}),
            {{"Data",
                std::string("\xFF\xFE"
                            "c\0m\0d\0 \0",
                    10)}},
            true);
        row("utf16 needs BOM", item("Data", {M::Utf16, M::StartsWith}, {str("cmd")}),
            {{"Data", std::string("c\0m\0d\0", 6)}}, false);

        // Numbers.
        row("gt", item("Count", {M::Gt}, {num("5")}), {{"Count", "6"}}, true);
        row("gt equal", item("Count", {M::Gt}, {num("5")}), {{"Count", "5"}}, false);
        row("gte equal", item("Count", {M::Gte}, {num("5")}), {{"Count", "5"}}, true);
        row("lt fraction", item("Load", {M::Lt}, {num("2.5")}), {{"Load", "2"}}, true);
        row("lt not", item("Load", {M::Lt}, {num("2.5")}), {{"Load", "2.5"}}, false);
        row("lte", item("Load", {M::Lte}, {num("2.5")}), {{"Load", "2.5"}}, true);
        row("gte hexadecimal field", item("Flags", {M::Gte}, {num("16")}), {{"Flags", "0x10"}}, true);
        row("gt quoted number", item("Count", {M::Gt}, {str("5")}), {{"Count", "7"}}, true);
        row("gt on text", item("Count", {M::Gt}, {num("5")}), {{"Count", "many"}}, false);
        row("gt absent", item("Count", {M::Gt}, {num("5")}), {}, false);
        row("lt list", item("Port", {M::Lt}, {num("10"), num("100")}), {{"Port", "50"}}, true);
        row("lt all", item("Port", {M::Lt, M::All}, {num("10"), num("100")}), {{"Port", "50"}}, false);

        // Time parts.
        const Fields at = {{"UtcTime", "2026-04-17 05:24:53.079"}};
        const Fields atIso = {{"UtcTime", "2026-04-17T05:24:53.092051Z"}};
        row("minute", item("UtcTime", {M::Minute}, {num("24")}), at, true);
        row("minute other", item("UtcTime", {M::Minute}, {num("25")}), at, false);
        row("hour", item("UtcTime", {M::Hour}, {num("5")}), atIso, true);
        row("day", item("UtcTime", {M::Day}, {num("17")}), at, true);
        row("week", item("UtcTime", {M::Week}, {num("16")}), atIso, true);
        row("month", item("UtcTime", {M::Month}, {num("4")}), at, true);
        row("year", item("UtcTime", {M::Year}, {num("2026")}), at, true);
        row("year other", item("UtcTime", {M::Year}, {num("2025")}), at, false);
        row("hour list", item("UtcTime", {M::Hour}, {num("1"), num("5")}), at, true);
        row("hour then lt", item("UtcTime", {M::Hour, M::Lt}, {num("6")}), at, true);
        row("gte then hour", item("UtcTime", {M::Gte, M::Hour}, {num("6")}), at, false);
        row("hour of a non-date", item("UtcTime", {M::Hour}, {num("5")}), {{"UtcTime", "5"}}, false);

        // cidr.
        const auto local = item("DestinationIp", {M::Cidr},
            {str("127.0.0.0/8"), str("10.0.0.0/8"), str("172.16.0.0/12"), str("192.168.0.0/16"), str("169.254.0.0/16"),
                str("::1/128"), str("fe80::/10"), str("fc00::/7")});
        row("cidr v4", local, {{"DestinationIp", "172.20.1.1"}}, true);
        row("cidr v4 outside", local, {{"DestinationIp", "172.32.1.1"}}, false);
        row("cidr v6", local, {{"DestinationIp", "fd00::1"}}, true);
        row("cidr v6 loopback", local, {{"DestinationIp", "::1"}}, true);
        row("cidr v6 outside", local, {{"DestinationIp", "2001:db8::1"}}, false);
        row("cidr v4-mapped", local, {{"DestinationIp", "::ffff:192.168.4.4"}}, true);
        row("cidr not an address", local, {{"DestinationIp", "localhost"}}, false);
        row("cidr neq", item("DestinationIp", {M::Cidr, M::Neq}, {str("10.0.0.0/8")}), {{"DestinationIp", "8.8.8.8"}},
            true);

        // expand: Admins → root, adm*n (configured in placeholders()).
        const auto admins = item("User", {M::Expand}, {str("%Admins%")});
        row("expand first value", admins, {{"User", "ROOT"}}, true);
        row("expand wildcard value", admins, {{"User", "administrator"}}, false);
        row("expand wildcard value matches", admins, {{"User", "admin"}}, true);
        row("expand other", admins, {{"User", "bob"}}, false);
        row("expand unconfigured matches nothing", item("User", {M::Expand}, {str("%Nobody%")}), {{"User", "%Nobody%"}},
            false);
        row("expand unconfigured under neq holds", item("User", {M::Expand, M::Neq}, {str("%Nobody%")}),
            {{"User", "x"}}, true);
        row("without expand the placeholder is text", item("User", {}, {str("%Admins%")}), {{"User", "%admins%"}},
            true);

        // fieldref.
        const auto same = item("TargetFilename", {M::Fieldref}, {str("Image")});
        row("fieldref equal", same, {{"TargetFilename", "C:\\a.exe"}, {"Image", "c:\\A.EXE"}}, true);
        row("fieldref different", same, {{"TargetFilename", "C:\\a.exe"}, {"Image", "C:\\b.exe"}}, false);
        row("fieldref other absent", same, {{"TargetFilename", "C:\\a.exe"}}, false);
        row("fieldref own absent", same, {{"Image", "C:\\a.exe"}}, false);
        row("fieldref cased", item("TargetFilename", {M::Fieldref, M::Cased}, {str("Image")}),
            {{"TargetFilename", "C:\\a.exe"}, {"Image", "c:\\A.EXE"}}, false);
        row("fieldref endswith", item("CommandLine", {M::Fieldref, M::EndsWith}, {str("Image")}),
            {{"CommandLine", "run C:\\a.exe"}, {"Image", "C:\\A.exe"}}, true);
        row("fieldref startswith", item("CommandLine", {M::StartsWith, M::Fieldref}, {str("Image")}),
            {{"CommandLine", "run C:\\a.exe"}, {"Image", "C:\\A.exe"}}, false);
        row("fieldref contains", item("CommandLine", {M::Fieldref, M::Contains}, {str("User")}),
            {{"CommandLine", "su bob -c x"}, {"User", "BOB"}}, true);
        row("fieldref neq", item("SourceUser", {M::Fieldref, M::Neq}, {str("TargetUser")}),
            {{"SourceUser", "alice"}, {"TargetUser", "bob"}}, true);

        // Keywords: searched for inside the keyword fields (message, raw).
        const auto clear = keywords({}, {str("event::clear"), str("event::drop")});
        row("keyword in message", clear, {{"message", "mimikatz # EVENT::Clear"}}, true);
        row("keyword in raw", clear, {{"raw", "<13>1 x event::drop y"}}, true);
        row("keyword in another field only", clear, {{"CommandLine", "event::clear"}}, false);
        row("keyword absent", clear, {{"message", "event:clear"}}, false);
        const auto bgp = keywords({M::All}, {str(":179"), str("BGP_AUTH_FAILED")});
        row("keywords all", bgp, {{"message", "peer 10.0.0.1:179 BGP_AUTH_FAILED"}}, true);
        row("keywords all across fields", bgp, {{"message", "peer 10.0.0.1:179"}, {"raw", "bgp_auth_failed"}}, true);
        row("keywords all one missing", bgp, {{"message", "peer 10.0.0.1:179"}}, false);
        row("keyword with escaped star", keywords({}, {str("select \\*")}), {{"message", "x SELECT * from t"}}, true);
        row("keyword with escaped star is literal", keywords({}, {str("select \\*")}), {{"message", "select a"}},
            false);
        row("keyword re", keywords({M::Re}, {str("fo+bar")}), {{"raw", "xfooobar"}}, true);

        // Items verbatim from SigmaHQ rules.
        // proc_creation_win_renamed_sysinternals_procdump.yml: CommandLine|contains|windash
        const auto procdump = item("CommandLine", {M::Contains, M::Windash}, {str(" -ma "), str(" -mp ")});
        row("SigmaHQ procdump -ma", procdump, {{"CommandLine", "dump64.exe -accepteula -ma 612 out.dmp"}}, true);
        row("SigmaHQ procdump /mp", procdump, {{"CommandLine", "dump64.exe /mp 612 out.dmp"}}, true);
        row("SigmaHQ procdump em dash", procdump, {{"CommandLine", "dump64.exe \xE2\x80\x94MA 612 out.dmp"}}, true);
        row("SigmaHQ procdump other flag", procdump, {{"CommandLine", "dump64.exe -max 612"}}, false);
        // proc_creation_win_powershell_base64_mppreference.yml: CommandLine|base64offset|contains
        const auto mpPreference = item("CommandLine", {M::Base64Offset, M::Contains},
            {str("Add-MpPreference "), str("Set-MpPreference "), str("add-mppreference "), str("set-mppreference ")});
        row("SigmaHQ MpPreference offset 0", mpPreference,
            {{"CommandLine",
                "bash -c 'echo U2V0LU1wUHJlZmVyZW5jZSAtRGlzYWJsZVJlYWx0aW1lTW9uaXRvcmluZyAkdHJ1ZQ== | base64 -d'"}},
            true);
        row("SigmaHQ MpPreference offset 1", mpPreference,
            {{"CommandLine", "eFNldC1NcFByZWZlcmVuY2UgLURpc2FibGVSZWFsdGltZU1vbml0b3JpbmcgJHRydWU="}}, true);
        row("SigmaHQ MpPreference other cmdlet", mpPreference, {{"CommandLine", "R2V0LU1wUHJlZmVyZW5jZSB8IGZs"}},
            false);
        // proc_creation_win_exploit_cve_2025_53770_indicators.yml: CommandLine|wide|base64offset|contains
        const auto spinstall
            = item("CommandLine", {M::Utf16le, M::Base64Offset, M::Contains}, {str("spinstall0.aspx")});
        row("SigmaHQ CVE-2025-53770 encoded", spinstall,
            {{"CommandLine",
                "powershell -EncodedCommand "
                "RwBlAHQALQBJAHQAZQBtACAAQwA6AFwAaQBuAGUAdABwAHUAYgBcAHMAcABpAG4AcwB0AGEAbABsADAALgBhAHMAcAB4AA=="}},
            true);
        row("SigmaHQ CVE-2025-53770 other file", spinstall,
            {{"CommandLine",
                "powershell -EncodedCommand "
                "RwBlAHQALQBJAHQAZQBtACAAQwA6AFwAaQBuAGUAdABwAHUAYgBcAHMAcABpAG4AcwB0AGEAbABsADEALgBhAHMAcAB4AA=="}},
            false);
        // file_delete_win_delete_own_image.yml: TargetFilename|fieldref
        const auto ownImage = item("TargetFilename", {M::Fieldref}, {str("Image")});
        row("SigmaHQ delete own image", ownImage,
            {{"Image", "C:\\Users\\x\\AppData\\Local\\Temp\\a.exe"},
                {"TargetFilename", "C:\\Users\\x\\AppData\\Local\\Temp\\a.exe"}},
            true);
        // win_security_adcs_certighost_*: Attributes|contains|expand '%known_cdcs%'
        const auto cdcs = item("Attributes", {M::Contains, M::Expand}, {str("%known_cdcs%")});
        row("SigmaHQ expand known DC", cdcs, {{"Attributes", "cdc:10.0.0.5\nrmd:x"}}, true);
        row("SigmaHQ expand unknown DC", cdcs, {{"Attributes", "cdc:evil\nrmd:x"}}, false);
    }
    void matching() {
        QFETCH(DetectionItem, detection);
        QFETCH(Fields, event);
        QFETCH(bool, expected);
        std::string error;
        const bool matched = run(detection, event, &error);
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(matched, expected);
    }

    void refusals_data() {
        QTest::addColumn<DetectionItem>("detection");
        QTest::addColumn<QString>("reason");
        auto row = [](const char *name, const DetectionItem &d, const char *reason) {
            QTest::addRow("%s", name) << d << QString::fromUtf8(reason);
        };
        row("re with contains", item("CommandLine", {M::Re, M::Contains}, {str("a.b")}),
            "CommandLine|re|contains: 're' cannot be combined with 'contains'");
        row("contains before re", item("CommandLine", {M::Contains, M::Re}, {str("a.b")}),
            "applies to the value as written");
        row("re with base64", item("CommandLine", {M::Re, M::Base64}, {str("a.b")}), "value transformations");
        row("re invalid", item("CommandLine", {M::Re}, {str("a(b")}), "at offset 3");
        row("re flag without re", item("CommandLine", {M::ReInsensitive}, {str("a")}), "'i' is a flag of 're'");
        row("re with cased", item("CommandLine", {M::Re, M::Cased}, {str("a")}), "'cased' does not apply");
        row("base64 with wildcards", item("CommandLine", {M::Base64}, {str("a*b")}),
            "cannot encode a value with wildcards");
        row("contains before base64", item("CommandLine", {M::Contains, M::Base64}, {str("ab")}),
            "cannot encode a value with wildcards");
        row("base64offset of one byte", item("CommandLine", {M::Base64Offset}, {str("a")}), "at least two bytes");
        row("base64 and base64offset", item("CommandLine", {M::Base64, M::Base64Offset}, {str("abc")}),
            "contradict each other");
        row("utf16 after base64", item("CommandLine", {M::Base64, M::Utf16le}, {str("abc")}), "must come before");
        row("utf16 with question mark", item("CommandLine", {M::Utf16le}, {str("a?c")}), "no UTF-16 form");
        row("cidr on a number", item("DestinationIp", {M::Cidr}, {num("10")}), "not a number");
        row("cidr invalid", item("DestinationIp", {M::Cidr}, {str("10.0.0.1/8")}), "host bits");
        row("cidr with contains", item("DestinationIp", {M::Cidr, M::Contains}, {str("10.0.0.0/8")}),
            "cidr cannot be combined with string modifiers");
        row("cidr on keywords", keywords({M::Cidr}, {str("10.0.0.0/8")}), "needs a field");
        row("all with one value", item("CommandLine", {M::Contains, M::All}, {str("a")}), "'all' needs a list");
        row("two positions", item("CommandLine", {M::Contains, M::StartsWith}, {str("a")}),
            "'contains' and 'startswith' contradict each other");
        row("modifier twice", item("CommandLine", {M::Contains, M::Contains}, {str("a")}), "'contains' is given twice");
        row("exists without field", keywords({M::Exists}, {boolean(true)}), "needs a field");
        row("exists not boolean", item("Pwd", {M::Exists}, {str("maybe")}), "true or false");
        row("exists two values", item("Pwd", {M::Exists}, {boolean(true), boolean(false)}), "one value");
        row("exists with contains", item("Pwd", {M::Contains, M::Exists}, {boolean(true)}), "value as written");
        row("exists with neq", item("Pwd", {M::Exists, M::Neq}, {boolean(true)}), "no other modifiers");
        row("lt on text", item("Count", {M::Lt}, {str("abc")}), "'abc' is not a number");
        row("lt on boolean", item("Count", {M::Lt}, {boolean(true)}), "not a number (a boolean)");
        row("lt and gt", item("Count", {M::Lt, M::Gt}, {num("1")}), "two comparisons");
        row("lt and re", item("Count", {M::Re, M::Lt}, {num("1")}), "'re' and 'lt' contradict each other");
        row("lt with contains", item("Count", {M::Lt, M::Contains}, {num("1")}), "string modifiers");
        row("hour out of range", item("UtcTime", {M::Hour}, {num("25")}), "outside 0–23");
        row("hour not whole", item("UtcTime", {M::Hour}, {num("2.5")}), "whole number");
        row("two time parts", item("UtcTime", {M::Hour, M::Day}, {num("2")}), "two time parts");
        row("null in a list", item("Pwd", {}, {null(), str("")}), "null cannot be part of a list");
        row("null with contains", item("Pwd", {M::Contains}, {null()}), "null takes no modifiers but 'neq'");
        row("windash too many dashes", item("CommandLine", {M::Windash}, {str("-a -b -c -d -e -f")}), "more than 4096");
        row("fieldref with wildcard", item("TargetFilename", {M::Fieldref}, {str("Im*")}), "without wildcards");
        row("fieldref with base64", item("TargetFilename", {M::Fieldref, M::Base64}, {str("Image")}),
            "value transformations");
        row("fieldref on keywords", keywords({M::Fieldref}, {str("Image")}), "needs a field");
        row("empty field name", item("", {}, {str("x")}), "field name is empty");
        row("keyword null", keywords({}, {null()}), "null needs a field");
    }
    void refusals() {
        QFETCH(DetectionItem, detection);
        QFETCH(QString, reason);
        const auto matcher = compileItem(detection, MatchContext {});
        QVERIFY(!matcher.ok());
        QVERIFY2(QString::fromStdString(matcher.error().message).contains(reason), matcher.error().message.c_str());
    }

    // What the engine receives: the values after the modifiers.
    void compiledValues() {
        const auto windash = compileItem(item("CommandLine", {M::Contains, M::Windash}, {str(" -ma ")}), {});
        QVERIFY(windash.ok());
        QCOMPARE(windash->values.size(), std::size_t(5));
        QVERIFY(windash->field == internField("CommandLine"));
        QCOMPARE(std::get<Glob>(windash->values[1]).toHyperscanExpression(), std::string("\\x20\\x2fma\\x20"));

        const auto offsets
            = compileItem(item("CommandLine", {M::Base64Offset, M::Contains}, {str("/c powershell")}), {});
        QVERIFY(offsets.ok());
        QCOMPARE(offsets->values.size(), std::size_t(3));
        QCOMPARE(std::get<Glob>(offsets->values[0]).toHyperscanExpression(), std::string("L2MgcG93ZXJzaGVsb"));
        QCOMPARE(std::get<Glob>(offsets->values[1]).toHyperscanExpression(), std::string("9jIHBvd2Vyc2hlbG"));
        QCOMPARE(std::get<Glob>(offsets->values[2]).toHyperscanExpression(), std::string("vYyBwb3dlcnNoZWxs"));
        QVERIFY(!std::get<Glob>(offsets->values[0]).caseSensitive());

        // A keyword is a contains search.
        const auto keyword = compileItem(keywords({}, {str("event::clear")}), {});
        QVERIFY(keyword.ok());
        QVERIFY(!keyword->field);
        QCOMPARE(std::get<Glob>(keyword->values[0]).toHyperscanExpression(), std::string("event\\x3a\\x3aclear"));

        // Under `all`, a value with several variants becomes one alternation.
        const auto windashAll
            = compileItem(item("CommandLine", {M::Contains, M::All, M::Windash}, {str(" -i"), str("cmd")}), {});
        QVERIFY(windashAll.ok());
        QVERIFY(windashAll->all);
        QCOMPARE(windashAll->values.size(), std::size_t(2));
        QVERIFY(std::holds_alternative<Regex>(windashAll->values[0]));
        QVERIFY(std::get<Regex>(windashAll->values[0]).flags().caseless);
        QVERIFY(std::holds_alternative<Glob>(windashAll->values[1]));

        const auto neq = compileItem(item("User", {M::Neq, M::Cased}, {str("root")}), {});
        QVERIFY(neq.ok());
        QVERIFY(neq->negate);
        QVERIFY(std::get<Glob>(neq->values[0]).caseSensitive());

        const auto re = compileItem(item("CommandLine", {M::Re, M::ReInsensitive, M::ReDotAll}, {str("a.b")}), {});
        QVERIFY(re.ok());
        QVERIFY((std::get<Regex>(re->values[0]).flags() == Regex::Flags {true, false, true}));

        const auto hour = compileItem(item("UtcTime", {M::Hour, M::Gte}, {num("9")}), {});
        QVERIFY(hour.ok());
        const auto &number = std::get<NumberMatch>(hour->values[0]);
        QVERIFY(number.op == NumberMatch::Op::Gte);
        QVERIFY(number.timePart == TimePart::Hour);
        QCOMPARE(number.value, 9.0);
    }

    void unresolvedPlaceholders() {
        std::vector<std::string> unresolved;
        const MatchContext context {&placeholders(), &unresolved};
        const auto matcher = compileItem(
            item("Host", {M::Expand}, {str("%Servers%"), str("%Admins%"), str("%Workstations%"), str("%Servers%")}),
            context);
        QVERIFY(matcher.ok());
        QCOMPARE(unresolved, (std::vector<std::string> {"Servers", "Workstations"}));
        QCOMPARE(matcher->values.size(), std::size_t(2)); // root, adm*n

        // Under `all`, one value that expands to nothing makes the item match nothing.
        const auto all = compileItem(item("Host", {M::Expand, M::All}, {str("%Admins%"), str("%Servers%")}), context);
        QVERIFY(all.ok());
        QVERIFY(all->values.empty());
        EventBatch batch;
        Event &event = batch.addEvent();
        batch.setField(event, internField("Host"), "root");
        QVERIFY(!all->matches(event, keywordFields()));

        // Without configuration every placeholder is unresolved.
        std::vector<std::string> none;
        QVERIFY(compileItem(item("Host", {M::Expand}, {str("%Admins%")}), MatchContext {nullptr, &none}).ok());
        QCOMPARE(none, std::vector<std::string> {"Admins"});
    }

    void emptyValueList() {
        // An empty list matches nothing; under neq the item then holds.
        EventBatch batch;
        Event &event = batch.addEvent();
        batch.setField(event, internField("User"), "root");
        const auto empty = compileItem(item("User", {}, {}), {});
        QVERIFY(empty.ok());
        QVERIFY(!empty->matches(event, keywordFields()));
        const auto negated = compileItem(item("User", {M::Neq}, {}), {});
        QVERIFY(negated.ok());
        QVERIFY(negated->matches(event, keywordFields()));
    }
};

QTEST_GUILESS_MAIN(TestSigmaItem)
#include "tst_sigmaitem.moc"
