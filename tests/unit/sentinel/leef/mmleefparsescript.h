// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFile>
#include <QRegularExpression>
#include <QString>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// rsyslog's tests/mmleefparse_basic.sh, read as it is.
namespace mmleefparse {

using namespace Qt::StringLiterals;

inline const QString kScript = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/leef/rsyslog/mmleefparse_basic.sh");

// Bash double quotes: a backslash escapes only $ ` " \ and a newline. `pos` is just after the
// opening quote; on return, just after the closing one.
inline std::optional<std::string> readDoubleQuoted(std::string_view source, std::size_t &pos) {
    std::string out;
    while (pos < source.size()) {
        const char c = source[pos++];
        if (c == '"')
            return out;
        if (c == '\\' && pos < source.size()
            && std::string_view("$`\"\\\n").find(source[pos]) != std::string_view::npos) {
            if (source[pos] != '\n')
                out += source[pos];
            ++pos;
        } else {
            out += c;
        }
    }
    return std::nullopt;
}

// Bash $'…': \n, \t, \\, \' and \" are what C makes of them.
inline std::optional<std::string> readAnsiCQuoted(std::string_view source, std::size_t &pos) {
    std::string out;
    while (pos < source.size()) {
        const char c = source[pos++];
        if (c == '\'')
            return out;
        if (c == '\\' && pos < source.size()) {
            const char next = source[pos++];
            out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
        } else {
            out += c;
        }
    }
    return std::nullopt;
}

struct RsyslogScript {
    std::vector<std::string> inputs; // tcpflood -M "\"…\"": quoted once for bash, once for its eval
    std::vector<std::string> expected; // the output file, line by line
    std::string outputTemplate;
    char delimiter = 0; // action(type="mmleefparse" … delimiter="…")
};

inline RsyslogScript readScript() {
    QFile file(kScript);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(kScript));
    const std::string source = file.readAll().toStdString();
    const QString qsource = QString::fromStdString(source);
    RsyslogScript script;
    const std::string_view all = source;
    for (std::size_t at = 0; (at = all.find("\ntcpflood ", at)) != std::string_view::npos; ++at) {
        const std::size_t flag = all.find("-M \"", at);
        std::size_t pos = flag + 4;
        const auto once = readDoubleQuoted(all, pos);
        std::size_t inner = 1;
        const auto twice = once && once->starts_with('"') ? readDoubleQuoted(*once, inner) : std::nullopt;
        if (!twice)
            qFatal("cannot read the tcpflood input at offset %zu", at);
        script.inputs.push_back(*twice);
    }
    const std::size_t expectedAt = all.find("\nEXPECTED=$'");
    std::size_t pos = expectedAt + std::string_view("\nEXPECTED=$'").size();
    const auto expected = expectedAt == std::string_view::npos ? std::nullopt : readAnsiCQuoted(all, pos);
    if (!expected)
        qFatal("no EXPECTED in the script");
    for (std::string_view rest = *expected; !rest.empty();) {
        const std::size_t newline = rest.find('\n');
        script.expected.emplace_back(rest.substr(0, newline));
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
    static const QRegularExpression templatePattern(
        QStringLiteral(R"re(^template\(name="outfmt" type="string" string="([^"]*)"\))re"),
        QRegularExpression::MultilineOption);
    const auto templateMatch = templatePattern.match(qsource);
    static const QRegularExpression delimiterPattern(QStringLiteral(R"re(type="mmleefparse"[^)]*delimiter="(.)")re"));
    const auto delimiterMatch = delimiterPattern.match(qsource);
    if (!templateMatch.hasMatch() || !delimiterMatch.hasMatch())
        qFatal("no output template or delimiter in the script");
    script.outputTemplate = templateMatch.captured(1).replace(u"\\n"_s, u"\n"_s).toStdString();
    script.delimiter = delimiterMatch.captured(1).toLatin1().at(0);
    return script;
}

} // namespace mmleefparse
