// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/correlation/sigmacorrelationcompiler.h"

#include <algorithm>
#include <string>
#include <vector>

namespace vanopticon::analysis::sigma {

namespace {

CorrelationType typeOf(CorrelationKind kind) {
    switch (kind) {
    case CorrelationKind::EventCount:
        return CorrelationType::EventCount;
    case CorrelationKind::ValueCount:
        return CorrelationType::ValueCount;
    case CorrelationKind::Temporal:
        return CorrelationType::Temporal;
    case CorrelationKind::TemporalOrdered:
        return CorrelationType::TemporalOrdered;
    case CorrelationKind::ValueSum:
        return CorrelationType::ValueSum;
    case CorrelationKind::ValueAvg:
        return CorrelationType::ValueAvg;
    case CorrelationKind::ValuePercentile:
        return CorrelationType::ValuePercentile;
    }
    return CorrelationType::EventCount;
}

CompareOp opOf(Comparison comparison) {
    switch (comparison) {
    case Comparison::Gt:
        return CompareOp::Gt;
    case Comparison::Gte:
        return CompareOp::Gte;
    case Comparison::Lt:
        return CompareOp::Lt;
    case Comparison::Lte:
        return CompareOp::Lte;
    case Comparison::Eq:
        return CompareOp::Eq;
    case Comparison::Neq:
        return CompareOp::Neq;
    }
    return CompareOp::Gte;
}

// At most `max` bytes, never ending inside a UTF-8 sequence.
std::string cutUtf8(std::string_view text, std::size_t max) {
    if (text.size() <= max)
        return std::string(text);
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return std::string(text.substr(0, end));
}

std::string labelOf(const std::vector<std::string> &references) {
    std::string label = references.size() == 1 ? "rule " : "rules ";
    for (std::size_t i = 0; i < references.size(); ++i)
        label += (i == 0 ? "" : ", ") + references[i];
    return cutUtf8(label, ruleLimits::kMaxLabelLength);
}

// The counts in 1..n the conditions accept.
std::vector<bool> acceptedCounts(const std::vector<RuleCondition> &conditions, std::size_t n) {
    std::vector<bool> accepted(n + 1, false);
    for (std::size_t k = 1; k <= n; ++k)
        accepted[k] = conditionsHold(conditions, static_cast<double>(k));
    return accepted;
}

class Compiler {
public:
    Compiler(const SigmaCorrelation &correlation, const SignalResolver &resolve, SignalId emits)
        : m_in(correlation)
        , m_resolve(resolve)
        , m_emits(emits) { }

    Result<CorrelationRule> compile() {
        const std::string name = !m_in.meta.id.empty() ? m_in.meta.id
            : !m_in.meta.name.empty()                  ? m_in.meta.name
                                                       : m_in.meta.title;
        if (auto done = run(); !done) {
            Error error = done.error();
            error.message = "correlation '" + name + "': " + error.message;
            return error;
        }
        return std::move(m_out);
    }

private:
    Result<void> run() {
        for (auto step : {&Compiler::metadata, &Compiler::references, &Compiler::grouping, &Compiler::conditions}) {
            if (auto done = (this->*step)(); !done)
                return done;
        }
        m_out.emits = m_emits;
        if (auto valid = validate(m_out); !valid) {
            // validate() names the rule by id; the caller already knows which one it is.
            std::string message = valid.error().message;
            const std::string prefix = "rule '" + m_out.id + "': ";
            if (message.starts_with(prefix))
                message.erase(0, prefix.size());
            return makeError(message);
        }
        return {};
    }

