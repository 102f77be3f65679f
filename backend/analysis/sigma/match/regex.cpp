// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <atomic>
#include <string>

namespace vanopticon::analysis::sigma {

namespace {

std::atomic<std::uint64_t> g_abandoned {0};

// Per thread: the match data (one pair is enough, only "did it match" is asked) and the JIT
// stack (the 32 KiB default is too small for some patterns on long values).
struct ThreadMatchState {
    pcre2_match_data *data = pcre2_match_data_create(1, nullptr);
    pcre2_jit_stack *jitStack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);

    ThreadMatchState() = default;
    ThreadMatchState(const ThreadMatchState &) = delete;
    ThreadMatchState &operator=(const ThreadMatchState &) = delete;
    ~ThreadMatchState() {
        pcre2_match_data_free(data);
        pcre2_jit_stack_free(jitStack);
    }
};

ThreadMatchState &threadState() {
    thread_local ThreadMatchState state;
    return state;
}

pcre2_jit_stack *threadJitStack(void *) {
    return threadState().jitStack;
}

std::string errorText(int code) {
    PCRE2_UCHAR buffer[256];
    const int length = pcre2_get_error_message(code, buffer, sizeof buffer);
    if (length < 0)
        return "error " + std::to_string(code);
    return std::string(reinterpret_cast<const char *>(buffer), static_cast<std::size_t>(length));
}

} // namespace

struct Regex::Compiled {
    pcre2_code *code = nullptr;
    pcre2_match_context *context = nullptr;

    Compiled() = default;
    Compiled(const Compiled &) = delete;
    Compiled &operator=(const Compiled &) = delete;
    ~Compiled() {
        pcre2_match_context_free(context);
        pcre2_code_free(code);
    }
};

Result<Regex> Regex::compile(std::string_view pattern, Flags flags) {
    // Bytes, not UTF-8: field values may hold any bytes, and a rule cannot switch UTF mode on
    // with (*UTF) either.
    std::uint32_t options = PCRE2_NEVER_UTF | PCRE2_NEVER_UCP;
    if (flags.caseless)
        options |= PCRE2_CASELESS;
    if (flags.multiline)
        options |= PCRE2_MULTILINE;
    if (flags.dotAll)
        options |= PCRE2_DOTALL;

    auto compiled = std::make_shared<Compiled>();
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    compiled->code = pcre2_compile(
        reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &errorCode, &errorOffset, nullptr);
    if (compiled->code == nullptr) {
        return makeError("invalid regular expression '" + std::string(pattern) + "' at offset "
            + std::to_string(errorOffset) + ": " + errorText(errorCode));
    }
    compiled->context = pcre2_match_context_create(nullptr);
    if (compiled->context == nullptr)
        return makeError("out of memory compiling a regular expression");
    pcre2_set_match_limit(compiled->context, kMatchLimit);
    // JIT is an optimisation: when it is unavailable or refuses the pattern, the interpreter
    // gives the same answers.
    if (pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0)
        pcre2_jit_stack_assign(compiled->context, threadJitStack, nullptr);

    Regex regex;
    regex.m_pattern = std::string(pattern);
    regex.m_flags = flags;
    regex.m_compiled = std::move(compiled);
    return regex;
}

bool Regex::matches(std::string_view value) const {
    if (!m_compiled)
        return false;
    ThreadMatchState &state = threadState();
    if (state.data == nullptr)
        return false;
    static constexpr char kEmpty[] = "";
    const char *subject = value.data() != nullptr ? value.data() : kEmpty; // PCRE2 10.42 refuses NULL
    const int rc = pcre2_match(
        m_compiled->code, reinterpret_cast<PCRE2_SPTR>(subject), value.size(), 0, 0, state.data, m_compiled->context);
    if (rc >= 0)
        return true; // 0: matched, the one-pair vector was too small for the groups
    if (rc != PCRE2_ERROR_NOMATCH)
        g_abandoned.fetch_add(1, std::memory_order_relaxed);
    return false;
}

std::uint64_t Regex::abandonedMatches() {
    return g_abandoned.load(std::memory_order_relaxed);
}

} // namespace vanopticon::analysis::sigma
