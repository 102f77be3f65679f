// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/readcontext.h"
#include "analysis/sigma/rule/sigmaloader.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace vanopticon;
using namespace vanopticon::analysis::sigma;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

const QString kDataDir = QStringLiteral(VANOPTICON_TEST_DATA_DIR);

// A valid rule; error tests replace one piece of it. Lines: 1 title, 2 id, 3 logsource,
// 4 category, 5 product, 6 detection, 7 selection, 8 Image, 9 condition, 10 level.
const std::string kRule = R"(title: Whoami Execution
id: 5c1e7a2b-1111-4000-8000-000000000001
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
level: high
)";

// Lines: 1 title, 2 id, 3 correlation, 4 type, 5 rules, 6 - failed_login, 7 group-by,
// 8 - ComputerName, 9 timespan, 10 condition, 11 gte.
const std::string kCorrelation = R"(title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - ComputerName
    timespan: 1h
    condition:
        gte: 100
)";

// Lines: 1 title, 2 logsource, 3 category, 4 product, 5 filter, 6 rules, 7 - id, 8 selection,
// 9 User, 10 condition.
const std::string kFilter = R"(title: Filter Administrator account
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
    selection:
        User|startswith: 'adm_'
    condition: selection
)";

// The complete example of sigma-correlation-rules-specification.md: a chained correlation.
const std::string kChainedExample = R"(title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
description: Detects multiple failed logins by a single user followed by a successful login of that user
references:
    - https://reference.com
author: Florian Roth (Nextron Systems)
date: 2023-06-16
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
description: Detects multiple failed logins within a certain amount of time
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
description: Detects a successful login
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
)";

std::string replaced(std::string text, const std::string &from, const std::string &to) {
    const std::size_t at = text.find(from);
    if (at == std::string::npos)
        qFatal("test bug: '%s' is not in the text", from.c_str());
    return text.replace(at, from.size(), to);
}

RuleCollection load(const std::string &text) {
    RuleCollection out;
    loadText(text, "test.yml", out);
    return out;
}

std::string describe(const std::vector<LoadFailure> &failures) {
    std::string out;
    for (const LoadFailure &failure : failures)
        out += "\n  " + failure.where.toString() + ": " + failure.reason;
    return out;
}

// A rule with just a title, an optional id/name and one selection.
std::string smallRule(const std::string &title, const std::string &idAndName = {}) {
    return "title: " + title + "\n" + idAndName
        + "logsource:\n    product: linux\ndetection:\n    selection:\n        User: root\n    condition: selection\n";
}

void writeFile(const QString &path, const std::string &text) {
    std::filesystem::create_directories(std::filesystem::path(path.toStdString()).parent_path());
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
}

// The one value of `Field` in a rule made of `valueYaml`.
SigmaValue valueOf(const RuleCollection &collection) {
    return collection.rules.at(0).searches.at(0).alternatives.at(0).items.at(0).values.at(0);
}

QString typeName(SigmaValue::Type type) {
    switch (type) {
    case SigmaValue::Type::String:
        return QStringLiteral("string");
    case SigmaValue::Type::Number:
        return QStringLiteral("number");
    case SigmaValue::Type::Boolean:
        return QStringLiteral("boolean");
    case SigmaValue::Type::Null:
        return QStringLiteral("null");
    }
    return {};
}

// What the tests count independently of the loader: every rule file of a tree, and the ones
// holding a detection, a correlation or a filter (a line starting with that key).
struct TreeCount {
    int files = 0, detections = 0, correlations = 0, filters = 0;
};

TreeCount countTree(const QString &dir) {
    static const QRegularExpression detection(QStringLiteral("^detection:"), QRegularExpression::MultilineOption);
    static const QRegularExpression correlation(QStringLiteral("^correlation:"), QRegularExpression::MultilineOption);
    static const QRegularExpression filter(QStringLiteral("^filter:"), QRegularExpression::MultilineOption);
    TreeCount count;
    QDirIterator it(
        dir, {QStringLiteral("*.yml"), QStringLiteral("*.yaml")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        const QString text = QString::fromUtf8(file.readAll());
        ++count.files;
        count.detections += text.contains(detection) ? 1 : 0;
        count.correlations += text.contains(correlation) ? 1 : 0;
        count.filters += text.contains(filter) ? 1 : 0;
    }
    return count;
}

} // namespace

