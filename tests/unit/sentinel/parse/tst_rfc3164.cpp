// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/rfc3164.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTest>
#include <QTimeZone>

#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace vanopticon::sentinel;

namespace {

const QString kRsyslogDir = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/syslog/rsyslog");
// "Now" for the rsyslog material: its year-less timestamps fall in 2026 or 2025.
const QString kNow = QStringLiteral("2026-11-23T12:00:00Z");
// What the rsyslog scripts call $RS_HOSTNAME: the receiving host, named by our context.
constexpr char kLocalHost[] = "rs-test-host";

std::int64_t nsFromIso(const QString &iso) {
    const QDateTime time = QDateTime::fromString(iso, Qt::ISODate);
    if (!time.isValid())
        qFatal("bad ISO time in test data: %s", qPrintable(iso));
    return time.toSecsSinceEpoch() * 1'000'000'000;
}

SyslogContext contextAt(const QString &nowIso, int utcOffsetSeconds, std::string host = kLocalHost) {
    SyslogContext context;
    context.nowNs = nsFromIso(nowIso);
    context.utcOffsetSeconds = utcOffsetSeconds;
    context.hostName = std::move(host);
    return context;
}

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

std::vector<std::string> splitLines(std::string_view text) {
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

// ---- the rsyslog test scripts, read as they are ----

// Bash double quotes: a backslash escapes only $ ` " \ (and a newline); $RS_HOSTNAME expands.
// `pos` is just after the opening quote; on return, just after the closing one.
std::optional<std::string> readDoubleQuoted(std::string_view text, std::size_t &pos) {
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
            out += kLocalHost;
            pos += std::string_view("RS_HOSTNAME").size();
        } else {
            out += c;
        }
    }
    return std::nullopt;
}

std::optional<std::string> readSingleQuoted(std::string_view text, std::size_t &pos) {
    const std::size_t end = text.find('\'', pos);
    if (end == std::string_view::npos)
        return std::nullopt;
    std::string out(text.substr(pos, end - pos));
    pos = end + 1;
    return out;
}

std::optional<std::string> readQuoted(std::string_view text, std::size_t &pos) {
    if (pos >= text.size())
        return std::nullopt;
    const char quote = text[pos++];
    if (quote == '"')
        return readDoubleQuoted(text, pos);
    if (quote == '\'')
        return readSingleQuoted(text, pos);
    return std::nullopt;
}

constexpr std::string_view kFacilities[]
    = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