    Result<void> metadata() {
        const RuleMetadata &meta = m_in.meta;
        if (meta.title.empty())
            return makeError("needs a title");
        if (meta.title.size() > ruleLimits::kMaxTitleLength)
            return makeError("title is longer than " + std::to_string(ruleLimits::kMaxTitleLength) + " characters");
        m_out.title = meta.title;
        if (!meta.id.empty()) {
            if (meta.id.size() > ruleLimits::kMaxIdLength)
                return makeError("id is longer than " + std::to_string(ruleLimits::kMaxIdLength) + " characters");
            m_out.id = meta.id;
        } else if (!meta.name.empty()) {
            if (meta.name.size() > ruleLimits::kMaxIdLength)
                return makeError("name is longer than " + std::to_string(ruleLimits::kMaxIdLength) + " characters");
            m_out.id = meta.name;
        } else {
            // Neither is mandatory; detections and alerts still need a stable name.
            m_out.id = cutUtf8(meta.title, ruleLimits::kMaxIdLength);
        }
        m_out.description = cutUtf8(meta.description, ruleLimits::kMaxDescriptionLength);
        m_out.severity = meta.level.value_or(Severity::Medium);
        m_out.confidence = 1.0;
        if (meta.tags.size() > ruleLimits::kMaxTags)
            return makeError("has more than " + std::to_string(ruleLimits::kMaxTags) + " tags");
        m_out.tags = meta.tags;
        if (!meta.where.file.empty())
            m_out.source
                = meta.where.file + ":" + std::to_string(meta.where.line) + ":" + std::to_string(meta.where.column);
        m_out.type = typeOf(m_in.kind);
        if (m_in.timespan <= std::chrono::milliseconds::zero())
            return makeError("timespan must be greater than zero");
        if (m_in.timespan > ruleLimits::kMaxWindow)
            return makeError("timespan must be at most " + formatDuration(ruleLimits::kMaxWindow));
        m_out.window = m_in.timespan;
        return {};
    }

    Result<void> references() {
        if (m_in.rules.empty())
            return makeError("'rules' names no rule");
        for (const std::string &reference : m_in.rules) {
            const std::optional<SignalId> signal = m_resolve(reference);
            if (!signal)
                return makeError("'" + reference + "' in rules is not the id or name of a loaded rule or correlation");
            if (*signal == m_emits)
                return makeError("refers to itself ('" + reference + "' in rules)");
            m_signals.push_back(*signal);
        }
        const bool steps = m_out.type == CorrelationType::Temporal || m_out.type == CorrelationType::TemporalOrdered;
        if (!steps) {
            for (const SignalId signal : m_signals) {
                if (std::find(m_out.signalIds.begin(), m_out.signalIds.end(), signal) == m_out.signalIds.end())
                    m_out.signalIds.push_back(signal);
            }
            m_out.label = labelOf(m_in.rules);
            return {};
        }
        if (m_signals.size() < 2)
            return makeError(std::string(toString(m_out.type)) + " needs at least 2 rules");
        if (m_signals.size() > ruleLimits::kMaxSteps)
            return makeError(std::string(toString(m_out.type)) + " takes at most "
                + std::to_string(ruleLimits::kMaxSteps) + " rules");
        for (std::size_t k = 0; k < m_signals.size(); ++k) {
            // The same rule twice in order means two events of it; unordered it could never count twice.
            if (m_out.type == CorrelationType::Temporal
                && std::find(m_signals.begin(), m_signals.begin() + static_cast<std::ptrdiff_t>(k), m_signals[k])
                    != m_signals.begin() + static_cast<std::ptrdiff_t>(k))
                return makeError("'" + m_in.rules[k] + "' in rules is the same rule as one before it");
            CorrelationStep step;
            step.signalIds.push_back(m_signals[k]);
            step.label = labelOf({m_in.rules[k]});
            m_out.steps.push_back(std::move(step));
        }
        return {};
    }

    Result<void> grouping() {
        if (m_in.groupBy.empty())
            return makeError("group-by names no field");
        if (m_in.groupBy.size() > ruleLimits::kMaxGroupBy)
            return makeError("group-by takes at most " + std::to_string(ruleLimits::kMaxGroupBy) + " fields");
        // Distinct signals in the order of `rules`: each gets its own list of group-by fields
        // when an alias is used.
        std::vector<SignalId> distinct;
        for (const SignalId signal : m_signals) {
            if (std::find(distinct.begin(), distinct.end(), signal) == distinct.end())
                distinct.push_back(signal);
        }
        std::vector<SignalFields> perSignal;
        for (const SignalId signal : distinct)
            perSignal.push_back(SignalFields {signal, {}});
        bool aliased = false;
        for (const std::string &name : m_in.groupBy) {
            if (name.empty() || name.size() > ruleLimits::kMaxIdLength)
                return makeError("'" + name + "' in group-by is not a field name");
            const FieldId id = internField(name);
            m_out.groupBy.push_back(id);
            const auto alias = std::find_if(
                m_in.aliases.begin(), m_in.aliases.end(), [&](const FieldAlias &a) { return a.alias == name; });
            if (alias == m_in.aliases.end()) {
                for (SignalFields &fields : perSignal)
                    fields.fields.push_back(id);
                continue;
            }
            aliased = true;
            for (const auto &[reference, field] : alias->fieldByRule) {
                const std::optional<SignalId> signal = m_resolve(reference);
                if (!signal || std::find(distinct.begin(), distinct.end(), *signal) == distinct.end())
                    return makeError("alias '" + name + "' names '" + reference + "', which is not in rules");
                if (field.empty() || field.size() > ruleLimits::kMaxIdLength)
                    return makeError("alias '" + name + "' gives '" + reference + "' no valid field name");
            }
            for (std::size_t i = 0; i < distinct.size(); ++i) {
                const auto entry = std::find_if(alias->fieldByRule.begin(), alias->fieldByRule.end(),
                    [&](const auto &pair) { return m_resolve(pair.first) == distinct[i]; });
                if (entry == alias->fieldByRule.end()) {
                    const auto reference
                        = std::find(m_signals.begin(), m_signals.end(), distinct[i]) - m_signals.begin();
                    return makeError("alias '" + name + "' names no field for '"
                        + m_in.rules[static_cast<std::size_t>(reference)] + "'");
                }
                perSignal[i].fields.push_back(internField(entry->second));
            }
        }
        if (aliased) {
            for (SignalFields &fields : perSignal) {
                if (fields.fields != m_out.groupBy)
                    m_out.aliases.push_back(std::move(fields));
            }
        }
        return {};
    }

