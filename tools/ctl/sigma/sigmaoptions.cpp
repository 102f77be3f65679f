// SPDX-License-Identifier: Apache-2.0
#include "sigma/sigmaoptions.h"

#include <QCoreApplication>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

const QString kLogsources = u"logsources"_s;
const QString kPlaceholders = u"placeholders"_s;
const QString kKeywordField = u"keyword-field"_s;
const QString kLogsource = u"logsource"_s;
const QString kScanCache = u"scan-cache"_s;
constexpr std::size_t kMaxScanCacheSlots = 1 << 20;

QString defaultLogsources() {
    const QString installed = QCoreApplication::applicationDirPath() + u"/../share/vanopticon/sigma/logsources.yaml"_s;
    if (QFileInfo::exists(installed))
        return installed;
    return QStringLiteral(VANOPTICON_RESOURCES_DIR) + u"/sigma/logsources.yaml"_s; // a build tree
}

// "product:cisco,service:aaa"
Result<analysis::sigma::Logsource> parseLogsource(const std::string &text) {
    analysis::sigma::Logsource logsource;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        const std::string part = text.substr(start, end - start);
        const std::size_t colon = part.find(':');
        if (colon == std::string::npos)
            return Error {"--logsource: '" + part + "' is not KEY:VALUE"};
        const std::string key = part.substr(0, colon);
        const std::string value = part.substr(colon + 1);
        if (key == "category")
            logsource.category = value;
        else if (key == "product")
            logsource.product = value;
        else if (key == "service")
            logsource.service = value;
        else
            return Error {"--logsource: unknown key '" + key + "' (category, product, service)"};
        start = end + 1;
    }
    return logsource;
}

} // namespace

void SigmaCommandOptions::addTo(QCommandLineParser &parser) {
    parser.addOption({kLogsources, u"The event → logsource mapping (default: the shipped one)."_s, u"FILE"_s});
    parser.addOption({kPlaceholders, u"A YAML map of `expand` placeholders to their values."_s, u"FILE"_s});
    parser.addOption(
        {kKeywordField, u"A field keywords are looked for in (repeatable; default message, raw)."_s, u"NAME"_s});
    parser.addOption(
        {kLogsource, u"Treat every event as of this logsource, e.g. product:cisco,service:aaa."_s, u"K:V,…"_s});
    parser.addOption({kScanCache,
        u"Per field, how many recent values' pattern hits to remember (0: scan every value; default %1)."_s.arg(
            analysis::sigma::SigmaEvaluator::kDefaultScanCacheSlots),
        u"SLOTS"_s});
}

Result<analysis::sigma::SigmaOptions> SigmaCommandOptions::read(
    const QCommandLineParser &parser, const QStringList &rulePaths) {
    analysis::sigma::SigmaOptions options;
    if (rulePaths.isEmpty())
        return Error {"name at least one rule file or directory"};
    for (const QString &path : rulePaths)
        options.rulePaths.push_back(path.toStdString());
    options.logsourcesFile
        = (parser.isSet(kLogsources) ? parser.value(kLogsources) : defaultLogsources()).toStdString();
    if (parser.isSet(kKeywordField)) {
        options.compile.keywordFields.clear();
        for (const QString &name : parser.values(kKeywordField))
            options.compile.keywordFields.push_back(name.toStdString());
    }
    if (parser.isSet(kPlaceholders)) {
        options.placeholdersFile = parser.value(kPlaceholders).toStdString();
    }
    if (parser.isSet(kLogsource)) {
        auto logsource = parseLogsource(parser.value(kLogsource).toStdString());
        if (!logsource)
            return logsource.error();
        options.fixedLogsource = *logsource;
    }
    if (parser.isSet(kScanCache)) {
        bool ok = false;
        const qulonglong slotCount = parser.value(kScanCache).toULongLong(&ok);
        if (!ok || slotCount > kMaxScanCacheSlots)
            return Error {"--scan-cache: a number of slotCount from 0 to " + std::to_string(kMaxScanCacheSlots)};
        options.scanCacheSlots = std::size_t(slotCount);
    }
    return options;
}

bool isRulePath(const QString &path) {
    const QFileInfo info(path);
    return info.isDir() || info.suffix().compare(u"yml"_s, Qt::CaseInsensitive) == 0
        || info.suffix().compare(u"yaml"_s, Qt::CaseInsensitive) == 0;
}

} // namespace vanopticon::ctl
