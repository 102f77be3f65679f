// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QRegularExpression>
#include <QString>
#include <QTimeZone>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// rsyslog's own test scripts (../shared/data/syslog/rsyslog/*.sh), read as they are: the messages
// they send, the output template, filters, and the output they expect. Parser tests render their
// parse with the script's template and compare. Header-only: tests share it.
namespace vanopticon::testsupport::rsyslog {

// What the scripts call $RS_HOSTNAME: the receiving host.
inline constexpr char kLocalHost[] = "rs-test-host";

inline constexpr std::string_view kFacilities[]
    = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
inline constexpr std::string_view kSeverities[]
    = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
inline constexpr std::string_view kMonths[]
    = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

inline std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const std::size_t newline = text.find('\n');
        lines.emplace_back(text.substr(0, newline));
        if (newline == std::string_view::npos)
            break;
        text.remove_prefix(newline + 1);
    }
    return lines;
}

// Bash double quotes: a backslash escapes only $ ` " \ (and a newline); $RS_HOSTNAME expands.
// `pos` is just after the opening quote; on return, just after the closing one.
inline std::optional<std::string> readDoubleQuoted(
    std::string_view text, std::size_t &pos, std::string_view localHost = kLocalHost) {
    std::string out;
    while (pos < text.size()) {
        const char c = text[pos++];
        if (c == '"')
            return out;
        if (c == '\\' && pos < text.size() && std::string_view("$`\"\\\n").find(text[pos]) != std::string_view::npos) {
            if (text[pos] != '\n')
                out += text[pos];
            ++pos;
        } else if (c == '$' && text.substr(pos).starts_with("RS_HOSTNAME")) {
            out += localHost;
            pos += std::string_view("RS_HOSTNAME").size();
        } else {
            out += c;
        }
    }
    return std::nullopt;
}

inline std::optional<std::string> readSingleQuoted(std::string_view text, std::size_t &pos) {
    const std::size_t end = text.find('\'', pos);
    if (end == std::string_view::npos)
        return std::nullopt;
    std::string out(text.substr(pos, end - pos));
    pos = end + 1;
    return out;
}

// One quoted string at `pos` (its opening quote).
inline std::optional<std::string> readQuoted(
    std::string_view text, std::size_t &pos, std::string_view localHost = kLocalHost) {
    if (pos >= text.size())
        return std::nullopt;
    const char quote = text[pos++];
    if (quote == '"')
        return readDoubleQuoted(text, pos, localHost);
    if (quote == '\'')
        return readSingleQuoted(text, pos);
    return std::nullopt;
}

// One shell word at `pos`: quoted and unquoted pieces up to unquoted white space, joined, as in
// 'it'"'"'s' (→ it's).
inline std::optional<std::string> readWord(
    std::string_view text, std::size_t &pos, std::string_view localHost = kLocalHost) {
    std::string out;
    while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\n') {
        if (text[pos] == '"' || text[pos] == '\'') {
            const auto piece = readQuoted(text, pos, localHost);
            if (!piece)
                return std::nullopt;
            out += *piece;
        } else if (text[pos] == '\\' && pos + 1 < text.size()) {
            out += text[pos + 1];
            pos += 2;
        } else {
            out += text[pos++];
        }
    }
    return out;
}

struct Action {
    std::string type;
    std::vector<std::pair<std::string, std::string>> settings; // lower-case keys
};

struct Script {
    std::vector<std::string> inputs; // messages sent, in order
    std::vector<std::size_t> counts; // per input: how often it is sent (tcpflood -mN)
    std::vector<std::string> expected; // lines of the output file rsyslog must write
    std::vector<std::pair<std::string, bool>> greps; // `grep -q 'text' $RSYSLOG_OUT_LOG[.ok]`
    std::vector<std::pair<std::string, std::size_t>> contentChecks; // content_check_with_count TEXT N
    std::string outputTemplate;
    std::vector<std::pair<std::string, std::string>> parserSettings; // parser(…), lower-case keys
    std::vector<Action> actions; // action(type=… …)
    std::string tagFilter; // `:syslogtag, contains, "…"`
    std::string tagEquals; // `if $syslogtag == "…"`
    std::string msgContains; // `if $msg contains "…"`
    int facilityFilter = -1; // `local4.debug action(…)`
    bool escape8Bit = false; // `$Escape8BitCharactersOnReceive on`
    std::string localHostname = kLocalHost;