class TestSigmaLoader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The acceptance criterion: SigmaHQ's three rule trees load without a single failure.
    void wholeCorpus() {
        const QStringList trees = {
            QStringLiteral("rules"), QStringLiteral("rules-emerging-threats"), QStringLiteral("rules-threat-hunting")};
        std::vector<std::string> paths;
        TreeCount expected;
        for (const QString &tree : trees) {
            const QString dir = kDataDir + QStringLiteral("/sigma/") + tree;
            QVERIFY2(QFileInfo(dir).isDir(), qPrintable(dir + QStringLiteral(" is missing")));
            paths.push_back(dir.toStdString());
            const TreeCount count = countTree(dir);
            expected.files += count.files;
            expected.detections += count.detections;
            expected.correlations += count.correlations;
            expected.filters += count.filters;
        }
        QVERIFY(expected.files > 0);

        QElapsedTimer timer;
        timer.start();
        const RuleCollection collection = loadRules(paths);
        const qint64 elapsed = timer.elapsed();
        std::size_t items = 0, values = 0;
        for (const SigmaRule &rule : collection.rules) {
            for (const SearchIdentifier &search : rule.searches) {
                for (const DetectionMap &map : search.alternatives) {
                    items += map.items.size();
                    for (const DetectionItem &item : map.items)
                        values += item.values.size();
                }
            }
        }
        qInfo("corpus: %zu files, %zu rules, %zu items, %zu values, %zu failures in %lld ms", collection.filesRead,
            collection.rules.size(), items, values, collection.failures.size(), elapsed);

        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        QCOMPARE(collection.filesRead, static_cast<std::size_t>(expected.files));
        QCOMPARE(collection.rules.size(), static_cast<std::size_t>(expected.detections));
        QCOMPARE(collection.correlations.size(), static_cast<std::size_t>(expected.correlations));
        QCOMPARE(collection.filters.size(), static_cast<std::size_t>(expected.filters));
        for (const SigmaRule &rule : collection.rules) {
            QVERIFY(!rule.meta.title.empty());
            QVERIFY(!rule.searches.empty());
            QVERIFY(!rule.conditionTexts.empty());
            QVERIFY(rule.meta.where.line > 0);
        }
        // Generous: the budget for loading is ~2 s on one core; this only catches a regression
        // by an order of magnitude on a busy machine.
        QVERIFY2(elapsed < 10'000, qPrintable(QString::number(elapsed) + QStringLiteral(" ms")));
    }

    // Every example of the specification's own tests/schema loads as its kind.
    void specificationExamples_data() {
        QTest::addColumn<QString>("file");
        const QString dir = kDataDir + QStringLiteral("/sigma-specification/tests/schema");
        QDirIterator it(dir, {QStringLiteral("*.yml")}, QDir::Files, QDirIterator::Subdirectories);
        QStringList files;
        while (it.hasNext())
            files << it.next();
        files.sort();
        if (files.isEmpty())
            qFatal("no specification examples under %s", qPrintable(dir));
        for (const QString &file : files)
            QTest::newRow(qPrintable(file.mid(dir.size() + 1))) << file;
    }
    void specificationExamples() {
        QFETCH(QString, file);
        QFile input(file);
        QVERIFY(input.open(QIODevice::ReadOnly));
        const std::string text = input.readAll().toStdString();
        const RuleCollection collection = load(text);
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        const QString kind = QFileInfo(file).dir().dirName();
        QCOMPARE(collection.rules.size(), kind == QStringLiteral("rules") ? 1u : 0u);
        QCOMPARE(collection.correlations.size(), kind == QStringLiteral("correlation") ? 1u : 0u);
        QCOMPARE(collection.filters.size(), kind == QStringLiteral("filter") ? 1u : 0u);
        const RuleMetadata &meta = !collection.rules.empty() ? collection.rules[0].meta
            : !collection.correlations.empty()               ? collection.correlations[0].meta
                                                             : collection.filters.at(0).meta;
        QVERIFY(text.starts_with("title: " + meta.title));
        QCOMPARE(meta.taxonomy == "ecs", file.contains(QStringLiteral("_ecs")));
    }

    void specificationRule() {
        QFile input(kDataDir + QStringLiteral("/sigma-specification/tests/schema/rules/rule_1.yml"));
        QVERIFY(input.open(QIODevice::ReadOnly));
        const RuleCollection collection = load(input.readAll().toStdString());
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        const SigmaRule &rule = collection.rules.at(0);
        QCOMPARE(rule.meta.title, "A Title");
        QCOMPARE(rule.meta.id, "545a5da6-f103-4919-a519-e9aec1026ee4");
        QCOMPARE(rule.meta.related.size(), 1u);
        QCOMPARE(rule.meta.related[0].id, "6c82cf5c-090d-4d57-9188-533577631108");
        QCOMPARE(rule.meta.related[0].type, "similar");
        QCOMPARE(rule.meta.status, "test");
        QCOMPARE(rule.meta.description, "a very good information string that need to be written");
        QCOMPARE(rule.meta.references, (std::vector<std::string> {"https://123.456", "https://789.963"}));
        QCOMPARE(rule.meta.author, "SomeOne");
        QCOMPARE(rule.meta.date, "2017-05-09");
        QCOMPARE(rule.meta.modified, "2023-04-14");
        QCOMPARE(
            rule.meta.tags, (std::vector<std::string> {"attack.defense-evasion", "attack.t1211", "attack.t1562.001"}));
        QCOMPARE(rule.meta.falsepositives, (std::vector<std::string> {"a string"}));
        QVERIFY(rule.meta.level == Severity::High);
        QCOMPARE(rule.meta.where.toString(), "test.yml:1:1");
        QCOMPARE(rule.logsource.product, "windows");
        QCOMPARE(rule.logsource.service, "application");
        QVERIFY(rule.logsource.category.empty());
        QCOMPARE(rule.searches.size(), 1u);
        QCOMPARE(rule.searches[0].name, "selection");
        const DetectionItem &item = rule.searches[0].alternatives.at(0).items.at(0);
        QCOMPARE(item.field.value_or("?"), "Provider_Name");
        QVERIFY(item.modifiers.empty());
        QCOMPARE(item.values.size(), 1u);
        QCOMPARE(item.values[0].text, "Application Error");
        QVERIFY(item.values[0].type == SigmaValue::Type::String);
        QCOMPARE(item.where.toString(), "test.yml:23:9");
        QCOMPARE(rule.conditionTexts, (std::vector<std::string> {"selection"}));
        QVERIFY(rule.condition.kind == ConditionNode::Kind::Identifier);
        QCOMPARE(rule.condition.name, "selection");
    }

    void specificationCorrelations_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("rules");
        QTest::addColumn<QString>("groupBy");
        QTest::addColumn<qint64>("timespanSeconds");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QString>("fields");
        QTest::addRow("event_count") << "event_count.yml"
                                     << "event_count"
                                     << "5638f7c0-ac70-491d-8465-2a65075e0d86"
                                     << "ComputerName" << qint64(3600) << "gte 100"
                                     << "";
        QTest::addRow("value_count") << "value_count.yml"
                                     << "value_count"
                                     << "5638f7c0-ac70-491d-8465-2a65075e0d86"
                                     << "ComputerName,WorkstationName" << qint64(86400) << "gte 100"
                                     << "User";
        // Temporal kinds without a condition mean "all the rules": gte their number.
        QTest::addRow("temporal") << "temporal.yml"
                                  << "temporal"
                                  << "recon_cmd_a,recon_cmd_b,recon_cmd_c"
                                  << "ComputerName,User" << qint64(300) << "gte 3"
                                  << "";
        QTest::addRow("temporal_ordered") << "temporal_ordered.yml"
                                          << "temporal_ordered"
                                          << "recon_cmd_a,recon_cmd_b,recon_cmd_c"
                                          << "ComputerName,User" << qint64(300) << "gte 3"
                                          << "";
        QTest::addRow("value_sum") << "value_sum.yml"
                                   << "value_sum"
                                   << "website_access"
                                   << "SourceIP,User" << qint64(3600) << "gt 1e+06"
                                   << "bytes_sent";
        QTest::addRow("value_avg") << "value_avg.yml"
                                   << "value_avg"
                                   << "rule_a_id"
                                   << "SourceIP,User" << qint64(86400) << "gt 500"
                                   << "BytesOut";
        QTest::addRow("value_percentile") << "value_percentile.yml"
                                          << "value_percentile"
                                          << "process_creation"
                                          << "ComputerName" << qint64(86400) << "lte 1"
                                          << "Image";
    }
    void specificationCorrelations() {
        QFETCH(QString, file);
        QFETCH(QString, type);
        QFETCH(QString, rules);
        QFETCH(QString, groupBy);
        QFETCH(qint64, timespanSeconds);
        QFETCH(QString, condition);
        QFETCH(QString, fields);
        QFile input(kDataDir + QStringLiteral("/sigma-specification/tests/schema/correlation/") + file);
        QVERIFY(input.open(QIODevice::ReadOnly));
        const RuleCollection collection = load(input.readAll().toStdString());
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        const SigmaCorrelation &correlation = collection.correlations.at(0);
        const auto joined = [](const std::vector<std::string> &list) {
            QStringList out;
            for (const std::string &entry : list)
                out << QString::fromStdString(entry);
            return out.join(u',');
        };
        QCOMPARE(QString::fromStdString(std::string(toString(correlation.kind))), type);
        QCOMPARE(joined(correlation.rules), rules);
        QCOMPARE(joined(correlation.groupBy), groupBy);
        QCOMPARE(correlation.timespan, std::chrono::milliseconds(timespanSeconds * 1000));
        QStringList conditions;
        for (const CorrelationCondition &entry : correlation.conditions)
            conditions << QString::fromStdString(std::string(toString(entry.comparison))) + u' '
                    + QString::number(entry.value);
        QCOMPARE(conditions.join(u','), condition);
        QCOMPARE(joined(correlation.conditionFields), fields);
        QVERIFY(!correlation.generate);
        QVERIFY(correlation.aliases.empty());
    }

    void specificationFilter() {
        QFile input(kDataDir + QStringLiteral("/sigma-specification/tests/schema/filter/filter_1.yml"));
        QVERIFY(input.open(QIODevice::ReadOnly));
        const RuleCollection collection = load(input.readAll().toStdString());
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        const SigmaFilter &filter = collection.filters.at(0);
        QCOMPARE(filter.meta.title, "Filter Administrator account");
        QCOMPARE(filter.meta.description, "The valid administrator account start with adm_");
        QCOMPARE(filter.logsource.category, "process_creation");
        QCOMPARE(filter.logsource.product, "windows");
        QCOMPARE(filter.rules,
            (std::vector<std::string> {
                "6f3e2987-db24-4c78-a860-b4f4095a7095", "df0841c0-9846-4e9f-ad8a-7df91571771b"}));
        QCOMPARE(filter.searches.size(), 1u);
        QCOMPARE(filter.searches[0].name, "selection");
        const DetectionItem &item = filter.searches[0].alternatives.at(0).items.at(0);
        QCOMPARE(item.field.value_or("?"), "User");
        QCOMPARE(item.modifiers, (std::vector<Modifier> {Modifier::StartsWith}));
        QCOMPARE(item.values.at(0).text, "adm_");
        QCOMPARE(filter.conditionTexts, (std::vector<std::string> {"selection"}));
    }

    // The specification's example tree as a whole: its references point at rules it does not
    // contain, and two pairs of examples share an id — resolveReferences says so, file by file.
    void specificationTreeReferences() {
        const RuleCollection collection
            = loadRules({QString(kDataDir + QStringLiteral("/sigma-specification/tests/schema")).toStdString()});
        QCOMPARE(collection.filesRead, 12u);
        QCOMPARE(collection.rules.size(), 1u);
        QVERIFY(collection.rules[0].meta.where.file.ends_with("rules/rule_1.yml"));
        QVERIFY(collection.correlations.empty());
        QVERIFY(collection.filters.empty());
        int duplicates = 0, unknown = 0;
        for (const LoadFailure &failure : collection.failures) {
            if (failure.reason.find("is already used by the document at") != std::string::npos)
                ++duplicates;
            else if (failure.reason.find("which is the id or name of no loaded rule") != std::string::npos)
                ++unknown;
            else
                QFAIL(qPrintable(QString::fromStdString(failure.where.toString() + ": " + failure.reason)));
        }
        QCOMPARE(duplicates, 2); // rule_ecs.yml and event_count_ecs.yml
        QCOMPARE(unknown, 9); // the seven other correlations and both filters
    }

    // The chained example of the correlation specification resolves completely.
    void chainedCorrelationExample() {
        RuleCollection collection = load(kChainedExample);
        resolveReferences(collection);
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        QCOMPARE(collection.rules.size(), 2u);
        QCOMPARE(collection.correlations.size(), 2u);
        const SigmaCorrelation &outer = collection.correlations[0];
        QVERIFY(outer.kind == CorrelationKind::TemporalOrdered);
        QCOMPARE(outer.rules, (std::vector<std::string> {"multiple_failed_login", "successful_login"}));
        QCOMPARE(outer.timespan, std::chrono::milliseconds(10min));
        QVERIFY(outer.meta.level == Severity::High);
        QCOMPARE(outer.meta.where.line, 1);
        const SigmaCorrelation &inner = collection.correlations[1];
        QCOMPARE(inner.meta.name, "multiple_failed_login");
        QCOMPARE(inner.meta.where.toString(), "test.yml:21:1");
        QCOMPARE(collection.rules[0].meta.name, "failed_login");
        QCOMPARE(collection.rules[0].meta.where.line, 35);
        const DetectionItem &eventId = collection.rules[0].searches.at(0).alternatives.at(0).items.at(0);
        QCOMPARE(eventId.values.size(), 2u);
        QCOMPARE(eventId.values[1].text, "4625");
        QVERIFY(eventId.values[1].type == SigmaValue::Type::Number);
        QCOMPARE(eventId.where.toString(), "test.yml:43:9");
    }

    // The aliases example of the correlation specification.
    void aliases() {
        const std::string text = R"(title: internal error
name: internal_error
logsource: {category: webserver}
detection:
    selection:
        http.response.status_code: 500
    condition: selection
---
title: new connection
name: new_network_connection
logsource: {category: network_connection}
detection:
    selection:
        event.category: network
        event.type: connection
        event.outcome: success
    condition: selection
---
title: error then connection
correlation:
    type: temporal
    rules:
        - internal_error
        - new_network_connection
    group-by:
        - internal_ip
        - remote_ip
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
        remote_ip:
            internal_error: source.ip
            new_network_connection: destination.ip
    generate: true
)";
        RuleCollection collection = load(text);
        resolveReferences(collection);
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        const SigmaCorrelation &correlation = collection.correlations.at(0);
        QCOMPARE(correlation.aliases.size(), 2u);
        QCOMPARE(correlation.aliases[0].alias, "internal_ip");
        using Pairs = std::vector<std::pair<std::string, std::string>>;
        QCOMPARE(correlation.aliases[0].fieldByRule,
            (Pairs {{"internal_error", "destination.ip"}, {"new_network_connection", "source.ip"}}));
        QCOMPARE(correlation.aliases[1].alias, "remote_ip");
        QCOMPARE(correlation.timespan, std::chrono::milliseconds(10s));
        QVERIFY(correlation.generate);
        QCOMPARE(correlation.conditions.size(), 1u);
        QCOMPARE(correlation.conditions[0].value, 2.0);
    }

    // Each class of mistake: the failure names the file, the line and the problem, and the
    // document is not loaded.
    void errors_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("messagePart");
        const auto row = [](const char *name, const std::string &yaml, int line, const char *part) {
            QTest::newRow(name) << QString::fromStdString(yaml) << line << QString::fromUtf8(part);
        };
        const std::string image = "        Image|endswith: '\\whoami.exe'\n";
        const std::string selection = "    selection:\n" + image;

        // Rule metadata.
        row("no title", replaced(kRule, "title: Whoami Execution\n", ""), 1, "the document has no title");
        row("empty title", replaced(kRule, "title: Whoami Execution", "title: ''"), 1, "the title is empty");
        row("title too long", replaced(kRule, "Whoami Execution", std::string(257, 'x')), 1,
            "title is longer than 256 characters");
        row("title is a list", replaced(kRule, "title: Whoami Execution", "title: [a, b]"), 1,
            "title must be a text, not a list");
        row("unknown level", replaced(kRule, "level: high", "level: severe"), 10,
            "level 'severe' is not one of informational, low, medium, high, critical");
        row("level info", replaced(kRule, "level: high", "level: info"), 10, "level 'info' is not one of");
        row("unknown status", replaced(kRule, "id: ", "status: final\nid: "), 2, "status 'final' is not one of");
        row("related type", replaced(kRule, "logsource:", "related:\n    - id: abc\n      type: cousin\nlogsource:"), 4,
            "the type of related 'abc' must be one of derived");
        row("fields entry is a map", replaced(kRule, "level: high", "fields:\n    - a: b"), 11,
            "an entry of fields must be a text");
        row("duplicate top-level key", kRule + "title: again\n", 11, "the key 'title' appears twice in the document");
        row("document is a list", "- a\n- b\n", 1, "must be a map");
        row("v1 rule collection", "action: global\n" + kRule, 1, "Sigma 1.x rule collections");
        row("neither kind", replaced(kRule, "detection:\n" + selection + "    condition: selection\n", ""), 1,
            "neither a rule (detection), a correlation (correlation) nor a filter (filter)");
        row("rule and correlation", kRule + "correlation:\n    type: event_count\n", 1, "not several");

        // Rule logsource and detection.
        row("no logsource", replaced(kRule, "logsource:\n    category: process_creation\n    product: windows\n", ""),
            1, "the document has no logsource");
        row("logsource not a map",
            replaced(
                kRule, "logsource:\n    category: process_creation\n    product: windows\n", "logsource: windows\n"),
            3, "logsource must be a map");
        row("no condition", replaced(kRule, "    condition: selection\n", ""), 7, "detection has no condition");
        row("no search identifier", replaced(kRule, selection, ""), 7, "detection defines no search identifier");
        row("unknown modifier", replaced(kRule, "endswith", "endswit"), 8,
            "unknown modifier 'endswit' in 'Image|endswit'");
        row("empty modifier", replaced(kRule, "Image|endswith", "Image||endswith"), 8, "has an empty modifier");
        row("modifier case", replaced(kRule, "endswith", "EndsWith"), 8, "unknown modifier 'EndsWith'");
        row("re flag alone", replaced(kRule, "Image|endswith", "Image|i"), 8, "is a flag of 're' and must follow it");
        row("re flag before re", replaced(kRule, "Image|endswith", "Image|m|re"), 8, "'m' in 'Image|m|re' is a flag");
        row("modifier twice", replaced(kRule, "Image|endswith", "Image|contains|contains"), 8,
            "the modifier 'contains' appears twice");
        row("value is a map", replaced(kRule, image, "        Image|endswith:\n            a: b\n"), 9,
            "the value of 'Image|endswith' is a map");
        row("map in a value list",
            replaced(kRule, image, "        Image|endswith:\n            - x\n            - a: b\n"), 10,
            "a value of 'Image|endswith' is a map");
        row("null in a value list", replaced(kRule, image, "        Image:\n            - x\n            - null\n"), 10,
            "null cannot be part of a list of values");
        row("list in a search list", replaced(kRule, selection, "    selection:\n        - - x\n"), 8,
            "detection.selection holds a list inside its list");
        row("empty search identifier", replaced(kRule, selection, "    selection:\n"), 7,
            "detection.selection is empty");
        row("scalar search identifier", replaced(kRule, selection, "    selection: whoami\n"), 7,
            "must be a map (field: value), a list of maps or a list of keywords");
        row("empty list", replaced(kRule, selection, "    selection: []\n"), 7, "detection.selection is an empty list");
        row("empty map", replaced(kRule, selection, "    selection: {}\n"), 7, "detection.selection is an empty map");
        row("null keyword", replaced(kRule, selection, "    selection:\n        - whoami\n        - ~\n"), 9,
            "holds an empty keyword (null)");
        row("duplicate field", replaced(kRule, image, image + "        Image|endswith: '\\cmd.exe'\n"), 9,
            "the key 'Image|endswith' appears twice in detection.selection");
        row("obsolete timeframe", replaced(kRule, "    condition:", "    timeframe: 5m\n    condition:"), 9,
            "obsolete aggregation syntax");
        row("all with one value", replaced(kRule, "Image|endswith", "Image|endswith|all"), 8,
            "needs a list of at least two values");
        row("exists not a boolean", replaced(kRule, image, "        Image|exists: 'true'\n"), 8,
            "'exists' in 'Image|exists' takes one value, true or false");
        row("exists with another modifier", replaced(kRule, image, "        Image|exists|cased: true\n"), 8,
            "'exists' cannot be combined");
        row("exists on keywords", replaced(kRule, image, "        '|exists': true\n"), 8,
            "'exists' needs a field name");
        row("gt not a number", replaced(kRule, image, "        EventID|gt: many\n"), 8,
            "'gt' in 'EventID|gt' takes numbers; 'many' is not one");
        row("two comparisons", replaced(kRule, image, "        EventID|gt|lt: 5\n"), 8, "more than one of lt, lte, gt");
        row("null with contains", replaced(kRule, image, "        Image|contains: null\n"), 8,
            "null (the field is absent or empty) cannot take the modifier 'contains'");
        row("unsupported tag", replaced(kRule, "'\\whoami.exe'", "!custom x"), 8,
            "the YAML tag '!custom' is not supported");
        row("value too long", replaced(kRule, "\\whoami.exe", std::string(kMaxTextBytes + 1, 'x')), 8,
            "is longer than 65536 bytes");
        row("unknown identifier in condition",
            replaced(kRule, "condition: selection", "condition: selection and not filter"), 9,
            "unknown search identifier 'filter'");
        row("pattern matching nothing", replaced(kRule, "condition: selection", "condition: 1 of filter_*"), 9,
            "'1 of filter_*' matches no search identifier");
        row("aggregation condition", replaced(kRule, "condition: selection", "condition: selection | count() > 5"), 9,
            "the aggregation syntax");
        row("empty condition text", replaced(kRule, "condition: selection", "condition: ''"), 9,
            "the condition is empty");
        row("null condition", replaced(kRule, "condition: selection", "condition:"), 9, "detection.condition is empty");
        row("condition is a map", replaced(kRule, "condition: selection", "condition: {a: b}"), 9,
            "must be a text or a list of texts");
        row("YAML syntax error", replaced(kRule, "    product: windows\n", "    product: windows\n  bad: x\n"), 6,
            "not valid YAML: end of map not found");
        row("YAML illegal value", replaced(kRule, "level: high", "level: high: x"), 10, "not valid YAML");

        // Correlations.
        row("correlation type", replaced(kCorrelation, "type: event_count", "type: event_sum"), 4,
            "correlation.type 'event_sum' is not one of");
        row("correlation without type", replaced(kCorrelation, "    type: event_count\n", ""), 4,
            "correlation has no type");
        row("correlation without rules", replaced(kCorrelation, "    rules:\n        - failed_login\n", ""), 4,
            "correlation has no rules");
        row("correlation with empty rules",
            replaced(kCorrelation, "    rules:\n        - failed_login\n", "    rules: []\n"), 5,
            "correlation.rules is empty");
        row("correlation rule twice",
            replaced(kCorrelation, "        - failed_login\n", "        - failed_login\n        - failed_login\n"), 6,
            "correlation.rules lists 'failed_login' twice");
        row("correlation without group-by", replaced(kCorrelation, "    group-by:\n        - ComputerName\n", ""), 4,
            "correlation has no group-by");
        row("correlation without timespan", replaced(kCorrelation, "    timespan: 1h\n", ""), 4,
            "correlation has no timespan");
        row("timespan in weeks", replaced(kCorrelation, "timespan: 1h", "timespan: 1w"), 9,
            "correlation.timespan '1w' is not a number followed by s, m, h or d");
        row("timespan without unit", replaced(kCorrelation, "timespan: 1h", "timespan: 10"), 9,
            "is not a number followed by s, m, h or d");
        row("timespan in milliseconds", replaced(kCorrelation, "timespan: 1h", "timespan: 500ms"), 9,
            "is not a number followed by s, m, h or d");
        row("timespan zero", replaced(kCorrelation, "timespan: 1h", "timespan: 0s"), 9, "must be longer than zero");
        row("event_count without condition", replaced(kCorrelation, "    condition:\n        gte: 100\n", ""), 4,
            "a correlation of type event_count needs a condition");
        row("condition unknown key", replaced(kCorrelation, "gte: 100", "above: 100"), 11,
            "unknown key 'above' in correlation.condition");
        row("condition not a number", replaced(kCorrelation, "gte: 100", "gte: many"), 11,
            "correlation.condition.gte must be a number, not 'many'");
        row("condition without comparison", replaced(kCorrelation, "gte: 100", "field: User"), 11,
            "correlation.condition has no comparison");
        row("field on event_count", replaced(kCorrelation, "gte: 100", "gte: 100\n        field: User"), 11,
            "correlation.condition.field applies to the value_* types only");
        row("value_count without field", replaced(kCorrelation, "type: event_count", "type: value_count"), 11,
            "a correlation of type value_count needs correlation.condition.field");
        row("misspelt group-by", replaced(kCorrelation, "group-by", "groupby"), 7,
            "unknown key 'groupby' in correlation");
        row("alias of an unlisted rule",
            replaced(kCorrelation, "    timespan: 1h\n",
                "    timespan: 1h\n    aliases:\n        ip:\n            other_rule: SourceIp\n"),
            12, "correlation.aliases.ip names the rule 'other_rule', which correlation.rules does not list");
        row("generate not a boolean", kCorrelation + "generate: maybe\n", 12, "generate must be true or false");
        row("correlation without title", replaced(kCorrelation, "title: Many failed logins\n", ""), 1,
            "the document has no title");

        // Filters.
        row("filter without rules",
            replaced(kFilter, "    rules:\n        - 6f3e2987-db24-4c78-a860-b4f4095a7095\n", ""), 6,
            "filter has no rules");
        row("filter with empty rules",
            replaced(kFilter, "    rules:\n        - 6f3e2987-db24-4c78-a860-b4f4095a7095\n", "    rules: []\n"), 6,
            "filter.rules is empty");
        row("filter without logsource",
            replaced(kFilter, "logsource:\n    category: process_creation\n    product: windows\n", ""), 1,
            "the document has no logsource");
        row("filter without search identifier",
            replaced(kFilter, "    selection:\n        User|startswith: 'adm_'\n", ""), 6,
            "filter defines no search identifier");
        row("filter condition", replaced(kFilter, "condition: selection", "condition: sel"), 10,
            "unknown search identifier 'sel'");
        row("filter modifier", replaced(kFilter, "startswith", "begins"), 9, "unknown modifier 'begins'");
    }
    void errors() {
        QFETCH(QString, yaml);
        QFETCH(int, line);
        QFETCH(QString, messagePart);
        const RuleCollection collection = load(yaml.toStdString());
        QVERIFY(collection.rules.empty());
        QVERIFY(collection.correlations.empty());
        QVERIFY(collection.filters.empty());
        QCOMPARE(collection.failures.size(), 1u);
        const LoadFailure &failure = collection.failures[0];
        QCOMPARE(failure.where.file, "test.yml");
        QVERIFY2(failure.where.line == line && failure.where.column > 0,
            (failure.where.toString() + ": " + failure.reason).c_str());
        QVERIFY2(QString::fromStdString(failure.reason).contains(messagePart), failure.reason.c_str());
    }

    // Plain scalars are typed by YAML 1.2; quoted and block scalars are strings.
    void values_data() {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("text");
        QTest::addRow("integer") << "4688"
                                 << "number"
                                 << "4688";
        QTest::addRow("quoted integer") << "'4688'"
                                        << "string"
                                        << "4688";
        QTest::addRow("double-quoted integer") << "\"4688\""
                                               << "string"
                                               << "4688";
        QTest::addRow("negative") << "-3"
                                  << "number"
                                  << "-3";
        QTest::addRow("leading zero") << "017"
                                      << "number"
                                      << "017";
        QTest::addRow("hexadecimal as written") << "0x17"
                                                << "number"
                                                << "0x17";
        QTest::addRow("octal") << "0o17"
                               << "number"
                               << "0o17";
        QTest::addRow("float") << "1.5"
                               << "number"
                               << "1.5";
        QTest::addRow("exponent") << "1e3"
                                  << "number"
                                  << "1e3";
        QTest::addRow("fraction only") << ".5"
                                       << "number"
                                       << ".5";
        QTest::addRow("infinity") << ".inf"
                                  << "number"
                                  << ".inf";
        QTest::addRow("underscore digits are text") << "1_000"
                                                    << "string"
                                                    << "1_000";
        QTest::addRow("version is text") << "1.2.3"
                                         << "string"
                                         << "1.2.3";
        QTest::addRow("true") << "true"
                              << "boolean"
                              << "true";
        QTest::addRow("capitalised false") << "False"
                                           << "boolean"
                                           << "False";
        QTest::addRow("quoted true") << "'true'"
                                     << "string"
                                     << "true";
        QTest::addRow("yes is text (YAML 1.2)") << "yes"
                                                << "string"
                                                << "yes";
        QTest::addRow("null") << "null"
                              << "null"
                              << "";
        QTest::addRow("tilde") << "~"
                               << "null"
                               << "";
        QTest::addRow("empty") << ""
                               << "null"
                               << "";
        QTest::addRow("quoted null") << "'null'"
                                     << "string"
                                     << "null";
        QTest::addRow("empty quotes") << "''"
                                      << "string"
                                      << "";
        QTest::addRow("tagged string") << "!!str 12"
                                       << "string"
                                       << "12";
        QTest::addRow("tagged integer") << "!!int '12'"
                                        << "number"
                                        << "12";
        QTest::addRow("backslashes kept") << "'C:\\Windows\\*\\x.exe'"
                                          << "string"
                                          << "C:\\Windows\\*\\x.exe";
        QTest::addRow("single-quote escape") << "'it''s'"
                                             << "string"
                                             << "it's";
        QTest::addRow("double-quote escapes") << "\"a\\tb\""
                                              << "string"
                                              << "a\tb";
        QTest::addRow("wildcards unprocessed") << "C:\\*\\whoami?.exe"
                                               << "string"
                                               << "C:\\*\\whoami?.exe";
        QTest::addRow("literal block") << "|\n            first\n            second"
                                       << "string"
                                       << "first\nsecond\n";
        QTest::addRow("literal block, stripped") << "|-\n            first\n            second"
                                                 << "string"
                                                 << "first\nsecond";
        QTest::addRow("folded block") << ">\n            first\n            second"
                                      << "string"
                                      << "first second\n";
        QTest::addRow("plain multi-line") << "first\n            second"
                                          << "string"
                                          << "first second";
        QTest::addRow("quoted multi-line") << "'first\n            second'"
                                           << "string"
                                           << "first second";
    }
    void values() {
        QFETCH(QString, value);
        QFETCH(QString, type);
        QFETCH(QString, text);
        const std::string yaml = "title: t\nlogsource:\n    product: p\ndetection:\n    selection:\n        Field: "
            + value.toStdString() + "\n    condition: selection\n";
        const RuleCollection collection = load(yaml);
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        const SigmaValue parsed = valueOf(collection);
        QCOMPARE(typeName(parsed.type), type);
        QCOMPARE(QString::fromStdString(parsed.text), text);
    }

    void searchShapes() {
        const std::string yaml = R"(title: shapes
logsource:
    product: windows
detection:
    selection_list:
        EventID:
            - 4688
            - '4689'
            - true
        CommandLine|contains|all:
            - ' -enc '
            - 'hidden'
        CommandLine|re|i: '^powershell'
        Empty: []
        Absent: null
    selection_maps:
        - Image|endswith: '\cmd.exe'
        - Image|endswith: '\powershell.exe'
          ParentImage|windash|contains: ' -c '
    keywords:
        - 'event::clear'
        - 4711
    keywords_all:
        '|all':
            - 'OabVirtualDirectory'
            - ' -ExternalUrl '
    mixed:
        - Image: x
        - loose keyword
    _private:
        User|neq: root
    condition:
        - 1 of selection_* and not 1 of keywords*
        - mixed and not _private
)";
        const RuleCollection collection = load(yaml);
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        const SigmaRule &rule = collection.rules.at(0);
        QCOMPARE(rule.searches.size(), 6u);

        const DetectionMap &list = rule.searches[0].alternatives.at(0);
        QCOMPARE(rule.searches[0].alternatives.size(), 1u);
        QCOMPARE(list.items.size(), 5u);
        QCOMPARE(list.items[0].values.size(), 3u);
        QVERIFY(list.items[0].values[0].type == SigmaValue::Type::Number);
        QVERIFY(list.items[0].values[1].type == SigmaValue::Type::String);
        QVERIFY(list.items[0].values[2].type == SigmaValue::Type::Boolean);
        QCOMPARE(list.items[1].modifiers, (std::vector<Modifier> {Modifier::Contains, Modifier::All}));
        QVERIFY(list.items[1].has(Modifier::All));
        QVERIFY(!list.items[1].has(Modifier::Cased));
        QCOMPARE(list.items[2].modifiers, (std::vector<Modifier> {Modifier::Re, Modifier::ReInsensitive}));
        QVERIFY(list.items[3].values.empty()); // an empty list matches nothing
        QCOMPARE(list.items[4].values.size(), 1u);
        QVERIFY(list.items[4].values[0].type == SigmaValue::Type::Null);
        QCOMPARE(list.items[4].where.toString(), "test.yml:15:9");

        const SearchIdentifier &maps = rule.searches[1];
        QCOMPARE(maps.alternatives.size(), 2u);
        QCOMPARE(maps.alternatives[1].items.size(), 2u);
        QCOMPARE(
            maps.alternatives[1].items[1].modifiers, (std::vector<Modifier> {Modifier::Windash, Modifier::Contains}));

        const SearchIdentifier &keywords = rule.searches[2];
        QCOMPARE(keywords.alternatives.size(), 1u);
        QCOMPARE(keywords.alternatives[0].items.size(), 1u);
        QVERIFY(!keywords.alternatives[0].items[0].field);
        QCOMPARE(keywords.alternatives[0].items[0].values.size(), 2u);
        QCOMPARE(keywords.alternatives[0].items[0].values[0].text, "event::clear");

        const DetectionItem &all = rule.searches[3].alternatives.at(0).items.at(0);
        QVERIFY(!all.field);
        QCOMPARE(all.modifiers, (std::vector<Modifier> {Modifier::All}));
        QCOMPARE(all.values.size(), 2u);

        const SearchIdentifier &mixed = rule.searches[4];
        QCOMPARE(mixed.alternatives.size(), 2u);
        QCOMPARE(mixed.alternatives[0].items.at(0).field.value_or("?"), "Image");
        QVERIFY(!mixed.alternatives[1].items.at(0).field);
        QCOMPARE(mixed.alternatives[1].items.at(0).values.at(0).text, "loose keyword");

        QCOMPARE(rule.searches[5].name, "_private");
        QCOMPARE(rule.searches[5].alternatives.at(0).items.at(0).modifiers, (std::vector<Modifier> {Modifier::Neq}));

        // Several conditions are OR'ed.
        QCOMPARE(rule.conditionTexts.size(), 2u);
        QVERIFY(rule.condition.kind == ConditionNode::Kind::Or);
        QCOMPARE(rule.condition.children.size(), 2u);
        QVERIFY(rule.condition.children[0].kind == ConditionNode::Kind::And);
        QVERIFY(rule.condition.children[1].kind == ConditionNode::Kind::And);
    }

    void modifierNames() {
        for (int i = 0; i <= static_cast<int>(Modifier::Fieldref); ++i) {
            const auto modifier = static_cast<Modifier>(i);
            QCOMPARE(parseModifier(toString(modifier)), std::optional<Modifier>(modifier));
        }
        QCOMPARE(parseModifier("wide"), std::optional<Modifier>(Modifier::Utf16le));
        QCOMPARE(parseModifier("re"), std::optional<Modifier>(Modifier::Re));
        QCOMPARE(parseModifier("i"), std::optional<Modifier>(Modifier::ReInsensitive));
        QCOMPARE(parseModifier("Contains"), std::nullopt);
        QCOMPARE(parseModifier(""), std::nullopt);
        for (int i = 0; i <= static_cast<int>(CorrelationKind::ValuePercentile); ++i) {
            const auto kind = static_cast<CorrelationKind>(i);
            QCOMPARE(parseCorrelationKind(toString(kind)), std::optional<CorrelationKind>(kind));
        }
        QCOMPARE(toString(CorrelationKind::TemporalOrdered), "temporal_ordered");
        QCOMPARE(toString(Comparison::Neq), "neq");
        QCOMPARE((SourceLocation {"x.yml", 3, 7}.toString()), "x.yml:3:7");
        QCOMPARE((SourceLocation {"x.yml", 0, 0}.toString()), "x.yml");
    }

    // A failing document costs only itself; line numbers stay those of the file.
    void multipleDocuments() {
        const std::string text = kRule + "---\n"
            + "title: broken\nlogsource: {product: x}\ndetection:\n    s: {a: b: c}\n" + "---\n"
            + replaced(kRule, "title: Whoami Execution\n", "") + "...\n" + "---\n" + smallRule("last")
            + "---\n# only a comment\n";
        const RuleCollection collection = load(text);
        QCOMPARE(collection.rules.size(), 2u);
        QCOMPARE(collection.rules[0].meta.title, "Whoami Execution");
        QCOMPARE(collection.rules[1].meta.title, "last");
        QCOMPARE(collection.rules[1].meta.where.line, 28);
        QCOMPARE(collection.failures.size(), 2u);
        QCOMPARE(collection.failures[0].where.line, 15);
        QVERIFY2(collection.failures[0].reason.starts_with("not valid YAML"), collection.failures[0].reason.c_str());
        QCOMPARE(collection.failures[1].where.line, 17);
        QCOMPARE(collection.failures[1].reason, "the document has no title");
    }

    // Windows line ends and a byte order mark change nothing, document markers included.
    void crlfAndByteOrderMark() {
        std::string text = "\xEF\xBB\xBF" + kRule + "---\n" + smallRule("second");
        for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 2))
            text.replace(at, 1, "\r\n");
        const RuleCollection collection = load(text);
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        QCOMPARE(collection.rules.size(), 2u);
        QCOMPARE(collection.rules[0].meta.title, "Whoami Execution");
        QCOMPARE(collection.rules[0].searches.at(0).alternatives.at(0).items.at(0).values.at(0).text, "\\whoami.exe");
        QCOMPARE(collection.rules[1].meta.where.line, 12);
    }

    // `generate` may stand beside `level` (as the specification lists it) or inside `correlation`.
    void generateAtTopLevel() {
        const RuleCollection collection = load(kCorrelation + "generate: true\n");
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        QVERIFY(collection.correlations.at(0).generate);
        const RuleCollection twice = load(kCorrelation + "    generate: true\ngenerate: false\n");
        QCOMPARE(twice.failures.size(), 1u);
        QVERIFY2(twice.failures[0].reason.find("generate is given twice") != std::string::npos,
            twice.failures[0].reason.c_str());
    }

    void duplicatesAcrossDocuments() {
        const std::string text = smallRule("first", "id: same\n") + "---\n" + smallRule("second", "id: same\n")
            + "---\n" + smallRule("named", "name: shared\n") + "---\n"
            + smallRule("named again", "id: other\nname: shared\n") + "---\n"
            + smallRule("id like a name", "id: shared\n") + "---\n"
            + replaced(kCorrelation, "id: 0e95725d-7320-415d-80f7-004da920fc11", "id: same");
        RuleCollection collection = load(text);
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        resolveReferences(collection);
        QCOMPARE(collection.rules.size(), 2u);
        QCOMPARE(collection.rules[0].meta.title, "first");
        QCOMPARE(collection.rules[1].meta.title, "named");
        QVERIFY(collection.correlations.empty());
        QCOMPARE(collection.failures.size(), 4u);
        QCOMPARE(collection.failures[0].where.line, 10);
        QCOMPARE(collection.failures[0].reason, "the id 'same' is already used by the document at test.yml:1:1");
        QCOMPARE(collection.failures[1].reason, "the name 'shared' is already used by the document at test.yml:19:1");
        QCOMPARE(collection.failures[2].reason, "the id 'shared' is already used by the document at test.yml:19:1");
        QCOMPARE(collection.failures[3].reason, "the id 'same' is already used by the document at test.yml:1:1");
    }

    void references_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("rules");
        QTest::addColumn<int>("correlations");
        QTest::addColumn<int>("filters");
        QTest::addColumn<QStringList>("reasons");
        const std::string rule = smallRule("failed login", "id: 5638f7c0\nname: failed_login\n") + "---\n";
        const auto correlation = [](const std::string &id, const std::string &references) {
            return "title: c " + id + "\nid: " + id + "\ncorrelation:\n    type: event_count\n    rules: [" + references
                + "]\n    group-by: [User]\n    timespan: 5m\n    condition: {gte: 2}\n---\n";
        };
        const auto filter = [](const std::string &references) {
            return "title: f\nlogsource: {product: linux}\nfilter:\n    rules: [" + references
                + "]\n    selection: {User: admin}\n    condition: selection\n---\n";
        };
        const auto add = [](const char *name, const std::string &yaml, int rules, int correlations, int filters,
                             std::vector<const char *> reasons) {
            QStringList expected;
            for (const char *reason : reasons)
                expected << QString::fromUtf8(reason);
            QTest::newRow(name) << QString::fromStdString(yaml) << rules << correlations << filters << expected;
        };
        add("by id and by name",
            rule + correlation("c1", "5638f7c0") + correlation("c2", "failed_login") + filter("5638f7c0")
                + filter("failed_login"),
            1, 2, 2, {});
        add("chained", rule + correlation("c1", "failed_login") + correlation("c2", "c1, failed_login"), 1, 2, 0, {});
        add("unknown rule", rule + correlation("c1", "failed_logon"), 1, 0, 0,
            {"correlation.rules names 'failed_logon', which is the id or name of no loaded rule or correlation"});
        add("lost dependency", rule + correlation("c1", "nothing") + correlation("c2", "c1"), 1, 0, 0,
            {"names 'nothing'", "names 'c1'"});
        add("itself", rule + correlation("c1", "failed_login, c1"), 1, 0, 0,
            {"correlation.rules names the correlation itself ('c1')"});
        add("cycle",
            rule + correlation("c1", "c2") + correlation("c2", "c1") + correlation("c3", "c1, failed_login")
                + correlation("c4", "failed_login"),
            1, 1, 0, {"into a cycle", "into a cycle", "leads through 'c1' into a cycle"});
        add("filter of an unknown rule", rule + filter("failed_login, nothing"), 1, 0, 0,
            {"filter.rules names 'nothing', which is the id or name of no loaded rule"});
        add("filter of a correlation", rule + correlation("c1", "failed_login") + filter("c1"), 1, 1, 0,
            {"filter.rules names the correlation 'c1'; filters apply to detection rules"});
    }
    void references() {
        QFETCH(QString, yaml);
        QFETCH(int, rules);
        QFETCH(int, correlations);
        QFETCH(int, filters);
        QFETCH(QStringList, reasons);
        RuleCollection collection = load(yaml.toStdString());
        QVERIFY2(collection.failures.empty(), describe(collection.failures).c_str());
        resolveReferences(collection);
        QCOMPARE(collection.rules.size(), static_cast<std::size_t>(rules));
        QCOMPARE(collection.correlations.size(), static_cast<std::size_t>(correlations));
        QCOMPARE(collection.filters.size(), static_cast<std::size_t>(filters));
        QVERIFY2(collection.failures.size() == static_cast<std::size_t>(reasons.size()),
            describe(collection.failures).c_str());
        for (qsizetype i = 0; i < reasons.size(); ++i)
            QVERIFY2(
                QString::fromStdString(collection.failures[static_cast<std::size_t>(i)].reason).contains(reasons[i]),
                collection.failures[static_cast<std::size_t>(i)].reason.c_str());
    }

    void directoryTree() {
        QTemporaryDir root, elsewhere;
        QVERIFY(root.isValid() && elsewhere.isValid());
        const QString base = root.path();
        writeFile(base + QStringLiteral("/top.yml"), smallRule("T"));
        writeFile(base + QStringLiteral("/a/z.yml"), smallRule("Z"));
        writeFile(base + QStringLiteral("/a/b/m.yaml"), smallRule("M"));
        writeFile(base + QStringLiteral("/notes.txt"), smallRule("not a rule file"));
        writeFile(base + QStringLiteral("/.hidden/x.yml"), smallRule("hidden directory"));
        writeFile(base + QStringLiteral("/.x.yml"), smallRule("hidden file"));
        writeFile(elsewhere.path() + QStringLiteral("/outside.yml"), smallRule("outside"));
        namespace fs = std::filesystem;
        const fs::path basePath = base.toStdString();
        fs::create_directory_symlink("..", basePath / "a" / "loop");
        fs::create_directory_symlink(basePath / "a", basePath / "linked-dir.yml");
        fs::create_symlink(basePath / "a" / "z.yml", basePath / "link.yml");
        fs::create_symlink(fs::path(elsewhere.path().toStdString()) / "outside.yml", basePath / "out.yml");
        fs::create_symlink(basePath / "missing.yml", basePath / "dangling.yml");

        const RuleCollection collection = loadRules({base.toStdString()});
        QStringList titles;
        for (const SigmaRule &rule : collection.rules)
            titles << QString::fromStdString(rule.meta.title);
        QCOMPARE(titles, (QStringList {u"M"_s, u"Z"_s, u"Z"_s, u"T"_s})); // a/b/m.yaml, a/z.yml, link.yml, top.yml
        QCOMPARE(collection.filesRead, 4u);
        QCOMPARE(collection.failures.size(), 1u);
        QVERIFY(collection.failures[0].where.file.ends_with("out.yml"));
        QVERIFY2(
            collection.failures[0].reason.find("outside") != std::string::npos, collection.failures[0].reason.c_str());

        // Paths given explicitly are read whatever their name; missing ones are failures.
        const RuleCollection explicitFiles = loadRules({QString(base + QStringLiteral("/notes.txt")).toStdString(),
            QString(base + QStringLiteral("/nothing.yml")).toStdString()});
        QCOMPARE(explicitFiles.rules.size(), 1u);
        QCOMPARE(explicitFiles.filesRead, 1u);
        QCOMPARE(explicitFiles.failures.size(), 1u);
        QCOMPARE(explicitFiles.failures[0].reason, "no such file or directory");
        QVERIFY(explicitFiles.failures[0].where.file.ends_with("nothing.yml"));
    }

    void hostileInput_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("messagePart");
        QTest::addRow("file too large") << "large"
                                        << "more than the 16777216 allowed";
        QTest::addRow("alias bomb") << "aliases"
                                    << "more than 100000 values and items";
        QTest::addRow("deep YAML nesting") << "deep"
                                           << "not valid YAML";
        QTest::addRow("too many documents") << "documents"
                                            << "more than 16384 documents";
    }
    void hostileInput() {
        QFETCH(QString, kind);
        QFETCH(QString, messagePart);
        std::string text;
        if (kind == QStringLiteral("large")) {
            text = smallRule("large") + std::string(kMaxSigmaFileBytes, '#');
        } else if (kind == QStringLiteral("aliases")) {
            // 100 fields of 100 values, that map repeated 100 times: a million values from ~3 KB.
            text = "title: bomb\nlogsource: {product: p}\ndetection:\n    base: &m\n        F0: &v [";
            for (int i = 0; i < 100; ++i)
                text += i ? ", x" : "x";
            text += "]\n";
            for (int i = 1; i < 100; ++i)
                text += "        F" + std::to_string(i) + ": *v\n";
            text += "    bomb: [";
            for (int i = 0; i < 100; ++i)
                text += i ? ", *m" : "*m";
            text += "]\n    condition: bomb\n";
        } else if (kind == QStringLiteral("deep")) {
            text = "title: deep\nlogsource: " + std::string(100'000, '[') + std::string(100'000, ']') + "\n";
        } else {
            for (std::size_t i = 0; i <= kMaxDocumentsPerFile; ++i)
                text += "---\n";
        }
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/hostile.yml");
        writeFile(path, text);
        const RuleCollection collection = loadRules({path.toStdString()});
        QVERIFY(collection.rules.empty());
        QCOMPARE(collection.failures.size(), 1u);
        QVERIFY(collection.failures[0].where.file.ends_with("hostile.yml"));
        QVERIFY2(QString::fromStdString(collection.failures[0].reason).contains(messagePart),
            collection.failures[0].reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestSigmaLoader)
#include "tst_sigmaloader.moc"