    Result<void> conditions() {
        for (const CorrelationCondition &condition : m_in.conditions)
            m_out.conditions.push_back(RuleCondition {opOf(condition.comparison), condition.value});
        const bool values = m_out.type == CorrelationType::ValueCount || m_out.type == CorrelationType::ValueSum
            || m_out.type == CorrelationType::ValueAvg || m_out.type == CorrelationType::ValuePercentile;
        if (values) {
            if (m_in.conditionFields.empty())
                return makeError(std::string(toString(m_out.type)) + " needs a field in its condition");
            for (const std::string &field : m_in.conditionFields) {
                if (field.empty() || field.size() > ruleLimits::kMaxIdLength)
                    return makeError("'" + field + "' in the condition is not a field name");
                m_out.valueFields.push_back(internField(field));
            }
        } else if (!m_in.conditionFields.empty()) {
            return makeError(std::string(toString(m_out.type)) + " takes no field in its condition");
        }
        if ((values || m_out.type == CorrelationType::EventCount) && m_out.conditions.empty())
            return makeError(std::string(toString(m_out.type)) + " needs a condition");
        if (m_out.type == CorrelationType::Temporal)
            return temporalConditions();
        if (m_out.type == CorrelationType::TemporalOrdered)
            return orderedConditions();
        return {};
    }

    // Only whole counts 1..n of distinct rules are possible: a condition that accepts exactly the
    // counts from m up is "gte m", decided as soon as met.
    Result<void> temporalConditions() {
        const std::size_t n = m_out.steps.size();
        if (m_out.conditions.empty())
            return {};
        const std::vector<bool> accepted = acceptedCounts(m_out.conditions, n);
        if (std::none_of(accepted.begin() + 1, accepted.end(), [](bool a) { return a; }))
            return makeError("the condition can never hold with " + std::to_string(n) + " rules");
        std::size_t from = n;
        while (from > 1 && accepted[from - 1])
            --from;
        const bool suffix = std::all_of(accepted.begin() + 1, accepted.begin() + static_cast<std::ptrdiff_t>(from),
                                [](bool a) { return !a; })
            && accepted[n];
        if (suffix) {
            m_out.conditions.clear();
            if (from < n)
                m_out.conditions.push_back(RuleCondition {CompareOp::Gte, static_cast<double>(from)});
        }
        return {};
    }

    Result<void> orderedConditions() {
        const std::size_t n = m_out.steps.size();
        if (m_out.conditions.empty())
            return {};
        const std::vector<bool> accepted = acceptedCounts(m_out.conditions, n);
        if (!accepted[n] || std::any_of(accepted.begin() + 1, accepted.end() - 1, [](bool a) { return a; }))
            return makeError("temporal_ordered needs all its " + std::to_string(n)
                + " rules in order: its condition can only be met by all of them (gte: " + std::to_string(n) + ")");
        m_out.conditions.clear();
        return {};
    }

    const SigmaCorrelation &m_in;
    const SignalResolver &m_resolve;
    SignalId m_emits;
    std::vector<SignalId> m_signals; // of `rules`, in order
    CorrelationRule m_out;
};

} // namespace

Result<CorrelationRule> compileCorrelation(
    const SigmaCorrelation &correlation, const SignalResolver &resolve, SignalId emits) {
    return Compiler(correlation, resolve, emits).compile();
}

} // namespace vanopticon::analysis::sigma
