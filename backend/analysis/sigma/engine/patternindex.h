// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/match/glob.h"
#include "analysis/sigma/match/regex.h"
#include "shared/core/result.h"
#include "shared/event/fieldid.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace vanopticon::analysis::sigma {

using PatternId = std::uint32_t;
inline constexpr PatternId kNoPattern = ~PatternId(0);

// The string matchers of all rules, one Hyperscan database per field: scanning a field's value
// once finds every pattern of every rule that matches it, so adding rules costs far less than
// evaluating each. Identical patterns on one field share an id.
//
// A Glob's hit is exact. A Regex is compiled in Hyperscan's prefilter mode (a superset of its
// matches, which also admits constructs Hyperscan cannot run exactly); the caller confirms a hit
// with PCRE. A pattern Hyperscan refuses even so is left out (`indexed()` false): the caller
// evaluates it directly.
//
// Build once (add…, then build()), then share read-only between threads; each thread scans with
// its own PatternScratch.
class PatternIndex {
public:
    PatternIndex();
    ~PatternIndex();
    PatternIndex(const PatternIndex &) = delete;
    PatternIndex &operator=(const PatternIndex &) = delete;

    // `field` kKeywordField is the keyword database, scanned over every keyword field.
    static constexpr std::uint32_t kKeywordField = 0x10000;

    PatternId add(std::uint32_t field, const Glob &glob);
    PatternId add(std::uint32_t field, const Regex &regex);

    // Compiles the databases, one per field, on up to `threads` threads. Patterns Hyperscan
    // refuses are dropped from them and reported in `refused` (pattern id and Hyperscan's
    // reason, in field order); only a failure of Hyperscan itself (memory) is an error.
    struct Refusal {
        PatternId id;
        std::string reason;
    };
    Result<void> build(std::vector<Refusal> &refused, unsigned threads = defaultBuildThreads());
    // The machine's cores, at most 8 (compiling is a one-off at load and reload).
    static unsigned defaultBuildThreads() { return std::clamp(std::thread::hardware_concurrency(), 1u, 8u); }

    std::size_t patternCount() const { return m_patterns.size(); }
    std::size_t databaseCount() const { return m_databases.size(); }
    std::size_t databaseBytes() const;
    bool indexed(PatternId id) const { return m_patterns[id].indexed; }
    bool needsConfirmation(PatternId id) const { return m_patterns[id].isRegex; }
    // The field whose database holds the pattern (kKeywordField for keywords).
    std::uint32_t fieldOf(PatternId id) const { return m_patterns[id].field; }
    // How selective a pattern is likely to be: the literal bytes a hit requires (a regex counts
    // as 1). Chooses which patterns trigger a rule's evaluation.
    std::uint32_t selectivity(PatternId id) const { return m_patterns[id].selectivity; }
    // The fields that have a database (kKeywordField not included).
    bool hasDatabase(std::uint32_t field) const;

    // Calls onHit(PatternId) for every pattern of `field` matching `value` (each at most once).
    // Returns false when Hyperscan failed (counted by the caller); hits reported so far stand.
    template<typename OnHit>
    bool scan(std::uint32_t field, std::string_view value, hs_scratch *scratch, OnHit &&onHit) const;

private:
    friend class PatternScratch;
    struct Pattern {
        std::uint32_t field;
        std::string expression;
        unsigned flags;
        bool isRegex;
        std::uint32_t selectivity;
        bool indexed = false;
    };
    struct Database {
        hs_database *database = nullptr;
        std::vector<PatternId> ids; // Hyperscan's expression ids are positions in this list
    };
    // One field's compile: its database (null when nothing compiled), what Hyperscan refused,
    // and a failure of Hyperscan itself.
    struct FieldBuild {
        Database database;
        std::vector<Refusal> refused;
        std::string failure;
    };
    FieldBuild compileField(std::vector<PatternId> ids) const;
    PatternId intern(
        std::uint32_t field, std::string expression, unsigned flags, bool isRegex, std::uint32_t selectivity);
    bool scanRaw(const Database &database, std::string_view value, hs_scratch *scratch,
        int (*callback)(unsigned, unsigned long long, unsigned long long, unsigned, void *), void *context) const;

    std::vector<Pattern> m_patterns;
    std::unordered_map<std::string, PatternId> m_byKey; // field + flags + expression → id
    std::unordered_map<std::uint32_t, Database> m_databases;
    std::vector<const Database *> m_byField; // FieldId → database (nullptr: none), for the hot path
    const Database *m_keywords = nullptr;
};

// Hyperscan's per-thread scratch space, sized for every database of an index.
class PatternScratch {
public:
    PatternScratch() = default;
    ~PatternScratch();
    PatternScratch(const PatternScratch &) = delete;
    PatternScratch &operator=(const PatternScratch &) = delete;

    Result<void> prepare(const PatternIndex &index);
    hs_scratch *get() const { return m_scratch; }

private:
    hs_scratch *m_scratch = nullptr;
};

template<typename OnHit>
bool PatternIndex::scan(std::uint32_t field, std::string_view value, hs_scratch *scratch, OnHit &&onHit) const {
    const Database *database = nullptr;
    if (field == kKeywordField)
        database = m_keywords;
    else if (field < m_byField.size())
        database = m_byField[field];
    if (database == nullptr)
        return true;
    using Handler = std::remove_reference_t<OnHit>;
    struct Context {
        const Database *database;
        Handler *onHit;
    } context {database, &onHit};
    const auto callback = [](unsigned id, unsigned long long, unsigned long long, unsigned, void *raw) -> int {
        auto *ctx = static_cast<Context *>(raw);
        (*ctx->onHit)(ctx->database->ids[id]);
        return 0;
    };
    return scanRaw(*database, value, scratch, callback, &context);
}

} // namespace vanopticon::analysis::sigma
