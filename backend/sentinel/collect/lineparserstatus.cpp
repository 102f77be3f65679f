// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/lineparserstatus.h"

#include <QJsonArray>

namespace vanopticon::sentinel {

using namespace Qt::StringLiterals;

namespace {

// The last few refusals are enough for an operator to see what is wrong; all are counted.
constexpr std::size_t kErrorsShown = 5;

} // namespace

QJsonObject lineParserStatus(const LineParser &parser) {
    const LineParserStats &stats = parser.stats();
    QJsonObject byFormat;
    for (std::size_t i = 0; i < kLineFormatCount; ++i) {
        if (stats.eventsByFormat[i] != 0)
            byFormat.insert(QString::fromLatin1(toString(static_cast<LineFormat>(i))), qint64(stats.eventsByFormat[i]));
    }
    const MessageClassifierStats &classified = parser.classifierStats();
    const RecordFieldStats &fields = parser.fieldStats();
    const std::uint64_t fieldsDropped = fields.unacceptableNames + fields.namesRefused + fields.pairsOmitted
        + classified.embeddedFields.unacceptableNames + classified.embeddedFields.namesRefused
        + classified.embeddedFields.pairsOmitted;

    QJsonArray errors;
    const auto &recent = parser.recentErrors();
    for (std::size_t i = recent.size() > kErrorsShown ? recent.size() - kErrorsShown : 0; i < recent.size(); ++i) {
        errors.append(QJsonObject {{u"reason"_s, QString::fromStdString(recent[i].reason)},
            {u"line"_s, QString::fromUtf8(recent[i].line.data(), qsizetype(recent[i].line.size()))}});
    }
    return QJsonObject {{u"format"_s, QString::fromLatin1(toString(parser.format()))},
        {u"lines"_s, qint64(stats.lines)}, {u"events"_s, qint64(stats.events)}, {u"events_by_format"_s, byFormat},
        {u"auth_events"_s, qint64(classified.authEvents)}, {u"security_events"_s, qint64(classified.securityEvents)},
        {u"embedded_events"_s, qint64(classified.embeddedEvents)},
        {u"malformed_messages"_s,
            qint64(classified.sshdMalformed + classified.securityMalformed + classified.embeddedMalformed)},
        {u"fields_dropped"_s, qint64(fieldsDropped)}, {u"parse_errors"_s, qint64(stats.failed)},
        {u"recent_parse_errors"_s, errors}};
}

} // namespace vanopticon::sentinel
