// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/glob.h"
#include "analysis/sigma/match/regex.h"

#include <hs/hs.h>

#include <QElapsedTimer>
#include <QTest>

#include <random>
#include <set>

using namespace vanopticon::analysis::sigma;

namespace {

// Tokens as text: literals in brackets, wildcards bare ("[C:\]*[.exe]").
std::string describe(const Glob &glob) {
    std::string text;
    for (const Glob::Token &token : glob.tokens()) {
        switch (token.kind) {
        case Glob::Token::Kind::Literal:
            text += "[" + token.literal + "]";
            break;
        case Glob::Token::Kind::AnyRun:
            text += "*";
            break;
        case Glob::Token::Kind::AnyOne:
            text += "?";
            break;
        }
    }
    return text;
}

std::string bytes(const QByteArray &data) {
    return std::string(data.constData(), static_cast<std::size_t>(data.size()));
}

// Characters the generated globs and values are made of: ASCII letters of both cases, regex
// metacharacters, a newline, NUL, two-, three- and four-byte UTF-8, a stray continuation byte,
// a lead byte without its continuation, and bytes that never start UTF-8.
const std::vector<std::string> &atoms() {
    static const std::vector<std::string> list {"a", "B", "c", "-", ".", "\\", "(", "\n", std::string(1, '\0'),
        "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x80", "\xC3", "\xFF", "\xF8"};
    return list;
}

// The database, scratch and a scan that returns the ids of the patterns that matched.
class HyperscanSet {
public:
    ~HyperscanSet() {
        hs_free_scratch(m_scratch);
        hs_free_database(m_database);
    }

    std::string compile(const std::vector<Glob> &globs) {
        std::vector<std::string> expressions;
        std::vector<const char *> pointers;
        std::vector<unsigned> flags, ids;
        for (std::size_t i = 0; i < globs.size(); ++i) {
            expressions.push_back(globs[i].toHyperscanExpression());
            unsigned f = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH;
            if (!globs[i].caseSensitive())
                f |= HS_FLAG_CASELESS;
            if (globs[i].canMatchEmpty())
                f |= HS_FLAG_ALLOWEMPTY;
            flags.push_back(f);
            ids.push_back(static_cast<unsigned>(i));
        }
        for (const std::string &expression : expressions)
            pointers.push_back(expression.c_str());
        hs_compile_error_t *error = nullptr;
        if (hs_compile_multi(pointers.data(), flags.data(), ids.data(), static_cast<unsigned>(pointers.size()),
                HS_MODE_BLOCK, nullptr, &m_database, &error)
            != HS_SUCCESS) {
            std::string message = error->message;
            if (error->expression >= 0)
                message += " in " + expressions[static_cast<std::size_t>(error->expression)];
            hs_free_compile_error(error);
            return message;
        }
        if (hs_alloc_scratch(m_database, &m_scratch) != HS_SUCCESS)
            return "hs_alloc_scratch failed";
        return {};
    }

    std::set<unsigned> scan(std::string_view value) const {
        std::set<unsigned> matched;
        static const char kEmpty[] = "";
        const char *data = value.empty() ? kEmpty : value.data();
        hs_scan(
            m_database, data, static_cast<unsigned>(value.size()), 0, m_scratch,
            [](unsigned id, unsigned long long, unsigned long long, unsigned, void *context) {
                static_cast<std::set<unsigned> *>(context)->insert(id);
                return 0;
            },
            &matched);
        return matched;
    }

private:
    hs_database_t *m_database = nullptr;
    hs_scratch_t *m_scratch = nullptr;
};

} // namespace

