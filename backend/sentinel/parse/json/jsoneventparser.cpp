// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/jsoneventparser.h"

#include "sentinel/parse/json/jsonlevel.h"
#include "sentinel/parse/json/jsontimestamp.h"
#include "sentinel/respond/ipaddress.h"
#include "shared/wire/codec.h"
#include "shared/wire/fieldname.h"

namespace vanopticon::sentinel {

namespace {

bool isPort(std::string_view text) {
    if (text.empty() || text.size() > 5)
        return false;
    unsigned value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value <= 65535;
}

} // namespace

JsonEventParser::JsonEventParser(JsonLimits limits, std::size_t maxNewFieldNames)
    : m_flattener(limits)
    , m_names(maxNewFieldNames) {
    for (const JsonKeyMapping &mapping : jsonWellKnownKeys())
        m_known.emplace(mapping.key, mapping);
    for (std::size_t i = 0; i < kTargets; ++i) {
        const std::string_view name = jsonTargetFieldName(static_cast<JsonKeyTarget>(i));
        m_targetIds[i] = name.empty() ? field::Severity : internField(name);
    }
}

const JsonEventParser::KeyInfo &JsonEventParser::keyInfo(std::string_view name) {
    if (const auto it = m_keyInfos.find(name); it != m_keyInfos.end())
        return it->second;
    KeyInfo info;
    // Field names are letters, digits, '_', '.', '-' (what the server accepts): "@version"
    // becomes "_version"; a name still unacceptable (too long) is not kept, and remembered so.
    std::string fieldName(name);
    wire::replaceNonFieldNameChars(fieldName);
    const bool acceptable = wire::isAcceptableFieldName(fieldName);
    if (acceptable)
        info.id = m_names.lookup(fieldName);
    if (const auto known = m_known.find(name); known != m_known.end()) {
        info.target = known->second.target;
        info.rank = known->second.rank;
    }
    // A name refused for want of budget is asked again next time: the registry may know it by then.
    if ((acceptable && !info.id) || m_keyInfos.size() >= kMaxKeyInfos) {
        m_overflow = info;
        return m_overflow;
    }
    return m_keyInfos.emplace(std::string(name), info).first->second;
}

std::string_view JsonEventParser::candidate(const JsonField &leaf, JsonKeyTarget target, std::int32_t utcOffsetSeconds,
    std::int64_t &timestampNs, Severity &severity) const {
    std::string_view value;
    switch (leaf.kind) {
    case JsonValueKind::String:
    case JsonValueKind::Number:
    case JsonValueKind::Bool:
        value = leaf.value;
        break;
    case JsonValueKind::Array:
        value = leaf.first;
        break;
    case JsonValueKind::Null:
    case JsonValueKind::Object:
        return {};
    }
    if (value.empty())
        return {};
    switch (target) {
    case JsonKeyTarget::Timestamp:
        if (leaf.kind == JsonValueKind::Bool)
            return {};
        if (const auto ns = parseJsonTimestamp(value, utcOffsetSeconds)) {
            timestampNs = *ns;
            return value;
        }
        return {};
    case JsonKeyTarget::Level:
        if (const auto level = parseJsonLevel(value)) {
            severity = *level;
            return value;
        }
        return {};
    case JsonKeyTarget::SourceIp:
    case JsonKeyTarget::DestinationIp:
        return IpAddress::parse(value) ? value : std::string_view();
    case JsonKeyTarget::SourcePort:
    case JsonKeyTarget::DestinationPort:
        return isPort(value) ? value : std::string_view();
    default:
        return value;
    }
}

ParseOutcome JsonEventParser::parse(
    std::string_view record, const SyslogContext &context, EventBatch &batch, std::size_t readable) {
    ++m_stats.records;
    if (const ParseOutcome outcome = m_flattener.parse(record, readable); !outcome) {
        ++m_stats.failed;
        return outcome;
    }
    const std::span<const JsonField> leaves = m_flattener.fields();
    m_stats.droppedFields += m_flattener.droppedFields();
    m_stats.objectsAsText += m_flattener.objectsAsText();

    // First pass: for each target, the best-ranked leaf whose value can fill it.
    m_winner.fill(kNone);
    m_isWinner.assign(leaves.size(), 0);
    m_leafIds.resize(leaves.size());
    std::int64_t timestampNs = context.nowNs;
    Severity severity = Severity::Info;
    bool sawTimestampKey = false;
    for (std::uint32_t i = 0; i < leaves.size(); ++i) {
        const KeyInfo &info = keyInfo(leaves[i].name);
        m_leafIds[i] = info.id;
        if (info.target == JsonKeyTarget::Count)
            continue;
        const auto target = static_cast<std::size_t>(info.target);
        if (m_winner[target] != kNone && m_winnerRank[target] <= info.rank)
            continue;
        sawTimestampKey = sawTimestampKey || info.target == JsonKeyTarget::Timestamp;
        std::int64_t candidateNs = 0;
        Severity candidateSeverity = Severity::Info;
        const std::string_view value
            = candidate(leaves[i], info.target, context.utcOffsetSeconds, candidateNs, candidateSeverity);
        if (value.empty())
            continue;
        if (m_winner[target] != kNone)
            m_isWinner[m_winner[target]] = 0;
        m_winner[target] = i;
        m_winnerRank[target] = info.rank;
        m_winnerValue[target] = value;
        m_isWinner[i] = 1;
        if (info.target == JsonKeyTarget::Timestamp)
            timestampNs = candidateNs;
        else if (info.target == JsonKeyTarget::Level)
            severity = candidateSeverity;
    }
    const auto winner = [this](JsonKeyTarget target) { return m_winner[static_cast<std::size_t>(target)]; };
    if (sawTimestampKey && winner(JsonKeyTarget::Timestamp) == kNone)
        ++m_stats.undatedRecords;
    // The level's own text stays visible ("level": "warn"), and so does an array a target took the
    // first element of; the timestamp became the event's time.
    constexpr std::uint8_t kAlsoOwnName = 2;
    if (const std::uint32_t level = winner(JsonKeyTarget::Level); level != kNone)
        m_isWinner[level] = kAlsoOwnName;
    for (std::uint32_t i = 0; i < leaves.size(); ++i) {
        if (m_isWinner[i] != 0 && leaves[i].kind == JsonValueKind::Array)
            m_isWinner[i] = kAlsoOwnName;
    }

    Event &event = batch.addEvent();
    event.timestampNs = timestampNs;
    event.severity = severity;

    // Second pass: every other leaf under its own name, before the targets so that they prevail.
    for (std::uint32_t i = 0; i < leaves.size(); ++i) {
        const JsonField &leaf = leaves[i];
        if ((m_isWinner[i] != 0 && m_isWinner[i] != kAlsoOwnName) || leaf.kind == JsonValueKind::Null)
            continue;
        const std::optional<FieldId> id = m_leafIds[i];
        if (id && *id == field::Severity && m_isWinner[i] == kAlsoOwnName)
            continue; // "severity": its meaning is Event::severity already
        if (!id || *id == field::Severity || *id == field::Raw) {
            ++m_stats.droppedFields;
            continue;
        }
        batch.setField(event, *id, leaf.value);
    }

    for (std::size_t target = 0; target < kTargets; ++target) {
        if (m_winner[target] == kNone || m_targetIds[target] == field::Severity)
            continue;
        batch.setField(event, m_targetIds[target], m_winnerValue[target]);
    }
    if (winner(JsonKeyTarget::Host) == kNone && !context.hostName.empty())
        batch.setField(event, field::Host, context.hostName);
    if (winner(JsonKeyTarget::EventType) == kNone)
        batch.setField(event, field::EventType, "json");
    if (winner(JsonKeyTarget::Category) == kNone)
        batch.setField(event, field::Category, "application");
    if (winner(JsonKeyTarget::SourceType) == kNone)
        batch.setField(event, field::SourceType, "json");
    batch.setField(event, field::Raw, record);
    ++m_stats.events;
    return {};
}

ParseOutcome parseJsonEvent(std::string_view record, const SyslogContext &context, EventBatch &batch) {
    thread_local JsonEventParser parser;
    return parser.parse(record, context, batch);
}

} // namespace vanopticon::sentinel