constexpr std::string_view kSeverities[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
constexpr std::string_view kMonths[]
    = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct RsyslogScript {
    std::vector<std::string> inputs; // messages sent, in order
    std::vector<std::string> expected; // lines of the output file rsyslog must write
    std::vector<std::pair<std::string, bool>> greps; // `grep -q 'text' $RSYSLOG_OUT_LOG[.ok]`
    std::string outputTemplate;
    Rfc3164Options options;
    QStringList unsupportedOptions;
    std::string tagFilter; // `:syslogtag, contains, "…"`
    int facilityFilter = -1; // `local4.debug action(…)`
    bool escape8Bit = false; // `$Escape8BitCharactersOnReceive on`
    std::string localHostname = kLocalHost;
};

RsyslogScript readScript(const std::string &text) {
    RsyslogScript script;
    const QString qtext = QString::fromStdString(text);

    // Inputs: tcpflood -M "<double-quoted text that tcpflood's eval unquotes once more>",
    // injectmsg_literal "…", and echo '…' > $RSYSLOG_DYNNAME.input (sent with tcpflood -I).
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
                if (const auto twice = readDoubleQuoted(*once, inner))
                    script.inputs.push_back(*twice);
            }
        } else if (line.starts_with("injectmsg_literal \"")) {
            std::size_t pos = std::string_view("injectmsg_literal \"").size();
            if (const auto message = readDoubleQuoted(line, pos))
                script.inputs.push_back(*message);
        }
    }

    // Expected output: export EXPECTED=…, echo … | cmp; inputs written with echo … > file.input.
    const std::string_view all = text;
    for (std::size_t at = 0; (at = all.find("EXPECTED=", at)) != std::string_view::npos;) {
        std::size_t pos = at + std::string_view("EXPECTED=").size();
        if (const auto value = readQuoted(all, pos))
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
        if (after.starts_with(" | cmp"))
            script.expected = splitLines(*value);
        else if (after.starts_with(" > $RSYSLOG_DYNNAME.input"))
            script.inputs.push_back(*value);
    }
    static const QRegularExpression grepPattern(
        QStringLiteral(R"re(grep -q '([^']*)' \$\{?RSYSLOG_OUT_LOG\}?(\.ok)?)re"));
    for (auto it = grepPattern.globalMatch(qtext); it.hasNext();) {
        const auto match = it.next();
        script.greps.emplace_back(match.captured(1).toStdString(), !match.captured(2).isEmpty());
    }

    static const QRegularExpression templatePattern(
        QStringLiteral(R"re(template\(name="outfmt"[^)]*string="([^"]*)")re"));
    if (const auto match = templatePattern.match(qtext); match.hasMatch())
        script.outputTemplate = match.captured(1).replace(QStringLiteral("\\n"), QStringLiteral("\n")).toStdString();

    static const QRegularExpression parserPattern(QStringLiteral(R"re(parser\(([^)]*)\))re"));
    static const QRegularExpression settingPattern(QStringLiteral(R"re(([\w.]+)="([^"]*)")re"));
    if (const auto parser = parserPattern.match(qtext); parser.hasMatch()) {
        for (auto it = settingPattern.globalMatch(parser.captured(1)); it.hasNext();) {
            const auto setting = it.next();
            const QString key = setting.captured(1).toLower();
            const bool on = setting.captured(2) == u"on";
            if (key == u"name" || key == u"type" || key.startsWith(u"headerless."))
                continue; // where headerless lines go is the test's business, not the parser's
            if (key == u"permit.slashesinhostname")
                script.options.permitSlashesInHostname = on;
            else if (key == u"permit.atsignsinhostname")
                script.options.permitAtSignsInHostname = on;
            else if (key == u"force.tagendingbycolon")
                script.options.forceTagEndingByColon = on;
            else if (key == u"detect.headerless")
                script.options.detectHeaderless = on;
            else
                script.unsupportedOptions << key;
        }
    }

    static const QRegularExpression tagFilterPattern(QStringLiteral(R"re(:syslogtag, contains, "([^"]*)")re"));
    if (const auto match = tagFilterPattern.match(qtext); match.hasMatch())
        script.tagFilter = match.captured(1).toStdString();
    static const QRegularExpression selectorPattern(
        QStringLiteral(R"re(^(\w+)\.\w+ action\()re"), QRegularExpression::MultilineOption);
    if (const auto match = selectorPattern.match(qtext); match.hasMatch()) {
        const std::string facility = match.captured(1).toStdString();
        for (int i = 0; i < 24; ++i) {
            if (kFacilities[i] == facility)
                script.facilityFilter = i;
        }
    }
    script.escape8Bit = qtext.contains(u"$Escape8BitCharactersOnReceive on");
    static const QRegularExpression localHostnamePattern(QStringLiteral(R"re(localHostname="([^"]*)")re"));
    if (const auto match = localHostnamePattern.match(qtext); match.hasMatch())
        script.localHostname = match.captured(1).toStdString();
    return script;
}

// rsyslog's $Escape8BitCharactersOnReceive: bytes >= 0x80 become '#' and three octal digits.
std::string escape8Bit(std::string_view text) {
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

// Handled by rsyslog's RFC 5424 parser ("<PRI>1 "), which is not this parser's job.
bool isRfc5424(std::string_view line) {
    static const QRegularExpression pattern(QStringLiteral(R"re(^<\d{1,3}>1 )re"));
    return pattern.match(QString::fromStdString(std::string(line))).hasMatch();
}

struct Rendering {
    const SyslogMessage &message;
    std::string_view line;
    std::string_view localHostname;
};

std::string formatTime(std::int64_t ns, std::string_view format) {
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, QTimeZone::utc());
    const QDate date = time.date();
    const QTime clock = time.time();
    char buffer[64];
    if (format == "date-rfc3339") {
        std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", date.year(), date.month(),
            date.day(), clock.hour(), clock.minute(), clock.second(), static_cast<int>((ns / 1000) % 1'000'000));
    } else {
        const char *pattern = format == "date-rfc3164-buggyday" ? "%s %02d %02d:%02d:%02d" : "%s %2d %02d:%02d:%02d";
        std::snprintf(buffer, sizeof(buffer), pattern, kMonths[date.month() - 1].data(), date.day(), clock.hour(),
            clock.minute(), clock.second());
    }
    return buffer;
}

// One %property:from:to:options% (or %property:R,ERE,0,BLANK:regex--end:options%) of a template.
std::optional<std::string> renderProperty(std::string_view spec, const Rendering &r) {
    const SyslogMessage &m = r.message;
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

    // rsyslog's defaults for a line without PRI: user.notice (13).
    const int priority = m.priority < 0 ? 13 : m.priority;
    std::string value;
    if (name == "PRI")
        value = std::to_string(priority);
    else if (name == "syslogfacility-text")
        value = kFacilities[priority / 8];
    else if (name == "syslogseverity-text")
        value = kSeverities[priority % 8];
    else if (name == "syslogseverity")
        value = std::to_string(priority % 8);
    else if (name == "timestamp" || name == "timereported")
        value = formatTime(m.timestampNs, dateFormat);
    else if (name == "hostname")
        value = m.hostname.empty() ? r.localHostname : m.hostname;
    else if (name == "programname")
        value = m.appName;
    else if (name == "syslogtag")
        value = m.tag;
    else if (name == "msg") // rsyslog's MSG is everything after the tag, separating space included
        value = r.line.substr(static_cast<std::size_t>(m.tag.data() + m.tag.size() - r.line.data()));
    else
        return std::nullopt;

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

std::optional<std::string> render(std::string_view outputTemplate, const Rendering &r) {
    std::string out;
    while (!outputTemplate.empty()) {
        const std::size_t open = outputTemplate.find('%');
        out += outputTemplate.substr(0, open);
        if (open == std::string_view::npos)
            break;
        const std::size_t close = outputTemplate.find('%', open + 1);
        if (close == std::string_view::npos)
            return std::nullopt;
        const auto value = renderProperty(outputTemplate.substr(open + 1, close - open - 1), r);
        if (!value)
            return std::nullopt;
        out += *value;
        outputTemplate.remove_prefix(close + 1);
    }
    return out;
}

bool withinLine(std::string_view part, std::string_view line) {
    return part.data() >= line.data() && part.data() + part.size() <= line.data() + line.size();
}

} // namespace

class TestRfc3164 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void authLogForms_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("now");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<int>("priority");
        QTest::addColumn<QString>("hostname");
        QTest::addColumn<QString>("appName");
        QTest::addColumn<QString>("procId");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("utc"); // empty: the line has no timestamp
        QTest::addColumn<qint64>("fractionNs");

        const QString now = QStringLiteral("2026-11-23T12:00:00Z");
        QTest::addRow("bsd, day padded with a space")
            << "Oct  3 09:15:02 web1 sshd[812]: Accepted publickey for alice from 198.51.100.4 port 50022 ssh2" << now
            << 0 << -1 << "web1"
            << "sshd"
            << "812"
            << "Accepted publickey for alice from 198.51.100.4 port 50022 ssh2"
            << "2026-10-03T09:15:02Z" << qint64(0);
        QTest::addRow("bsd, day padded with a zero")
            << "Oct 03 09:15:02 web1 sshd[812]: Connection closed" << now << 0 << -1 << "web1"
            << "sshd"
            << "812"
            << "Connection closed"
            << "2026-10-03T09:15:02Z" << qint64(0);
        QTest::addRow("bsd, two-digit day")
            << "Nov 21 23:59:59 web1 CRON[4242]: pam_unix(cron:session): session closed for user root" << now << 0 << -1
            << "web1"
            << "CRON"
            << "4242"
            << "pam_unix(cron:session): session closed for user root"
            << "2026-11-21T23:59:59Z" << qint64(0);
        QTest::addRow("bsd in a zone east of UTC") << "Nov 23 10:15:30 web1 sshd[1]: x" << now << 3600 << -1 << "web1"
                                                   << "sshd"
                                                   << "1"
                                                   << "x"
                                                   << "2026-11-23T09:15:30Z" << qint64(0);
        QTest::addRow("bsd in a zone west of UTC")
            << "Nov 23 06:15:30 web1 sshd[1]: x" << now << -5 * 3600 << -1 << "web1"
            << "sshd"
            << "1"
            << "x"
            << "2026-11-23T11:15:30Z" << qint64(0);
        QTest::addRow("december read in january is last year's") << "Dec 31 23:59:59 web1 sshd[1]: x"
                                                                 << "2027-01-02T00:00:00Z" << 0 << -1 << "web1"
                                                                 << "sshd"
                                                                 << "1"
                                                                 << "x"
                                                                 << "2026-12-31T23:59:59Z" << qint64(0);
        QTest::addRow("new year's line read just before midnight (clock skew)")
            << "Jan  1 00:05:00 web1 sshd[1]: x"
            << "2026-12-31T23:50:00Z" << 0 << -1 << "web1"
            << "sshd"
            << "1"
            << "x"
            << "2027-01-01T00:05:00Z" << qint64(0);
        QTest::addRow("a few hours ahead stays this year")
            << "Nov 23 18:00:00 web1 sshd[1]: x" << now << 0 << -1 << "web1"
            << "sshd"
            << "1"
            << "x"
            << "2026-11-23T18:00:00Z" << qint64(0);
        QTest::addRow("more than a day ahead is last year")
            << "Nov 25 12:00:00 web1 sshd[1]: x" << now << 0 << -1 << "web1"
            << "sshd"
            << "1"
            << "x"
            << "2025-11-25T12:00:00Z" << qint64(0);
        QTest::addRow("feb 29 looks back to a leap year")
            << "Feb 29 08:00:00 web1 sshd[1]: x" << now << 0 << -1 << "web1"
            << "sshd"
            << "1"
            << "x"
            << "2024-02-29T08:00:00Z" << qint64(0);
        QTest::addRow("rfc 3339 with microseconds and offset (Debian 12 rsyslog)")
            << "2026-11-23T10:15:30.123456+01:00 web1 sshd[1234]: Failed password for root from 203.0.113.7 port "
               "52144 ssh2"
            << now << 0 << -1 << "web1"
            << "sshd"
            << "1234"
            << "Failed password for root from 203.0.113.7 port 52144 ssh2"
            << "2026-11-23T09:15:30Z" << qint64(123'456'000);
        QTest::addRow("rfc 3339 Z without fraction")
            << "2026-11-23T10:15:30Z web1 sshd[1234]: x" << now << 3600 << -1 << "web1"
            << "sshd"
            << "1234"
            << "x"
            << "2026-11-23T10:15:30Z" << qint64(0);
        QTest::addRow("rfc 3339 west of UTC, nanoseconds")
            << "2026-03-01T00:30:00.000000001-05:30 db2 postgres[77]: checkpoint" << now << 0 << -1 << "db2"
            << "postgres"
            << "77"
            << "checkpoint"
            << "2026-03-01T06:00:00Z" << qint64(1);
        QTest::addRow("pri") << "<38>Oct 11 22:14:15 mymachine sshd[5]: Invalid user admin from 203.0.113.7 port 41234"
                             << now << 0 << 38 << "mymachine"
                             << "sshd"
                             << "5"
                             << "Invalid user admin from 203.0.113.7 port 41234"
                             << "2026-10-11T22:14:15Z" << qint64(0);
        QTest::addRow("tag without pid") << "Oct 11 22:14:15 mymachine su: pam_unix(su:session): session opened" << now
                                         << 0 << -1 << "mymachine"
                                         << "su"
                                         << ""
                                         << "pam_unix(su:session): session opened"
                                         << "2026-10-11T22:14:15Z" << qint64(0);
        QTest::addRow("no host name") << "Oct 11 22:14:15 sshd[99]: Server listening on :: port 22." << now << 0 << -1
                                      << ""
                                      << "sshd"
                                      << "99"
                                      << "Server listening on :: port 22."
                                      << "2026-10-11T22:14:15Z" << qint64(0);
        QTest::addRow("sshd-session")
            << "2026-11-23T10:00:00Z web1 sshd-session[3141]: Failed none for invalid user guest from 2001:db8::5 "
               "port 22 ssh2"
            << now << 0 << -1 << "web1"
            << "sshd-session"
            << "3141"
            << "Failed none for invalid user guest from 2001:db8::5 port 22 ssh2"
            << "2026-11-23T10:00:00Z" << qint64(0);
        QTest::addRow("tag ended by a space")
            << "Oct 11 22:14:15 web1 kernel [12.5] eth0: link up" << now << 0 << -1 << "web1"
            << "kernel"
            << ""
            << "[12.5] eth0: link up"
            << "2026-10-11T22:14:15Z" << qint64(0);
        QTest::addRow("colons in the message")
            << "Oct 11 22:14:15 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls" << now
            << 0 << -1 << "web1"
            << "sudo"
            << ""
            << "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls"
            << "2026-10-11T22:14:15Z" << qint64(0);
        QTest::addRow("no timestamp: the context's now") << "<13>web1 app[1]: hello" << now << 0 << 13 << "web1"
                                                         << "app"
                                                         << "1"
                                                         << "hello"
                                                         << "" << qint64(0);
    }
    void authLogForms() {
        QFETCH(QString, line);
        QFETCH(QString, now);
        QFETCH(int, utcOffset);
        QFETCH(int, priority);
        QFETCH(QString, hostname);
        QFETCH(QString, appName);
        QFETCH(QString, procId);
        QFETCH(QString, message);
        QFETCH(QString, utc);
        QFETCH(qint64, fractionNs);

        const std::string text = line.toStdString();
        SyslogMessage m;
        const ParseOutcome outcome = parseRfc3164(text, contextAt(now, utcOffset), m);
        QVERIFY2(outcome.ok(), outcome.failure.data());
        QCOMPARE(m.priority, priority);
        QCOMPARE(m.facility, priority < 0 ? -1 : priority / 8);
        QCOMPARE(m.severity, priority < 0 ? -1 : priority % 8);
        QCOMPARE(bytes(m.hostname), hostname.toUtf8());
        QCOMPARE(bytes(m.appName), appName.toUtf8());
        QCOMPARE(bytes(m.procId), procId.toUtf8());
        QCOMPARE(bytes(m.message), message.toUtf8());
        QCOMPARE(m.hasTimestamp, !utc.isEmpty());
        QCOMPARE(m.timestampNs, (utc.isEmpty() ? nsFromIso(now) : nsFromIso(utc)) + fractionNs);
    }

    void refusals_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reason");
        QTest::addRow("empty") << QByteArray() << "empty line";
        QTest::addRow("pri not closed") << QByteArray("<13 Oct 11 22:14:15 h t: m") << "malformed PRI";
        QTest::addRow("pri without digits") << QByteArray("<>Oct 11 22:14:15 h t: m") << "malformed PRI";
        QTest::addRow("pri with four digits") << QByteArray("<1234>x") << "malformed PRI";
        QTest::addRow("pri too large") << QByteArray("<192>Oct 11 22:14:15 h t: m") << "PRI out of range";
        QTest::addRow("day 32") << QByteArray("Oct 32 22:14:15 h t: m") << "malformed BSD timestamp";
        QTest::addRow("hour 24") << QByteArray("Oct 11 24:14:15 h t: m") << "malformed BSD timestamp";
        QTest::addRow("one-digit minutes") << QByteArray("Oct 11 22:1:15 h t: m") << "malformed BSD timestamp";
        QTest::addRow("junk after the time") << QByteArray("Oct 11 22:14:15x h t: m") << "malformed BSD timestamp";
        QTest::addRow("february 30") << QByteArray("Feb 30 10:00:00 h t: m") << "does not exist";
        QTest::addRow("rfc 3339 month 13") << QByteArray("2026-13-01T00:00:00Z h t: m") << "malformed RFC 3339";
        QTest::addRow("rfc 3339 april 31") << QByteArray("2026-04-31T00:00:00Z h t: m") << "does not exist";
        QTest::addRow("rfc 3339 without zone") << QByteArray("2026-11-23T10:15:30 h t: m") << "malformed RFC 3339";
        QTest::addRow("rfc 3339 offset without colon")
            << QByteArray("2026-11-23T10:15:30+0100 h t: m") << "malformed RFC 3339";
        QTest::addRow("rfc 3339 year before 1970") << QByteArray("1969-12-31T23:59:59Z h t: m") << "out of range";
        QTest::addRow("rfc 3339 year 9999 (would overflow ns)")
            << QByteArray("9999-12-31T23:59:59Z h t: m") << "out of range";
        QTest::addRow("bsd year out of range") << QByteArray("Mar  7 2300 19:06:53 h t: m") << "out of range";
    }
    void refusals() {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);
        SyslogMessage m;
        const ParseOutcome outcome
            = parseRfc3164(std::string_view(line.constData(), line.size()), contextAt(kNow, 0), m);
        QVERIFY(!outcome.ok());
        QVERIFY2(QString::fromUtf8(bytes(outcome.failure)).contains(reason), outcome.failure.data());
    }

    // rsyslog's own parser tests, read from the scripts at test time; every output line the script
    // expects from an RFC 3164 message is rendered from our parse with the script's template.
    void rsyslogScripts_data() {
        QTest::addColumn<QString>("file");
        for (const char *file :
            {"parsertest-parse1.sh", "parsertest-parse2.sh", "parsertest-parse3.sh", "parsertest-parse_8bit_escape.sh",
                "parsertest-parse-3164-buggyday.sh", "parsertest-parse-nodate.sh", "timestamp-3164.sh",
                "hostname-with-slash-pmrfc3164.sh", "pmrfc3164-AtSignsInHostname.sh", "pmrfc3164-tagEndingByColon.sh"})
            QTest::newRow(file) << QString::fromLatin1(file);
    }
    void rsyslogScripts() {
        QFETCH(QString, file);
        const std::string text = readFile(kRsyslogDir + u'/' + file);
        QVERIFY2(!text.empty(), qPrintable(kRsyslogDir + u'/' + file));
        const RsyslogScript script = readScript(text);
        QVERIFY2(script.unsupportedOptions.isEmpty(), qPrintable(script.unsupportedOptions.join(u", ")));
        QVERIFY(!script.inputs.empty());
        QVERIFY(!script.expected.empty());
        QVERIFY(!script.outputTemplate.empty());

        const SyslogContext context = contextAt(kNow, 0, script.localHostname);
        std::size_t next = 0;
        std::size_t compared = 0;
        for (const std::string &input : script.inputs) {
            const std::string line = script.escape8Bit ? escape8Bit(input) : input;
            if (isRfc5424(line)) {
                // rsyslog hands these to its RFC 5424 parser; only an unfiltered script has their output.
                QVERIFY(script.tagFilter.empty() && script.facilityFilter < 0);
                ++next;
                continue;
            }
            SyslogMessage m;
            const ParseOutcome outcome = parseRfc3164(line, context, m, script.options);
            QVERIFY2(outcome.ok(), qPrintable(QString::fromStdString(line + " → " + std::string(outcome.failure))));
            if (!script.tagFilter.empty() && m.tag.find(script.tagFilter) == std::string_view::npos)
                continue;
            if (script.facilityFilter >= 0 && (m.priority < 0 ? 1 : m.facility) != script.facilityFilter)
                continue;
            auto rendered = render(script.outputTemplate, Rendering {m, line, script.localHostname});
            QVERIFY2(rendered.has_value(), script.outputTemplate.c_str());
            if (!rendered->empty() && rendered->back() == '\n')
                rendered->pop_back();
            QVERIFY2(next < script.expected.size(), line.c_str());
            QCOMPARE(QByteArray::fromStdString(*rendered), QByteArray::fromStdString(script.expected[next]));
            ++next;
            ++compared;
        }
        QCOMPARE(next, script.expected.size());
        QVERIFY(compared > 0);
    }

    // pmrfc3164-headerless.sh: with detect.headerless, a line with neither PRI nor timestamp is all
    // message (rsyslog routes it to the headerless ruleset); a normal line is parsed as usual.
    void rsyslogHeaderless() {
        const std::string text = readFile(kRsyslogDir + QStringLiteral("/pmrfc3164-headerless.sh"));
        QVERIFY(!text.empty());
        const RsyslogScript script = readScript(text);
        QVERIFY(script.options.detectHeaderless);
        QCOMPARE(script.inputs.size(), std::size_t(2));
        QVERIFY(!script.greps.empty());

        std::string headerlessOutput;
        std::string normalOutput;
        for (const std::string &line : script.inputs) {
            SyslogMessage m;
            QVERIFY(parseRfc3164(line, contextAt(kNow, 0), m, script.options).ok());
            if (m.headerless) {
                QCOMPARE(bytes(m.message), QByteArray::fromStdString(line));
                QVERIFY(m.hostname.empty() && m.tag.empty() && m.priority == -1 && !m.hasTimestamp);
                headerlessOutput += std::string(m.message) + "\n";
            } else {
                normalOutput
                    += std::string(m.hostname) + " " + std::string(m.tag) + " " + std::string(m.message) + "\n";
            }
        }
        for (const auto &[pattern, inNormalOutput] : script.greps) {
            const std::string &output = inNormalOutput ? normalOutput : headerlessOutput;
            QVERIFY2(output.find(pattern) != std::string::npos, pattern.c_str());
        }
        // Without the option the same line is read the classic way: first word host, second tag.
        SyslogMessage classic;
        QVERIFY(parseRfc3164(script.inputs.front(), contextAt(kNow, 0), classic).ok());
        QVERIFY(!classic.headerless);
        QCOMPARE(bytes(classic.hostname), QByteArray("this"));
    }

    void rsyslogFuzzCorpus_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("priority");
        QTest::addColumn<QString>("hostname");
        QTest::addColumn<QString>("appName");
        QTest::addColumn<QString>("procId");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("utc"); // empty: no timestamp
        QTest::addRow("rfc3164-basic") << "rfc3164-basic" << 34 << "mymachine"
                                       << "su"
                                       << ""
                                       << "'su root' failed for lonvick on /dev/pts/8"
                                       << "2026-10-11T22:14:15Z";
        QTest::addRow("rfc3164-no-pri") << "rfc3164-no-pri" << -1 << "host.example"
                                        << "app"
                                        << "123"
                                        << "legacy message without PRI"
                                        << "2026-10-11T22:14:15Z";
        QTest::addRow("rfc3164-rfc3339") << "rfc3164-rfc3339" << 13 << "host"
                                         << "daemon"
                                         << ""
                                         << "timestamp variant"
                                         << "2026-07-23T07:30:45.123Z";
        QTest::addRow("rfc3164-short") << "rfc3164-short" << 0 << "x"
                                       << ""
                                       << ""
                                       << ""
                                       << "";
    }
    void rsyslogFuzzCorpus() {
        QFETCH(QString, file);
        QFETCH(int, priority);
        QFETCH(QString, hostname);
        QFETCH(QString, appName);
        QFETCH(QString, procId);
        QFETCH(QString, message);
        QFETCH(QString, utc);
        std::string line = readFile(kRsyslogDir + QStringLiteral("/fuzz-corpus/") + file);
        QVERIFY(!line.empty());
        if (line.back() == '\n')
            line.pop_back();
        const SyslogContext context = contextAt(kNow, 0);
        SyslogMessage m;
        QVERIFY(parseRfc3164(line, context, m).ok());
        QCOMPARE(m.priority, priority);
        QCOMPARE(bytes(m.hostname), hostname.toUtf8());
        QCOMPARE(bytes(m.appName), appName.toUtf8());
        QCOMPARE(bytes(m.procId), procId.toUtf8());
        QCOMPARE(bytes(m.message), message.toUtf8());
        QCOMPARE(m.hasTimestamp, !utc.isEmpty());
        const std::int64_t expected = utc.isEmpty()
            ? context.nowNs
            : QDateTime::fromString(utc, Qt::ISODateWithMs).toMSecsSinceEpoch() * 1'000'000;
        QCOMPARE(m.timestampNs, expected);
    }

    // influxdata/go-syslog's RFC 3164 cases: the valid ones must parse.
    void goSyslogCases() {
        const std::string text
            = readFile(QStringLiteral(VANOPTICON_TEST_DATA_DIR "/syslog/go-syslog/rfc3164_cases.jsonl"));
        QVERIFY(!text.empty());
        int cases = 0;
        for (const std::string &jsonLine : splitLines(text)) {
            if (jsonLine.empty())
                continue;
            const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(jsonLine)).object();
            QVERIFY(object.contains(u"input"));
            const std::string line = object.value(u"input").toString().toStdString();
            SyslogMessage m;
            const bool parsed = parseRfc3164(line, contextAt(kNow, 0), m).ok();
            QCOMPARE(parsed, object.value(u"valid").toBool());
            if (parsed) {
                QCOMPARE(bytes(m.hostname), QByteArray("xxx"));
                QVERIFY(!m.appName.empty() && m.hasTimestamp && m.priority == 34);
            }
            ++cases;
        }
        QVERIFY(cases > 0);
    }

    // Hostile bytes: every prefix and thousands of mutations of real lines either parse, with all
    // views inside the line, or fail with a reason.
    void hostileInputIsRefusedOrParsedNeverMisread() {
        std::vector<std::string> seeds;
        for (const char *file : {"parsertest-parse1.sh", "pmrfc3164-tagEndingByColon.sh", "timestamp-3164.sh"}) {
            const RsyslogScript script = readScript(readFile(kRsyslogDir + u'/' + QLatin1String(file)));
            seeds.insert(seeds.end(), script.inputs.begin(), script.inputs.end());
        }
        seeds.emplace_back("2026-11-23T10:15:30.123456+01:00 web1 sshd[1234]: Failed password for root from "
                           "203.0.113.7 port 52144 ssh2");
        seeds.emplace_back("Oct  3 09:15:02 web1 sshd[812]: Accepted publickey for alice");
        QVERIFY(seeds.size() > 20);

        std::mt19937 random(20261123);
        constexpr char kPalette[] = {'<', '>', ':', '[', ']', ' ', '\0', '\xff', '-', 'T', 'Z', '+', '.', '1', '9'};
        Rfc3164Options allOn;
        allOn.permitAtSignsInHostname = allOn.permitSlashesInHostname = allOn.forceTagEndingByColon
            = allOn.detectHeaderless = true;
        const SyslogContext context = contextAt(kNow, 0);
        std::size_t parsed = 0;
        std::size_t refused = 0;
        auto check = [&](const std::string &candidate) {
            for (const Rfc3164Options &options : {Rfc3164Options {}, allOn}) {
                SyslogMessage m;
                const ParseOutcome outcome = parseRfc3164(candidate, context, m, options);
                if (!outcome.ok()) {
                    ++refused;
                    continue;
                }
                ++parsed;
                const std::string_view line = candidate;
                QVERIFY(withinLine(m.hostname, line) && withinLine(m.tag, line) && withinLine(m.appName, m.tag)
                    && withinLine(m.procId, m.tag) && withinLine(m.message, line));
                QVERIFY(m.message.data() + m.message.size() == line.data() + line.size());
                QVERIFY(m.priority >= -1 && m.priority <= 191);
            }
        };
        for (const std::string &seed : seeds) {
            for (std::size_t length = 0; length <= seed.size(); ++length)
                check(seed.substr(0, length));
            for (int round = 0; round < 300; ++round) {
                std::string mutated = seed;
                const int edits = 1 + static_cast<int>(random() % 4);
                for (int e = 0; e < edits && !mutated.empty(); ++e) {
                    const std::size_t at = random() % mutated.size();
                    const char c = (random() % 2 == 0) ? kPalette[random() % sizeof(kPalette)]
                                                       : static_cast<char>(random() % 256);
                    switch (random() % 3) {
                    case 0:
                        mutated[at] = c;
                        break;
                    case 1:
                        mutated.insert(at, 1, c);
                        break;
                    default:
                        mutated.erase(at, 1);
                    }
                }
                check(mutated);
            }
        }
        QVERIFY(parsed > 0 && refused > 0);
    }

    void contextFromTheSystem() {
        const SyslogContext context = SyslogContext::fromSystem();
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(std::abs(context.nowNs / 1'000'000 - nowMs) < 5'000);
        QCOMPARE(context.utcOffsetSeconds, QDateTime::currentDateTime().offsetFromUtc());
        QCOMPARE(QString::fromStdString(context.hostName), QSysInfo::machineHostName());
    }
};

QTEST_GUILESS_MAIN(TestRfc3164)
#include "tst_rfc3164.moc"
