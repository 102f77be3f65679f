// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/patternindex.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <numeric>
#include <thread>

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

PatternIndex::FieldBuild PatternIndex::compileField(std::vector<PatternId> ids) const {
    FieldBuild result;
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
            result.database = Database {database, std::move(ids)};
            return result;
        }
        const int bad = error != nullptr ? error->expression : -1;
        std::string reason = error != nullptr && error->message != nullptr ? error->message : "unknown error";
        hs_free_compile_error(error);
        if (bad < 0 || static_cast<std::size_t>(bad) >= ids.size()) {
            result.failure = "Hyperscan could not compile the patterns of a field: " + reason;
            return result;
        }
        result.refused.push_back(Refusal {ids[static_cast<std::size_t>(bad)], std::move(reason)});
        ids.erase(ids.begin() + bad);
    }
    return result;
}

Result<void> PatternIndex::build(std::vector<Refusal> &refused, unsigned threads) {
    std::map<std::uint32_t, std::vector<PatternId>> byField; // ordered: refusals come out in field order
    for (PatternId id = 0; id < m_patterns.size(); ++id)
        byField[m_patterns[id].field].push_back(id);
    std::vector<std::uint32_t> fields;
    std::vector<std::vector<PatternId>> work;
    for (auto &[field, ids] : byField) {
        fields.push_back(field);
        work.push_back(std::move(ids));
    }

    // Each field's database is compiled on its own; the compiles share nothing, so they run on
    // several threads, the largest (by expression bytes) first so that no thread is left with a
    // big one at the end.
    std::vector<std::size_t> order(fields.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::vector<std::size_t> bytes(fields.size(), 0);
    for (std::size_t i = 0; i < work.size(); ++i) {
        for (const PatternId id : work[i])
            bytes[i] += m_patterns[id].expression.size();
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bytes[a] > bytes[b]; });
    std::vector<FieldBuild> built(fields.size());
    std::atomic<std::size_t> next {0};
    const auto compileNext = [&] {
        for (std::size_t taken = next++; taken < order.size(); taken = next++)
            built[order[taken]] = compileField(std::move(work[order[taken]]));
    };
    const unsigned workers = std::clamp<unsigned>(threads, 1, std::max<unsigned>(1, unsigned(fields.size())));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < workers; ++t)
        pool.emplace_back(compileNext);
    compileNext();
    for (std::thread &thread : pool)
        thread.join();

    std::string failure;
    std::uint32_t maxField = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        FieldBuild &field = built[i];
        std::move(field.refused.begin(), field.refused.end(), std::back_inserter(refused));
        if (!field.failure.empty() && failure.empty())
            failure = std::move(field.failure);
        if (field.database.database == nullptr)
            continue;
        for (const PatternId id : field.database.ids)
            m_patterns[id].indexed = true;
        m_databases[fields[i]] = std::move(field.database);
        if (fields[i] != kKeywordField)
            maxField = std::max(maxField, fields[i]);
    }
    if (!failure.empty())
        return Error {failure};
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