    // A setting of the first action of `type`, if given.
    std::optional<std::string> actionSetting(std::string_view type, std::string_view key) const {
        for (const Action &action : actions) {
            if (action.type != type)
                continue;
            for (const auto &[name, value] : action.settings) {
                if (name == key)
                    return value;
            }
            return std::nullopt;
        }
        return std::nullopt;
    }
};

inline std::vector<std::pair<std::string, std::string>> readSettings(const QString &text) {
    static const QRegularExpression settingPattern(QString::fromLatin1("([\\w.]+)=\"([^\"]*)\""));
    std::vector<std::pair<std::string, std::string>> settings;
    for (auto it = settingPattern.globalMatch(text); it.hasNext();) {
        const auto setting = it.next();
        settings.emplace_back(setting.captured(1).toLower().toStdString(), setting.captured(2).toStdString());
    }
    return settings;
}

inline Script readScript(const std::string &text) {
    Script script;
    const QString qtext = QString::fromStdString(text);

    // Inputs: tcpflood [-mN] -M "<double-quoted text that tcpflood's eval unquotes once more>",
    // injectmsg_literal "…" / injectmsg literal '…', and echo '…' > $RSYSLOG_DYNNAME.input (sent
    // with tcpflood -I).
    static const QRegularExpression countPattern(QString::fromLatin1(" -m(\\d+)"));
    for (const std::string &rawLine : splitLines(text)) {
        std::string_view line = rawLine;
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        if (line.starts_with("tcpflood ")) {
            const std::size_t flag = line.find("-M \"");
            if (flag == std::string_view::npos)
                continue;
            std::size_t pos = flag + 4;
            const auto once = readDoubleQuoted(line, pos);
            std::size_t inner = 1;
            if (once && once->size() >= 2 && once->front() == '"') {
                if (const auto twice = readDoubleQuoted(*once, inner)) {
                    script.inputs.push_back(*twice);
                    const auto count = countPattern.match(QString::fromStdString(std::string(line)));
                    script.counts.push_back(count.hasMatch() ? count.captured(1).toULongLong() : 1);
                }
            }
        } else if (line.starts_with("injectmsg_literal ") || line.starts_with("injectmsg literal ")) {
            std::size_t pos = std::string_view("injectmsg literal ").size();
            if (const auto message = readWord(line, pos)) {
                script.inputs.push_back(*message);
                script.counts.push_back(1);
            }
        }
    }

    // Expected output: export EXPECTED=…, echo … | cmp; inputs written with echo … > file.input.
    const std::string_view all = text;
    for (std::size_t at = 0; (at = all.find("EXPECTED=", at)) != std::string_view::npos;) {
        std::size_t pos = at + std::string_view("EXPECTED=").size();
        if (const auto value = readWord(all, pos))
            script.expected = splitLines(*value);
        at = pos;
    }
    for (std::size_t at = 0; (at = all.find("echo ", at)) != std::string_view::npos;) {
        std::size_t pos = at + 5;
        const auto value = readQuoted(all, pos);
        at = pos;
        if (!value)
            continue;
        const std::string_view after = all.substr(pos, all.find('\n', pos) - pos);
        if (after.starts_with(" | cmp")) {
            script.expected = splitLines(*value);
        } else if (after.starts_with(" > $RSYSLOG_DYNNAME.input")) {
            script.inputs.push_back(*value);
            script.counts.push_back(1);
        }
    }
    static const QRegularExpression grepPattern(
        QString::fromLatin1("grep -q '([^']*)' \\$\\{?RSYSLOG_OUT_LOG\\}?(\\.ok)?"));
    for (auto it = grepPattern.globalMatch(qtext); it.hasNext();) {
        const auto match = it.next();
        script.greps.emplace_back(match.captured(1).toStdString(), !match.captured(2).isEmpty());
    }
    static const QRegularExpression contentCheckPattern(
        QString::fromLatin1("^\\s*content_check_with_count (\\S+) (\\d+)"), QRegularExpression::MultilineOption);
    for (auto it = contentCheckPattern.globalMatch(qtext); it.hasNext();) {
        const auto match = it.next();
        script.contentChecks.emplace_back(match.captured(1).toStdString(), match.captured(2).toULongLong());
    }

    static const QRegularExpression templatePattern(
        QString::fromLatin1("template\\(name=\"outfmt\"[^)]*string=\"([^\"]*)\""));
    if (const auto match = templatePattern.match(qtext); match.hasMatch())
        script.outputTemplate = match.captured(1).replace(QStringLiteral("\\n"), QStringLiteral("\n")).toStdString();

    static const QRegularExpression parserPattern(QString::fromLatin1("parser\\(([^)]*)\\)"));
    if (const auto parser = parserPattern.match(qtext); parser.hasMatch())
        script.parserSettings = readSettings(parser.captured(1));
    static const QRegularExpression actionPattern(QString::fromLatin1("action\\(([^)]*)\\)"));
    for (auto it = actionPattern.globalMatch(qtext); it.hasNext();) {
        Action action;
        action.settings = readSettings(it.next().captured(1));
        for (const auto &[key, value] : action.settings) {
            if (key == "type")
                action.type = value;
        }
        script.actions.push_back(std::move(action));
    }

    static const QRegularExpression tagFilterPattern(QString::fromLatin1(":syslogtag, contains, \"([^\"]*)\""));
    if (const auto match = tagFilterPattern.match(qtext); match.hasMatch())
        script.tagFilter = match.captured(1).toStdString();
    static const QRegularExpression tagEqualsPattern(QString::fromLatin1("if \\$syslogtag == \"([^\"]*)\""));
    if (const auto match = tagEqualsPattern.match(qtext); match.hasMatch())
        script.tagEquals = match.captured(1).toStdString();
    static const QRegularExpression msgContainsPattern(QString::fromLatin1("if \\$msg contains \"([^\"]*)\""));
    if (const auto match = msgContainsPattern.match(qtext); match.hasMatch())
        script.msgContains = match.captured(1).toStdString();
    static const QRegularExpression selectorPattern(
        QString::fromLatin1("^(\\w+)\\.\\w+ action\\("), QRegularExpression::MultilineOption);
    if (const auto match = selectorPattern.match(qtext); match.hasMatch()) {
        const std::string facility = match.captured(1).toStdString();
        for (int i = 0; i < 24; ++i) {
            if (kFacilities[i] == facility)
                script.facilityFilter = i;
        }
    }
    script.escape8Bit = qtext.contains(u"$Escape8BitCharactersOnReceive on");
    static const QRegularExpression localHostnamePattern(QString::fromLatin1("localHostname=\"([^\"]*)\""));
    if (const auto match = localHostnamePattern.match(qtext); match.hasMatch())
        script.localHostname = match.captured(1).toStdString();
    return script;
}

