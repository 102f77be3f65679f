// SPDX-License-Identifier: Apache-2.0
#include "bench/benchsigma.h"

#include "sigma/sigmaoptions.h"

#include "analysis/sigma/engine/patternindex.h"
#include "analysis/sigma/rule/sigmaloader.h"
#include "sentinel/collect/evtx/evtxjson.h"

#include <QCommandLineParser>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <random>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

using Clock = std::chrono::steady_clock;
using namespace analysis::sigma;

double peakRssMb() {
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Modifiers whose values cannot take a suffix and stay meaningful (numbers, networks,
// expressions, encodings); items with them are copied unchanged into variants.
bool variesWithSuffix(const DetectionItem &item) {
    for (const Modifier modifier : item.modifiers) {
        switch (modifier) {
        case Modifier::Re:
        case Modifier::Cidr:
        case Modifier::Lt:
        case Modifier::Lte:
        case Modifier::Gt:
        case Modifier::Gte:
        case Modifier::Exists:
        case Modifier::Fieldref:
        case Modifier::Expand:
        case Modifier::Minute:
        case Modifier::Hour:
        case Modifier::Day:
        case Modifier::Week:
        case Modifier::Month:
        case Modifier::Year:
            return false;
        default:
            break;
        }
    }
    return true;
}

// K distinct variants of every rule: the same structure with every string value changed, as an
// organisation's own rules look next to the public corpus (more values per field, more rules).
void scaleRules(RuleCollection &collection, int scale) {
    const std::size_t original = collection.rules.size();
    for (int variant = 1; variant < scale; ++variant) {
        const std::string suffix = "_v" + std::to_string(variant);
        for (std::size_t i = 0; i < original; ++i) {
            SigmaRule copy = collection.rules[i];
            copy.meta.id += suffix;
            if (!copy.meta.name.empty())
                copy.meta.name += suffix;
            copy.meta.title += " (variant " + std::to_string(variant) + ")";
            for (SearchIdentifier &search : copy.searches) {
                for (DetectionMap &map : search.alternatives) {
                    for (DetectionItem &item : map.items) {
                        if (!variesWithSuffix(item))
                            continue;
                        for (SigmaValue &value : item.values) {
                            if (value.type == SigmaValue::Type::String && !value.text.empty())
                                value.text += suffix;
                        }
                    }
                }
            }
            collection.rules.push_back(std::move(copy));
        }
    }
}

// Values a busy Windows fleet produces all day, to replace the regression events' malicious ones.
struct BenignValues {
    std::vector<std::string> images {"C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\explorer.exe",
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "C:\\Windows\\System32\\RuntimeBroker.exe",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "C:\\Windows\\System32\\taskhostw.exe",
        "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "C:\\Windows\\System32\\SearchIndexer.exe",
        "C:\\Windows\\System32\\backgroundTaskHost.exe", "C:\\Program Files\\WindowsApps\\Teams\\ms-teams.exe"};
    std::vector<std::string> folders {"C:\\Users\\%s\\AppData\\Local\\Temp\\", "C:\\Users\\%s\\Documents\\",
        "C:\\ProgramData\\Microsoft\\Windows\\WER\\", "C:\\Windows\\Temp\\", "C:\\Users\\%s\\Downloads\\"};
    std::vector<std::string> users {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
};

class EventMix {
public:
    explicit EventMix(std::uint32_t seed)
        : m_random(seed) {
        for (const char *name : {"Image", "ParentImage", "OriginalFileName"})
            m_imageFields.push_back(internField(name));
        for (const char *name : {"CommandLine", "ParentCommandLine"})
            m_commandFields.push_back(internField(name));
        for (const char *name : {"TargetFilename", "TargetObject", "ImageLoaded", "PipeName", "QueryName"})
            m_pathFields.push_back(internField(name));
        m_userField = internField("User");
        m_processIdField = internField("ProcessId");
    }

    // Copies `base` into `batch` with its values varied: malicious ones kept with probability
    // `keepRate`, otherwise replaced by benign ones.
    void add(const Event &base, EventBatch &batch, double keepRate) {
        Event &event = batch.copyFrom(base);
        const std::string user = pick(m_values.users);
        batch.setField(event, m_processIdField, std::to_string(1000 + m_random() % 60000));
        if (std::uniform_real_distribution<double>(0, 1)(m_random) < keepRate)
            return;
        for (const FieldId id : m_imageFields) {
            if (event.has(id))
                batch.setField(event, id, pick(m_values.images));
        }
        for (const FieldId id : m_commandFields) {
            if (event.has(id))
                batch.setField(event, id,
                    "\"" + pick(m_values.images)
                        + "\" --type=renderer --field-trial-handle=" + std::to_string(m_random() % 100000));
        }
        for (const FieldId id : m_pathFields) {
            if (!event.has(id))
                continue;
            std::string folder = pick(m_values.folders);
            if (const auto at = folder.find("%s"); at != std::string::npos)
                folder.replace(at, 2, user);
            batch.setField(event, id, folder + "file" + std::to_string(m_random() % 100000) + ".tmp");
        }
        if (event.has(m_userField))
            batch.setField(event, m_userField, "CORP\\" + user);
    }

private:
    const std::string &pick(const std::vector<std::string> &values) { return values[m_random() % values.size()]; }

    std::mt19937 m_random;
    BenignValues m_values;
    std::vector<FieldId> m_imageFields, m_commandFields, m_pathFields;
    FieldId m_userField, m_processIdField;
};

Result<EventBatch> readSamples(const QString &directory) {
    EventBatch samples;
    sentinel::EvtxJsonReader reader;
    const sentinel::SyslogContext context = sentinel::SyslogContext::fromSystem();
    QDirIterator it(directory, {u"*.json"_s}, QDir::Files, QDirIterator::Subdirectories);
    QStringList files;
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error {path.toStdString() + ": cannot open"};
        const QByteArray text = file.readAll();
        auto read = reader.read(std::string_view(text.constData(), std::size_t(text.size())), context, samples);
        if (!read)
            return Error {path.toStdString() + ": " + read.error().message};
    }
    if (samples.empty())
        return Error {directory.toStdString() + ": no evtx_dump JSON samples found"};
    return samples;
}

} // namespace

int benchSigma(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Benchmark the Sigma engine on one thread."_s);
    parser.addHelpOption();
    SigmaCommandOptions::addTo(parser);
    const QCommandLineOption rulesOption(u"rules"_s, u"A rule file or directory (repeatable)."_s, u"DIR"_s);
    const QCommandLineOption eventsOption(u"events"_s, u"Events to evaluate."_s, u"N"_s, u"200000"_s);
    const QCommandLineOption scaleOption(u"rule-scale"_s, u"Distinct variants of every rule."_s, u"K"_s, u"1"_s);
    const QCommandLineOption samplesOption(u"samples"_s, u"evtx_dump JSON events to build the mix from."_s, u"DIR"_s);
    const QCommandLineOption keepOption(
        u"malicious-rate"_s, u"Share of events keeping their malicious values."_s, u"R"_s, u"0.05"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"Random seed."_s, u"S"_s, u"1"_s);
    for (const auto &option : {rulesOption, eventsOption, scaleOption, samplesOption, keepOption, seedOption})
        parser.addOption(option);
    parser.addPositionalArgument(u"rules"_s, u"More rule files or directories (--rules DIR…)."_s, u"[DIR…]"_s);
    parser.process(arguments);

    auto options = SigmaCommandOptions::read(parser, parser.values(rulesOption) + parser.positionalArguments());
    const long long events = parser.value(eventsOption).toLongLong();
    const int scale = parser.value(scaleOption).toInt();
    const double keepRate = parser.value(keepOption).toDouble();
    if (!options || events <= 0 || scale < 1 || scale > 1000 || keepRate < 0 || keepRate > 1) {
        std::fprintf(stderr, "vanopticonctl bench sigma: %s\n",
            !options ? options.error().message.c_str()
                     : "--events > 0, 1 ≤ --rule-scale ≤ 1000, 0 ≤ --malicious-rate ≤ 1");
        return 2;
    }
    const QString samplesDir = parser.isSet(samplesOption)
        ? parser.value(samplesOption)
        : QFileInfo(QString::fromStdString(options->rulePaths.front()) + u"/../regression_data"_s).absoluteFilePath();
    auto samples = readSamples(samplesDir);
    if (!samples) {
        std::fprintf(
            stderr, "vanopticonctl bench sigma: %s (name them with --samples)\n", samples.error().message.c_str());
        return 2;
    }

    const auto loadStarted = Clock::now();
    RuleCollection collection = loadRules(options->rulePaths);
    scaleRules(collection, scale);
    const double loadSeconds = std::chrono::duration<double>(Clock::now() - loadStarted).count();
    auto logsources = LogsourceMap::loadFile(options->logsourcesFile);
    if (!logsources) {
        std::fprintf(stderr, "vanopticonctl bench sigma: %s\n", logsources.error().message.c_str());
        return 2;
    }
    auto created = SigmaDetector::create(std::move(collection), std::move(*logsources), *options);
    if (!created) {
        std::fprintf(stderr, "vanopticonctl bench sigma: %s\n", created.error().message.c_str());
        return 2;
    }
    SigmaDetector &detector = **created;

    // The mix is generated before timing (a pool reused round robin), so only evaluation counts.
    constexpr std::size_t kBatch = 1024;
    constexpr std::size_t kPoolBatches = 32;
    EventMix mix(parser.value(seedOption).toUInt());
    std::vector<EventBatch> pool(kPoolBatches);
    std::mt19937 pickBase(parser.value(seedOption).toUInt() + 1);
    for (EventBatch &batch : pool) {
        for (std::size_t i = 0; i < kBatch; ++i)
            mix.add(samples->events()[pickBase() % samples->size()], batch, keepRate);
    }
    std::vector<analysis::EventRef> refs(kBatch);
    for (std::size_t i = 0; i < kBatch; ++i)
        refs[i].eventId = i;

    SigmaDetector::Output output;
    std::uint64_t matches = 0;
    std::uint64_t evaluated = 0;
    const auto started = Clock::now();
    for (std::size_t b = 0; evaluated < std::uint64_t(events); ++b) {
        const EventBatch &batch = pool[b % kPoolBatches];
        output.matches.clear();
        output.correlations.clear();
        detector.process(batch, refs, output);
        matches += output.matches.size();
        evaluated += batch.size();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

    const CompiledRuleSet &set = detector.rules();
    const auto &totals = detector.evaluator().totals();
    const QJsonObject result {
        {u"benchmark"_s, u"sigma"_s},
        {u"rules"_s, qint64(set.rules.size())},
        {u"correlations"_s, qint64(detector.correlationCount())},
        {u"rule_scale"_s, scale},
        {u"failed"_s, qint64(set.failures.size())},
        {u"events"_s, qint64(evaluated)},
        {u"seconds"_s, seconds},
        {u"events_per_second"_s, double(evaluated) / seconds},
        {u"load_seconds"_s, loadSeconds},
        {u"compile_seconds"_s, set.compileSeconds},
        {u"compile_threads"_s, int(analysis::sigma::PatternIndex::defaultBuildThreads())},
        {u"peak_rss_mb"_s, peakRssMb()},
        {u"patterns"_s, qint64(set.patterns->patternCount())},
        {u"pattern_databases"_s, qint64(set.patterns->databaseCount())},
        {u"pattern_database_mb"_s, double(set.patterns->databaseBytes()) / (1024.0 * 1024.0)},
        {u"always_evaluated_rules"_s, qint64(set.alwaysEvaluated.size())},
        {u"candidates_per_event"_s, double(totals.candidates) / double(totals.events)},
        {u"scan_cache_slots"_s, qint64(options->scanCacheSlots)},
        {u"scans_per_event"_s, double(totals.fieldsScanned) / double(totals.events)},
        {u"scans_cached_per_event"_s, double(totals.scansCached) / double(totals.events)},
        {u"matches"_s, qint64(matches)},
        {u"matches_per_event"_s, double(matches) / double(evaluated)},
        {u"sample_events"_s, qint64(samples->size())},
        {u"malicious_rate"_s, keepRate},
    };
    const QByteArray json = QJsonDocument(result).toJson(QJsonDocument::Compact);
    std::fwrite(json.constData(), 1, std::size_t(json.size()), stdout);
    std::fputc('\n', stdout);
    return 0;
}

} // namespace vanopticon::ctl
