// SPDX-License-Identifier: Apache-2.0
#include "parse.h"

#include "parseevtx.h"
#include "parsenetflow.h"

#include "sentinel/parse/lineparser.h"
#include "shared/event/eventjson.h"

#include <QCommandLineParser>

#include <cstdio>
#include <fstream>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

int printLineFiles(sentinel::LineFormat format, const QStringList &files);

} // namespace

int parseFiles(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Print the normalized events of log files, one JSON object per line."_s);
    parser.addHelpOption();
    const QCommandLineOption formatOption(u"format"_s,
        u"Input format: "_s + QString::fromLatin1(sentinel::supportedLineFormats()) + u", netflow, evtx."_s,
        u"format"_s, u"auto"_s);
    parser.addOption(formatOption);
    parser.addPositionalArgument(u"files"_s, u"Log files to parse."_s, u"FILE…"_s);
    parser.process(arguments);
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        std::fprintf(stderr, "vanopticonctl parse: name at least one FILE\n");
        return 2;
    }
    const std::string formatName = parser.value(formatOption).toStdString();
    if (formatName == "netflow")
        return printNetflowFiles(files);
    if (formatName == "evtx")
        return printEvtxFiles(files);
    const auto format = sentinel::parseLineFormat(formatName);
    if (!format) {
        std::fprintf(stderr, "vanopticonctl parse: unknown format '%s' (supported: %s, netflow, evtx)\n",
            formatName.c_str(), std::string(sentinel::supportedLineFormats()).c_str());
        return 2;
    }
    return printLineFiles(*format, files);
}

namespace {

int printLineFiles(sentinel::LineFormat format, const QStringList &files) {
    sentinel::LineParser lineParser(format, sentinel::SyslogContext::fromSystem());
    std::uint64_t failures = 0;
    std::uint64_t events = 0;
    std::string out;
    for (const QString &file : files) {
        std::ifstream in(file.toStdString(), std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "vanopticonctl parse: %s: cannot open\n", qPrintable(file));
            return 2;
        }
        std::string line;
        std::uint64_t number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.empty())
                continue;
            EventBatch batch;
            if (!lineParser.parse(line, batch)) {
                ++failures;
                std::fprintf(stderr, "%s:%llu: %s\n", qPrintable(file), static_cast<unsigned long long>(number),
                    lineParser.recentErrors().back().reason.c_str());
                continue;
            }
            for (const Event &event : batch.events()) {
                out.clear();
                appendEventJson(out, event);
                out += '\n';
                std::fwrite(out.data(), 1, out.size(), stdout);
                ++events;
            }
        }
    }
    std::fprintf(stderr, "vanopticonctl parse: %llu events, %llu lines refused\n",
        static_cast<unsigned long long>(events), static_cast<unsigned long long>(failures));
    return failures == 0 ? 0 : 1;
}

} // namespace

} // namespace vanopticon::ctl