// rsyslog's $Escape8BitCharactersOnReceive: bytes >= 0x80 become '#' and three octal digits.
inline std::string escape8Bit(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
            continue;
        }
        out += '#';
        out += static_cast<char>('0' + ((byte >> 6) & 7));
        out += static_cast<char>('0' + ((byte >> 3) & 7));
        out += static_cast<char>('0' + (byte & 7));
    }
    return out;
}

// A time as rsyslog's date options print it, in the zone `utcOffsetSeconds` east of UTC (the
// sender's, for an RFC 5424 timestamp).
inline std::string formatTime(std::int64_t ns, std::int32_t utcOffsetSeconds, std::string_view format) {
    const QDateTime time
        = QDateTime::fromMSecsSinceEpoch(ns / 1'000'000 + std::int64_t {utcOffsetSeconds} * 1000, QTimeZone::utc());
    const QDate date = time.date();
    const QTime clock = time.time();
    char buffer[64];
    if (format == "date-rfc3339") {
        const int offsetMinutes = std::abs(utcOffsetSeconds) / 60;
        std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06d%c%02d:%02d", date.year(),
            date.month(), date.day(), clock.hour(), clock.minute(), clock.second(),
            static_cast<int>((ns / 1000) % 1'000'000), utcOffsetSeconds < 0 ? '-' : '+', offsetMinutes / 60,
            offsetMinutes % 60);
    } else {
        const char *pattern = format == "date-rfc3164-buggyday" ? "%s %02d %02d:%02d:%02d" : "%s %2d %02d:%02d:%02d";
        std::snprintf(buffer, sizeof(buffer), pattern, kMonths[date.month() - 1].data(), date.day(), clock.hour(),
            clock.minute(), clock.second());
    }
    return buffer;
}

