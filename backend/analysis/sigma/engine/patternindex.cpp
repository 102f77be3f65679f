// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/patternindex.h"

#include <hs/hs.h>

#include <algorithm>

namespace vanopticon::analysis::sigma {

namespace {

unsigned globFlags(const Glob &glob) {
    unsigned flags = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH;
    if (!glob.caseSensitive())
        flags |= HS_FLAG_CASELESS;
    return flags;
}

unsigned regexFlags(const Regex &regex) {
    // Prefilter mode: Hyperscan reports a superset of the matches and accepts constructs it
    // could not run exactly (back-references, lookaround); PCRE confirms every hit.
    unsigned flags = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
    const Regex::Flags f = regex.flags();
    if (f.caseless)
        flags |= HS_FLAG_CASELESS;
    if (f.multiline)
        flags |= HS_FLAG_MULTILINE;
    if (f.dotAll)
        flags |= HS_FLAG_DOTALL;
    return flags;
}

} // namespace

PatternIndex::PatternIndex() = default;

PatternIndex::~PatternIndex() {
    for (auto &[field, database] : m_databases)
        hs_free_database(database.database);
}

PatternId PatternIndex::intern(
    std::uint32_t field, std::string expression, unsigned flags, bool isRegex, std::uint32_t selectivity) {
    std::string key = std::to_string(field) + '/' + std::to_string(flags) + '/' + (isRegex ? 'r' : 'g') + expression;
    if (const auto it = m_byKey.find(key); it != m_byKey.end())
        return it->second;
    const auto id = static_cast<PatternId>(m_patterns.size());
    m_patterns.push_back(Pattern {field, std::move(expression), flags, isRegex, selectivity});
    m_byKey.emplace(std::move(key), id);
    return id;
}

PatternId PatternIndex::add(std::uint32_t field, const Glob &glob) {
    std::uint32_t literalBytes = 0;
    for (const Glob::Token &token : glob.tokens())
        literalBytes += static_cast<std::uint32_t>(token.literal.size());
    return intern(field, glob.toHyperscanExpression(), globFlags(glob), false, literalBytes);
}

PatternId PatternIndex::add(std::uint32_t field, const Regex &regex) {
    return intern(field, regex.pattern(), regexFlags(regex), true, 1);
}

Result<void> PatternIndex::build(std::vector<Refusal> &refused) {
    std::unordered_map<std::uint32_t, std::vector<PatternId>> byField;
    for (PatternId id = 0; id < m_patterns.size(); ++id)
        byField[m_patterns[id].field].push_back(id);

    std::uint32_t maxField = 0;
    for (auto &[field, ids] : byField) {
        // Hyperscan names the first expression it refuses; drop it and compile the rest again.
        while (!ids.empty()) {
            std::vector<const char *> expressions;
            std::vector<unsigned> flags;
            std::vector<unsigned> positions;
            for (std::size_t i = 0; i < ids.size(); ++i) {
                expressions.push_back(m_patterns[ids[i]].expression.c_str());
                flags.push_back(m_patterns[ids[i]].flags);
                positions.push_back(static_cast<unsigned>(i));
            }
            hs_database_t *database = nullptr;
            hs_compile_error_t *error = nullptr;
            const hs_error_t status = hs_compile_multi(expressions.data(), flags.data(), positions.data(),
                static_cast<unsigned>(ids.size()), HS_MODE_BLOCK, nullptr, &database, &error);
            if (status == HS_SUCCESS) {
                for (const PatternId id : ids)
                    m_patterns[id].indexed = true;
                m_databases[field] = Database {database, ids};
                break;
            }
            const int bad = error != nullptr ? error->expression : -1;
            std::string reason = error != nullptr && error->message != nullptr ? error->message : "unknown error";
            hs_free_compile_error(error);
            if (bad < 0 || static_cast<std::size_t>(bad) >= ids.size())
                return Error {"Hyperscan could not compile the patterns of a field: " + reason};
            refused.push_back(Refusal {ids[static_cast<std::size_t>(bad)], std::move(reason)});
            ids.erase(ids.begin() + bad);
        }
        if (field != kKeywordField)
            maxField = std::max(maxField, field);
    }
    m_byField.assign(std::size_t(maxField) + 1, nullptr);
    for (const auto &[field, database] : m_databases) {
        if (field == kKeywordField)
            m_keywords = &database;
        else
            m_byField[field] = &database;
    }
    return {};
}

std::size_t PatternIndex::databaseBytes() const {
    std::size_t total = 0;
    for (const auto &[field, database] : m_databases) {
        std::size_t size = 0;
        if (hs_database_size(database.database, &size) == HS_SUCCESS)
            total += size;
    }
    return total;
}

bool PatternIndex::hasDatabase(std::uint32_t field) const {
    if (field == kKeywordField)
        return m_keywords != nullptr;
    return field < m_byField.size() && m_byField[field] != nullptr;
}

bool PatternIndex::scanRaw(const Database &database, std::string_view value, hs_scratch *scratch,
    int (*callback)(unsigned, unsigned long long, unsigned long long, unsigned, void *), void *context) const {
    return hs_scan(database.database, value.data(), static_cast<unsigned>(value.size()), 0, scratch, callback, context)
        == HS_SUCCESS;
}

PatternScratch::~PatternScratch() {
    if (m_scratch != nullptr)
        hs_free_scratch(m_scratch);
}

Result<void> PatternScratch::prepare(const PatternIndex &index) {
    for (const auto &[field, database] : index.m_databases) {
        if (hs_alloc_scratch(database.database, &m_scratch) != HS_SUCCESS)
            return Error {"Hyperscan could not allocate its scratch space"};
    }
    return {};
}

} // namespace vanopticon::analysis::sigma
