// SPDX-License-Identifier: Apache-2.0
#include "sigma/sigmacommand.h"

#include "sigma/sigmainput.h"
#include "sigma/sigmaoptions.h"

#include "analysis/sigma/engine/sigmadetector.h"
#include "shared/core/jsonwriter.h"

#include <QCommandLineParser>

#include <cstdio>
#include <ctime>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

using analysis::sigma::SigmaDetector;

void appendField(std::string &out, std::string_view name, std::string_view value) {
    out += ',';
    appendJsonString(out, name);
    out += ':';
    appendJsonString(out, value);
}

std::string isoTime(std::int64_t ns) {
    const std::time_t seconds = static_cast<std::time_t>(ns / 1'000'000'000);
    std::tm tm {};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(ns % 1'000'000'000));
    return buffer;
}

void printFailures(const SigmaDetector &detector, std::size_t loaded) {
    const auto &set = detector.rules();
    std::string out = "{\"loaded\":" + std::to_string(loaded) + ",\"rules\":" + std::to_string(set.rules.size())
        + ",\"correlations\":" + std::to_string(detector.correlationCount())
        + ",\"files\":" + std::to_string(set.filesRead) + ",\"failed\":" + std::to_string(set.failures.size())
        + ",\"compile_seconds\":" + std::to_string(set.compileSeconds) + ",\"failures\":[";
    for (std::size_t i = 0; i < set.failures.size(); ++i) {
        out += i ? ",{" : "{";
        out += "\"file\":";
        appendJsonString(out, set.failures[i].where.file);
        out += ",\"line\":" + std::to_string(set.failures[i].where.line);
        appendField(out, "reason", set.failures[i].reason);
        out += '}';
    }
    out += "],\"warnings\":[";
    for (std::size_t i = 0; i < set.warnings.size(); ++i) {
        if (i)
            out += ',';
        appendJsonString(out, set.warnings[i]);
    }
    out += "]}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
}

int check(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Load and compile Sigma rules; print what failed and why."_s);
    parser.addHelpOption();
    SigmaCommandOptions::addTo(parser);
    parser.addPositionalArgument(u"paths"_s, u"Rule files or directories."_s, u"DIR…"_s);
    parser.process(arguments);
    auto options = SigmaCommandOptions::read(parser, parser.positionalArguments());
    if (!options) {
        std::fprintf(stderr, "vanopticonctl sigma check: %s\n", options.error().message.c_str());
        return 2;
    }
    auto detector = SigmaDetector::create(*options);
    if (!detector) {
        std::fprintf(stderr, "vanopticonctl sigma check: %s\n", detector.error().message.c_str());
        return 2;
    }
    const auto &set = (*detector)->rules();
    printFailures(**detector, set.rules.size() + (*detector)->correlationCount());
    return set.failures.empty() ? 0 : 1;
}

class ScanPrinter {
public:
    void match(const SigmaDetector &detector, const SigmaInput &input, std::uint32_t rule, std::uint64_t position,
        const Event &event) {
        const analysis::sigma::SigmaRule &sigma = detector.rules().rules[rule].rule;
        m_out = "{\"rule_id\":";
        appendJsonString(m_out, sigma.meta.id);
        appendField(m_out, "title", sigma.meta.title);
        appendField(m_out, "level", sigma.meta.level ? toString(*sigma.meta.level) : "");
        appendField(m_out, "input", input.path());
        m_out += input.kind() == SigmaInput::Kind::Log ? ",\"index\":" : ",\"record\":";
        m_out += std::to_string(position);
        appendField(m_out, "timestamp", isoTime(event.timestampNs));
        m_out += "}\n";
        std::fwrite(m_out.data(), 1, m_out.size(), stdout);
    }

    void correlation(const analysis::Detection &detection, const SigmaInput &input) {
        m_out = "{\"rule_id\":";
        appendJsonString(m_out, detection.ruleId);
        appendField(m_out, "title", detection.title);
        appendField(m_out, "level", toString(detection.severity));
        appendField(m_out, "input", input.path());
        m_out += input.kind() == SigmaInput::Kind::Log ? ",\"index\":" : ",\"record\":";
        m_out += std::to_string(detection.evidence.empty() ? 0 : detection.evidence.back().eventId);
        m_out += ",\"group\":{";
        for (std::size_t i = 0; i < detection.group.size(); ++i) {
            if (i)
                m_out += ',';
            appendJsonString(m_out, detection.group[i].first);
            m_out += ':';
            appendJsonString(m_out, detection.group[i].second);
        }
        m_out += "},\"window\":{\"first\":";
        appendJsonString(m_out, isoTime(detection.firstSeenNs));
        appendField(m_out, "last", isoTime(detection.lastSeenNs));
        m_out += "},\"events\":" + std::to_string(detection.eventCount) + "}\n";
        std::fwrite(m_out.data(), 1, m_out.size(), stdout);
    }

private:
    std::string m_out;
};

int scan(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Replay inputs through Sigma rules and correlations."_s);
    parser.addHelpOption();
    SigmaCommandOptions::addTo(parser);
    const QCommandLineOption rulesOption(u"rules"_s, u"A rule file or directory (repeatable)."_s, u"DIR"_s);
    parser.addOption(rulesOption);
    parser.addPositionalArgument(u"inputs"_s,
        u".evtx, evtx_dump .json or log files (directories and .yml files are more rules)."_s, u"INPUT…"_s);
    parser.process(arguments);
    QStringList rulePaths = parser.values(rulesOption);
    QStringList inputs;
    for (const QString &path : parser.positionalArguments())
        (isRulePath(path) ? rulePaths : inputs).append(path);
    auto options = SigmaCommandOptions::read(parser, rulePaths);
    if (!options) {
        std::fprintf(stderr, "vanopticonctl sigma scan: %s\n", options.error().message.c_str());
        return 2;
    }
    if (inputs.isEmpty()) {
        std::fprintf(stderr, "vanopticonctl sigma scan: name at least one INPUT\n");
        return 2;
    }
    auto created = SigmaDetector::create(*options);
    if (!created) {
        std::fprintf(stderr, "vanopticonctl sigma scan: %s\n", created.error().message.c_str());
        return 2;
    }
    SigmaDetector &detector = **created;
    for (const auto &failure : detector.rules().failures) {
        std::fprintf(stderr, "%s: %s (left out)\n", failure.where.toString().c_str(), failure.reason.c_str());
    }

    ScanPrinter printer;
    std::uint64_t events = 0;
    std::uint64_t detections = 0;
    std::uint64_t refused = 0;
    int status = 0;
    for (const QString &path : std::as_const(inputs)) {
        auto opened = SigmaInput::open(path.toStdString());
        if (!opened) {
            std::fprintf(stderr, "vanopticonctl sigma scan: %s\n", opened.error().message.c_str());
            status = 2;
            continue;
        }
        SigmaInput &input = **opened;
        for (bool more = true; more;) {
            EventBatch batch;
            std::vector<std::uint64_t> positions;
            more = input.read(batch, positions, 1024);
            std::vector<analysis::EventRef> refs(batch.size());
            for (std::size_t i = 0; i < refs.size(); ++i)
                refs[i] = analysis::EventRef {positions[i], {}};
            SigmaDetector::Output output;
            detector.process(batch, refs, output);
            for (const auto &match : output.matches) {
                printer.match(detector, input, match.rule, positions[match.event], batch.events()[match.event]);
                ++detections;
            }
            for (const auto &detection : output.correlations) {
                printer.correlation(detection, input);
                ++detections;
            }
            events += batch.size();
        }
        refused += input.refused();
    }
    std::fprintf(stderr, "vanopticonctl sigma scan: %llu events, %llu detections, %llu records or lines refused\n",
        static_cast<unsigned long long>(events), static_cast<unsigned long long>(detections),
        static_cast<unsigned long long>(refused));
    return status;
}

} // namespace

int sigmaCommand(QStringList arguments) {
    const QString what = arguments.size() > 1 ? arguments.takeAt(1) : QString();
    if (what == u"check"_s)
        return check(arguments);
    if (what == u"scan"_s)
        return scan(arguments);
    std::fprintf(stderr,
        "usage: vanopticonctl sigma check DIR…\n"
        "       vanopticonctl sigma scan --rules DIR… [--logsource K:V,…] INPUT…\n");
    return 2;
}

} // namespace vanopticon::ctl