// The value of a template property (e.g. "hostname"), given the date option in force for
// time properties ("date-rfc3164" unless the template says otherwise); nullopt when unknown.
using PropertyLookup = std::function<std::optional<std::string>(std::string_view name, std::string_view dateFormat)>;

// One %property:from:to:options% (or %property:R,ERE,0,BLANK:regex--end:options%) of a template.
inline std::optional<std::string> renderProperty(std::string_view spec, const PropertyLookup &lookup) {
    const std::size_t colon = spec.find(':');
    const std::string_view name = spec.substr(0, colon);
    std::string_view rest = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
    std::string regex;
    std::string_view from;
    std::string_view to;
    std::string_view options;
    if (rest.starts_with("R,ERE,0,BLANK:")) {
        rest.remove_prefix(std::string_view("R,ERE,0,BLANK:").size());
        const std::size_t end = rest.find("--end");
        if (end == std::string_view::npos)
            return std::nullopt;
        regex = rest.substr(0, end);
        rest.remove_prefix(end + 5);
        options = rest.starts_with(':') ? rest.substr(1) : rest;
    } else if (!rest.empty()) {
        const std::size_t second = rest.find(':');
        const std::size_t third = rest.find(':', second + 1);
        if (second == std::string_view::npos || third == std::string_view::npos)
            return std::nullopt;
        from = rest.substr(0, second);
        to = rest.substr(second + 1, third - second - 1);
        options = rest.substr(third + 1);
    }
    std::vector<std::string_view> optionList;
    while (!options.empty()) {
        const std::size_t comma = options.find(',');
        optionList.push_back(options.substr(0, comma));
        options = comma == std::string_view::npos ? std::string_view() : options.substr(comma + 1);
    }
    std::string_view dateFormat = "date-rfc3164";
    bool csv = false;
    bool dropLastLf = false;
    for (std::string_view option : optionList) {
        if (option.starts_with("date-"))
            dateFormat = option;
        else if (option == "csv")
            csv = true;
        else if (option == "drop-last-lf")
            dropLastLf = true;
        else
            return std::nullopt;
    }

    auto found = lookup(name, dateFormat);
    if (!found)
        return std::nullopt;
    std::string value = std::move(*found);
    if (!regex.empty()) {
        const auto match = QRegularExpression(QString::fromStdString(regex)).match(QString::fromStdString(value));
        value = match.hasMatch() ? match.captured(0).toStdString() : std::string();
    }
    if (!from.empty()) {
        const int first = std::stoi(std::string(from));
        const int last = std::stoi(std::string(to));
        value = value.substr(static_cast<std::size_t>(first - 1), static_cast<std::size_t>(last - first + 1));
    }
    if (dropLastLf && !value.empty() && value.back() == '\n')
        value.pop_back();
    if (csv) {
        std::string quoted = "\"";
        for (char c : value)
            quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        value = quoted + "\"";
    }
    return value;
}

// A whole template; nullopt when it uses a property or option the lookup does not know.
inline std::optional<std::string> render(std::string_view outputTemplate, const PropertyLookup &lookup) {
    std::string out;
    while (!outputTemplate.empty()) {
        const std::size_t open = outputTemplate.find('%');
        out += outputTemplate.substr(0, open);
        if (open == std::string_view::npos)
            break;
        const std::size_t close = outputTemplate.find('%', open + 1);
        if (close == std::string_view::npos)
            return std::nullopt;
        const auto value = renderProperty(outputTemplate.substr(open + 1, close - open - 1), lookup);
        if (!value)
            return std::nullopt;
        out += *value;
        outputTemplate.remove_prefix(close + 1);
    }
    return out;
}

} // namespace vanopticon::testsupport::rsyslog