class TestSigmaGlob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("tokens");
        QTest::addRow("plain") << QByteArray("cmd.exe") << QByteArray("[cmd.exe]");
        QTest::addRow("star") << QByteArray("*\\cmd.exe") << QByteArray("*[\\cmd.exe]");
        QTest::addRow("question mark") << QByteArray("prog?.exe") << QByteArray("[prog]?[.exe]");
        QTest::addRow("escaped star") << QByteArray("a\\*b") << QByteArray("[a*b]");
        QTest::addRow("escaped question mark") << QByteArray("why\\?") << QByteArray("[why?]");
        QTest::addRow("escaped backslash") << QByteArray("a\\\\b") << QByteArray("[a\\b]");
        QTest::addRow("backslash before a letter") << QByteArray("C:\\Windows") << QByteArray("[C:\\Windows]");
        QTest::addRow("trailing backslash") << QByteArray("C:\\Temp\\") << QByteArray("[C:\\Temp\\]");
        QTest::addRow("escaped backslash then wildcard") << QByteArray("\\\\*") << QByteArray("[\\]*");
        QTest::addRow("three backslashes then star") << QByteArray("\\\\\\*") << QByteArray("[\\*]");
        QTest::addRow("three backslashes") << QByteArray("a\\\\\\b") << QByteArray("[a\\\\b]");
        QTest::addRow("four backslashes") << QByteArray("\\\\\\\\") << QByteArray("[\\\\]");
        QTest::addRow("unc path") << QByteArray("\\\\server\\share") << QByteArray("[\\server\\share]");
        QTest::addRow("empty") << QByteArray("") << QByteArray("");
        QTest::addRow("only star") << QByteArray("*") << QByteArray("*");
        QTest::addRow("stars merged") << QByteArray("a**b") << QByteArray("[a]*[b]");
        QTest::addRow("value equal to an escaped star") << QByteArray("\\*") << QByteArray("[*]");
        QTest::addRow("percent kept") << QByteArray("%name%") << QByteArray("[%name%]");
    }
    void parse() {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, tokens);
        const Glob glob = Glob::fromSigma(bytes(value), false);
        QCOMPARE(QByteArray::fromStdString(describe(glob)), tokens);
    }

    void matching_data() {
        QTest::addColumn<QByteArray>("pattern");
        QTest::addColumn<bool>("cased");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("expected");
        QTest::addRow("exact") << QByteArray("cmd.exe") << false << QByteArray("cmd.exe") << true;
        QTest::addRow("exact folds ASCII case") << QByteArray("cmd.exe") << false << QByteArray("CMD.Exe") << true;
        QTest::addRow("cased keeps case") << QByteArray("cmd.exe") << true << QByteArray("CMD.Exe") << false;
        QTest::addRow("cased same case") << QByteArray("CMD.exe") << true << QByteArray("CMD.exe") << true;
        QTest::addRow("non-ASCII letters are not folded")
            << QByteArray("\xC3\x89t\xC3\xA9") << false << QByteArray("\xC3\xA9t\xC3\xA9") << false;
        QTest::addRow("exact is whole value") << QByteArray("cmd.exe") << false << QByteArray("cmd.exe2") << false;
        QTest::addRow("no match before a final newline")
            << QByteArray("cmd.exe") << false << QByteArray("cmd.exe\n") << false;
        QTest::addRow("endswith") << QByteArray("*\\cmd.exe") << false << QByteArray("C:\\Windows\\cmd.exe") << true;
        QTest::addRow("endswith other") << QByteArray("*\\cmd.exe") << false << QByteArray("C:\\xcmd.exe") << false;
        QTest::addRow("startswith") << QByteArray("C:\\Temp\\\\*") << false << QByteArray("c:\\temp\\x.exe") << true;
        // `\*` escapes the star: rules write `\\*` for a backslash followed by a wildcard.
        QTest::addRow("backslash star is a literal star")
            << QByteArray("C:\\Temp\\*") << false << QByteArray("c:\\temp\\x.exe") << false;
        QTest::addRow("backslash star matches a star")
            << QByteArray("C:\\Temp\\*") << false << QByteArray("C:\\Temp*") << true;
        QTest::addRow("contains") << QByteArray("*-enc *") << false << QByteArray("powershell -ENC abc") << true;
        QTest::addRow("contains absent") << QByteArray("*-enc *") << false << QByteArray("powershell -e abc") << false;
        QTest::addRow("inner stars in order") << QByteArray("a*b*c") << false << QByteArray("aXXbYYc") << true;
        QTest::addRow("inner stars out of order") << QByteArray("a*b*c") << false << QByteArray("acb") << false;
        QTest::addRow("suffix overlapping prefix") << QByteArray("ab*ba") << false << QByteArray("aba") << false;
        QTest::addRow("suffix after prefix") << QByteArray("ab*ba") << false << QByteArray("abba") << true;
        QTest::addRow("question mark one ASCII") << QByteArray("prog?.exe") << false << QByteArray("progA.exe") << true;
        QTest::addRow("question mark not two") << QByteArray("prog?.exe") << false << QByteArray("progAB.exe") << false;
        QTest::addRow("question mark not none") << QByteArray("prog?.exe") << false << QByteArray("prog.exe") << false;
        QTest::addRow("question mark on two-byte character")
            << QByteArray("prog?.exe") << false << QByteArray("prog\xC3\xA9.exe") << true;
        QTest::addRow("two question marks are not one two-byte character")
            << QByteArray("prog??.exe") << false << QByteArray("prog\xC3\xA9.exe") << false;
        QTest::addRow("question mark on four-byte character")
            << QByteArray("?") << false << QByteArray("\xF0\x9F\x98\x80") << true;
        QTest::addRow("question mark on three-byte character after star")
            << QByteArray("*?x") << false << QByteArray("a\xE2\x82\xACx") << true;
        QTest::addRow("question mark on a lone lead byte") << QByteArray("a?b") << false
                                                           << QByteArray("a\xC3"
                                                                         "b")
                                                           << false;
        QTest::addRow("question mark on a stray byte") << QByteArray("a?b") << false
                                                       << QByteArray("a\xFF"
                                                                     "b")
                                                       << true;
        QTest::addRow("escaped star is literal") << QByteArray("a\\*b") << false << QByteArray("a*b") << true;
        QTest::addRow("escaped star is not a wildcard") << QByteArray("a\\*b") << false << QByteArray("aXb") << false;
        QTest::addRow("escaped question mark") << QByteArray("why\\?") << false << QByteArray("why?") << true;
        QTest::addRow("escaped question mark is not a wildcard")
            << QByteArray("why\\?") << false << QByteArray("whyX") << false;
        QTest::addRow("trailing backslash") << QByteArray("C:\\Temp\\") << false << QByteArray("C:\\Temp\\") << true;
        QTest::addRow("backslash then wildcard")
            << QByteArray("C:\\\\*") << false << QByteArray("C:\\anything") << true;
        QTest::addRow("empty pattern empty value") << QByteArray("") << false << QByteArray("") << true;
        QTest::addRow("empty pattern") << QByteArray("") << false << QByteArray("x") << false;
        QTest::addRow("star empty value") << QByteArray("*") << false << QByteArray("") << true;
        QTest::addRow("star anything") << QByteArray("*") << false << QByteArray("anything\n") << true;
        QTest::addRow("question mark empty value") << QByteArray("?") << false << QByteArray("") << false;
        QTest::addRow("value equal to star") << QByteArray("\\*") << false << QByteArray("*") << true;
        QTest::addRow("value equal to star only") << QByteArray("\\*") << false << QByteArray("x") << false;
        QTest::addRow("NUL bytes") << QByteArray("a\0b*", 4) << true << QByteArray("a\0bc", 4) << true;
        QTest::addRow("star spans newlines") << QByteArray("a*b") << false << QByteArray("a\n\nb") << true;
    }
    void matching() {
        QFETCH(QByteArray, pattern);
        QFETCH(bool, cased);
        QFETCH(QByteArray, value);
        QFETCH(bool, expected);
        const Glob glob = Glob::fromSigma(bytes(pattern), cased);
        QCOMPARE(glob.matches(bytes(value)), expected);
    }

    void positionWildcards() {
        Glob glob = Glob::fromSigma("abc", false);
        glob.prependAnyRun();
        glob.prependAnyRun(); // no second star
        QCOMPARE(QByteArray::fromStdString(describe(glob)), QByteArray("*[abc]"));
        glob.appendAnyRun();
        QCOMPARE(QByteArray::fromStdString(describe(glob)), QByteArray("*[abc]*"));
        QVERIFY(glob.matches("xxABCxx"));
        QVERIFY(glob.hasWildcards());
        QCOMPARE(glob.literalText(), std::string("abc"));
        QVERIFY(!Glob::literal("a*b", false).hasWildcards());
        QVERIFY(Glob::literal("a*b", false).matches("A*B"));
        QVERIFY(!Glob::literal("a*b", false).matches("aXb"));
        QVERIFY(Glob::literal("", false).canMatchEmpty());
        QVERIFY(Glob::fromSigma("*", false).canMatchEmpty());
        QVERIFY(!Glob::fromSigma("*?", false).canMatchEmpty());
    }

    void hyperscanExpression_data() {
        QTest::addColumn<QByteArray>("pattern");
        QTest::addColumn<QByteArray>("expression");
        QTest::addRow("contains") << QByteArray("*abc*") << QByteArray("abc");
        QTest::addRow("startswith") << QByteArray("abc*") << QByteArray("^abc");
        QTest::addRow("endswith") << QByteArray("*abc") << QByteArray("abc\\z");
        QTest::addRow("exact") << QByteArray("abc") << QByteArray("^abc\\z");
        QTest::addRow("inner star") << QByteArray("a*b") << QByteArray("^a.*b\\z");
        QTest::addRow("escaped bytes") << QByteArray("*\\cmd.exe") << QByteArray("\\x5ccmd\\x2eexe\\z");
        QTest::addRow("literal star") << QByteArray("\\*") << QByteArray("^\\x2a\\z");
        QTest::addRow("UTF-8 bytes") << QByteArray("\xC3\xA9") << QByteArray("^\\xc3\\xa9\\z");
        QTest::addRow("question mark")
            << QByteArray("a?")
            << QByteArray("^a(?:[\\x00-\\xbf\\xf8-\\xff]|[\\xc0-\\xdf][\\x80-\\xbf]|[\\xe0-\\xef][\\x80-\\xbf]{2}|"
                          "[\\xf0-\\xf7][\\x80-\\xbf]{3})\\z");
        QTest::addRow("star alone") << QByteArray("*") << QByteArray("");
        QTest::addRow("empty") << QByteArray("") << QByteArray("^\\z");
    }
    void hyperscanExpression() {
        QFETCH(QByteArray, pattern);
        QFETCH(QByteArray, expression);
        QCOMPARE(QByteArray::fromStdString(Glob::fromSigma(bytes(pattern), false).toHyperscanExpression()), expression);
    }

    // The reference matcher places each star-free segment where it ends earliest: linear in the
    // value for each segment, whatever the number of stars.
    void noExponentialBacktracking() {
        std::string pattern = "*";
        for (char c = 'a'; c <= 'z'; ++c)
            pattern += std::string(1, c) + "*";
        pattern += "?end";
        const Glob glob = Glob::fromSigma(pattern, false);
        const std::string hostile(64 * 1024, 'a');
        std::string ordered;
        for (char c = 'a'; c <= 'z'; ++c)
            ordered += std::string(2048, c);
        ordered += "\xC3\xA9"
                   "end";
        const Glob repeated = Glob::fromSigma("*aaaaaaaaaaaaaaaaaaaab*aaaaaaaaaaaaaaaaaaaac*", false);

        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 10; ++i) {
            QVERIFY(!glob.matches(hostile));
            QVERIFY(glob.matches(ordered));
            QVERIFY(!repeated.matches(hostile));
        }
        // Backtracking would take hours here; the linear scan takes milliseconds.
        QVERIFY2(timer.elapsed() < 2000, QByteArray::number(timer.elapsed()).constData());
    }

    // The engine compiles toHyperscanExpression() into its automata and trusts each hit; the
    // reference matcher is the specification. They must answer the same on every value.
    void hyperscanAgreement() {
        std::mt19937 random(20260417); // fixed: the same globs and values on every run
        auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
        auto randomAtom = [&] { return atoms()[pick(atoms().size())]; };

        std::vector<Glob> globs;
        for (int i = 0; i < 400; ++i) {
            std::vector<Glob::Token> tokens;
            const std::size_t count = pick(7);
            for (std::size_t t = 0; t < count; ++t) {
                const std::size_t kind = pick(6);
                if (kind == 0)
                    tokens.push_back({Glob::Token::Kind::AnyRun, {}});
                else if (kind == 1)
                    tokens.push_back({Glob::Token::Kind::AnyOne, {}});
                else
                    tokens.push_back({Glob::Token::Kind::Literal, randomAtom() + (pick(2) ? randomAtom() : "")});
            }
            globs.push_back(Glob::fromTokens(std::move(tokens), pick(3) == 0));
        }

        // Values: instances of each glob (wildcards filled, case changed), then mutated.
        std::vector<std::string> values {""};
        for (const Glob &glob : globs) {
            for (int n = 0; n < 3; ++n) {
                std::string value;
                for (const Glob::Token &token : glob.tokens()) {
                    if (token.kind == Glob::Token::Kind::Literal) {
                        for (char c : token.literal) {
                            if (pick(3) == 0 && c >= 'a' && c <= 'z')
                                c = static_cast<char>(c - 'a' + 'A');
                            value += c;
                        }
                    } else if (token.kind == Glob::Token::Kind::AnyOne) {
                        value += randomAtom();
                    } else {
                        for (std::size_t r = pick(4); r > 0; --r)
                            value += randomAtom();
                    }
                }
                values.push_back(value);
                if (!value.empty() && pick(2) == 0)
                    value.erase(pick(value.size()), 1);
                else
                    value.insert(value.empty() ? 0 : pick(value.size() + 1), randomAtom());
                values.push_back(value);
            }
        }

        HyperscanSet hyperscan;
        const std::string compileError = hyperscan.compile(globs);
        QVERIFY2(compileError.empty(), compileError.c_str());
        // PCRE reads the same expressions (an `all` item's value with several variants becomes
        // one; the engine confirms prefilter hits with it).
        std::vector<Regex> regexes;
        for (const Glob &glob : globs) {
            auto regex
                = Regex::compile(glob.toHyperscanExpression(), Regex::Flags {!glob.caseSensitive(), false, true});
            QVERIFY2(regex.ok(), regex.ok() ? "" : regex.error().message.c_str());
            regexes.push_back(std::move(*regex));
        }

        std::size_t matches = 0, misses = 0;
        for (const std::string &value : values) {
            const std::set<unsigned> hits = hyperscan.scan(value);
            for (std::size_t i = 0; i < globs.size(); ++i) {
                const bool reference = globs[i].matches(value);
                const bool automaton = hits.contains(static_cast<unsigned>(i));
                const bool pcre = regexes[i].matches(value);
                if (reference != automaton || reference != pcre) {
                    const QByteArray message = "glob " + QByteArray::fromStdString(globs[i].toHyperscanExpression())
                        + " on " + QByteArray::fromStdString(value).toHex(' ') + ": reference "
                        + QByteArray::number(reference) + ", Hyperscan " + QByteArray::number(automaton) + ", PCRE "
                        + QByteArray::number(pcre);
                    QFAIL(message.constData());
                }
                ++(reference ? matches : misses);
            }
        }
        // Both answers occur often enough for the comparison to mean something.
        QVERIFY2(matches > 2000, QByteArray::number(static_cast<qulonglong>(matches)).constData());
        QVERIFY(misses > 100000);
    }
};

QTEST_GUILESS_MAIN(TestSigmaGlob)
#include "tst_sigmaglob.moc"
