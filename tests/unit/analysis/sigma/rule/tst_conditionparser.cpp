// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/conditionparser.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::analysis::sigma;

namespace {

std::vector<SearchIdentifier> searches(std::initializer_list<const char *> names) {
    std::vector<SearchIdentifier> out;
    for (const char *name : names) {
        SearchIdentifier search;
        search.name = name;
        out.push_back(search);
    }
    return out;
}

const std::vector<SearchIdentifier> &fixture() {
    static const std::vector<SearchIdentifier> all = searches({"selection", "selection_a", "selection_b", "filter_main",
        "filter_optional", "keywords", "_hidden", "a-b.c", "Upper"});
    return all;
}

// The tree in a compact form to compare against: and(a, or(b, c)), not(x), 1of(p), allof(p).
std::string show(const ConditionNode &node) {
    std::string out;
    switch (node.kind) {
    case ConditionNode::Kind::Identifier:
        return node.name;
    case ConditionNode::Kind::OneOf:
        return "1of(" + node.name + ")";
    case ConditionNode::Kind::AllOf:
        return "allof(" + node.name + ")";
    case ConditionNode::Kind::And:
        out = "and(";
        break;
    case ConditionNode::Kind::Or:
        out = "or(";
        break;
    case ConditionNode::Kind::Not:
        out = "not(";
        break;
    }
    for (std::size_t i = 0; i < node.children.size(); ++i)
        out += (i ? ", " : "") + show(node.children[i]);
    return out + ")";
}

std::string nested(int levels) {
    return std::string(static_cast<std::size_t>(levels), '(') + "selection"
        + std::string(static_cast<std::size_t>(levels), ')');
}

std::string negated(int levels) {
    std::string out;
    for (int i = 0; i < levels; ++i)
        out += "not ";
    return out + "selection";
}

} // namespace

class TestConditionParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parses_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("tree");
        QTest::addRow("identifier") << "selection"
                                    << "selection";
        QTest::addRow("and") << "selection and keywords"
                             << "and(selection, keywords)";
        QTest::addRow("or") << "selection or keywords"
                            << "or(selection, keywords)";
        QTest::addRow("and binds tighter than or, right") << "selection or keywords and filter_main"
                                                          << "or(selection, and(keywords, filter_main))";
        QTest::addRow("and binds tighter than or, left") << "selection and keywords or filter_main"
                                                         << "or(and(selection, keywords), filter_main)";
        QTest::addRow("not binds tighter than and") << "not selection and keywords"
                                                    << "and(not(selection), keywords)";
        QTest::addRow("not binds tighter than or") << "keywords or not selection"
                                                   << "or(keywords, not(selection))";
        QTest::addRow("parentheses override") << "selection and (keywords or filter_main)"
                                              << "and(selection, or(keywords, filter_main))";
        QTest::addRow("not of parentheses") << "not (selection and keywords)"
                                            << "not(and(selection, keywords))";
        QTest::addRow("chains are one node") << "selection and keywords and filter_main"
                                             << "and(selection, keywords, filter_main)";
        QTest::addRow("nested chains stay nested") << "selection and (keywords and filter_main)"
                                                   << "and(selection, and(keywords, filter_main))";
        QTest::addRow("double not") << "not not selection"
                                    << "not(not(selection))";
        QTest::addRow("redundant parentheses") << "((selection))"
                                               << "selection";
        QTest::addRow("parentheses without spaces") << "(selection)and(keywords)"
                                                    << "and(selection, keywords)";
        QTest::addRow("line breaks") << "selection\n    and not\tkeywords\n"
                                     << "and(selection, not(keywords))";
        QTest::addRow("1 of pattern") << "1 of selection_*"
                                      << "1of(selection_*)";
        QTest::addRow("all of pattern") << "all of selection*"
                                        << "allof(selection*)";
        QTest::addRow("any of is 1 of") << "any of filter_*"
                                        << "1of(filter_*)";
        QTest::addRow("1 of them") << "1 of them"
                                   << "1of(*)";
        QTest::addRow("all of them") << "all of them"
                                     << "allof(*)";
        QTest::addRow("pattern without star") << "1 of keywords"
                                              << "1of(keywords)";
        QTest::addRow("of binds tighter than not and and") << "selection and not 1 of filter_*"
                                                           << "and(selection, not(1of(filter_*)))";
        QTest::addRow("SigmaHQ shape") << "all of selection_* and not 1 of filter_main* and not 1 of filter_optional*"
                                       << "and(allof(selection_*), not(1of(filter_main*)), not(1of(filter_optional*)))";
        QTest::addRow("underscore identifier by name") << "selection and not _hidden"
                                                       << "and(selection, not(_hidden))";
        QTest::addRow("identifier with punctuation") << "a-b.c or selection"
                                                     << "or(a-b.c, selection)";
        QTest::addRow("keywords upper case") << "selection AND NOT keywords OR filter_main"
                                             << "or(and(selection, not(keywords)), filter_main)";
        QTest::addRow("quantifier mixed case") << "ALL Of selection* and 1 OF Them"
                                               << "and(allof(selection*), 1of(*))";
        QTest::addRow("identifier keeps its case") << "Upper"
                                                   << "Upper";
        QTest::addRow("64 levels of parentheses") << QString::fromStdString(nested(64)) << "selection";
    }
    void parses() {
        QFETCH(QString, text);
        QFETCH(QString, tree);
        auto parsed = parseCondition(text.toStdString(), fixture());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(QString::fromStdString(show(*parsed)), tree);
    }

    void errors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("messagePart");
        QTest::addRow("empty") << ""
                               << "the condition is empty";
        QTest::addRow("blank") << "  \n "
                               << "the condition is empty";
        QTest::addRow("unknown identifier") << "selection and selction"
                                            << "at column 15: unknown search identifier 'selction'";
        QTest::addRow("identifiers are case-sensitive") << "Selection"
                                                        << "unknown search identifier 'Selection'";
        QTest::addRow("pattern matching none") << "1 of nothing_*"
                                               << "'1 of nothing_*' matches no search identifier";
        QTest::addRow("pattern is a whole match") << "all of selection_"
                                                  << "'all of selection_' matches no search identifier";
        QTest::addRow("unclosed parenthesis") << "(selection and keywords"
                                              << "at column 1: '(' is not closed";
        QTest::addRow("unopened parenthesis") << "selection)"
                                              << "')' without a matching '('";
        QTest::addRow("empty parentheses") << "selection and ()"
                                           << "before ')'";
        QTest::addRow("dangling and") << "selection and"
                                      << "at the end of the condition";
        QTest::addRow("dangling not") << "not"
                                      << "at the end of the condition";
        QTest::addRow("missing operator") << "selection keywords"
                                          << "unexpected 'keywords' after a complete condition";
        QTest::addRow("keyword as operand") << "and selection"
                                            << "found the keyword 'and'";
        QTest::addRow("of without quantifier") << "selection of them"
                                               << "unexpected 'of'";
        QTest::addRow("quantifier without of") << "1 selection"
                                               << "expected 'of' after '1'";
        QTest::addRow("of without pattern") << "all of"
                                            << "expected a search identifier pattern or 'them'";
        QTest::addRow("other counts") << "2 of selection*"
                                      << "only '1 of' and 'all of'";
        QTest::addRow("bare pattern") << "selection_*"
                                      << "needs '1 of' or 'all of' before it";
        QTest::addRow("aggregation") << "selection | count() by User > 5"
                                     << "at column 11: the aggregation syntax";
        QTest::addRow("65 levels of parentheses") << QString::fromStdString(nested(65)) << "nested too deeply";
        QTest::addRow("65 levels of not") << QString::fromStdString(negated(65)) << "nested too deeply";
        QTest::addRow("hostile nesting") << QString::fromStdString(nested(8000)) << "nested too deeply";
        QTest::addRow("too long") << QString::fromStdString("selection" + std::string(kMaxConditionLength, ' '))
                                  << "longer than 16384 characters";
    }
    void errors() {
        QFETCH(QString, text);
        QFETCH(QString, messagePart);
        auto parsed = parseCondition(text.toStdString(), fixture());
        QVERIFY(!parsed.ok());
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(messagePart), parsed.error().message.c_str());
    }

    // `them` leaves out the identifiers starting with '_'; with nothing else left it is an error.
    void themLeavesOutUnderscores() {
        const auto onlyHidden = searches({"_a", "_b"});
        auto them = parseCondition("1 of them", onlyHidden);
        QVERIFY(!them.ok());
        QVERIFY2(QString::fromStdString(them.error().message).contains(QStringLiteral("finds no search identifier")),
            them.error().message.c_str());
        auto explicitPattern = parseCondition("all of _*", onlyHidden);
        QVERIFY2(explicitPattern.ok(), explicitPattern.ok() ? "" : explicitPattern.error().message.c_str());
        QCOMPARE(matchingSearches(explicitPattern->name, onlyHidden), (std::vector<std::size_t> {0, 1}));
        QCOMPARE(matchingSearches("*", fixture()), (std::vector<std::size_t> {0, 1, 2, 3, 4, 5, 7, 8}));
    }

    void patterns_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("matches");
        QTest::addRow("prefix") << "selection*"
                                << "selection_a" << true;
        QTest::addRow("prefix matches itself") << "selection*"
                                               << "selection" << true;
        QTest::addRow("suffix") << "*_main"
                                << "filter_main" << true;
        QTest::addRow("inner star") << "sel*ion"
                                    << "selection" << true;
        QTest::addRow("several stars") << "a*b*c"
                                       << "axxbyyc" << true;
        QTest::addRow("several stars out of order") << "a*b*c"
                                                    << "acb" << false;
        QTest::addRow("backtracking") << "*ab"
                                      << "aab" << true;
        QTest::addRow("double star") << "**"
                                     << "x" << true;
        QTest::addRow("whole name, not a prefix") << "selection"
                                                  << "selection_a" << false;
        QTest::addRow("exact") << "selection"
                               << "selection" << true;
        QTest::addRow("case-sensitive") << "Selection*"
                                        << "selection" << false;
        QTest::addRow("them leaves out underscores") << "*"
                                                     << "_hidden" << false;
        QTest::addRow("pattern leaves out underscores") << "*hidden"
                                                        << "_hidden" << false;
        QTest::addRow("underscore pattern keeps them") << "_*"
                                                       << "_hidden" << true;
    }
    void patterns() {
        QFETCH(QString, pattern);
        QFETCH(QString, name);
        QFETCH(bool, matches);
        QCOMPARE(patternMatches(pattern.toStdString(), name.toStdString()), matches);
    }

    // Long flat chains are loops, not recursion: thousands of operands parse.
    void longChain() {
        std::string text = "selection";
        while (text.size() + 13 < kMaxConditionLength)
            text += " or keywords";
        auto parsed = parseCondition(text, fixture());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->kind, ConditionNode::Kind::Or);
        QCOMPARE(parsed->children.size(), (text.size() - 9) / 12 + 1);
    }
};

QTEST_GUILESS_MAIN(TestConditionParser)
#include "tst_conditionparser.moc"
