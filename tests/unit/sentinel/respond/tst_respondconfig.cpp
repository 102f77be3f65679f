// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/commandpolicy.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

namespace {

Result<CommandPolicy> parse(const std::string &yaml) {
    auto root = config::Section::loadString(yaml, "sentinel.yaml");
    if (!root)
        return root.error();
    return parseRespondConfig(root->child("respond"));
}

bool isProtected(const CommandPolicy &policy, const char *address) {
    return policy.protectingNetwork(IpAddress::parse(address).value()) != nullptr;
}

} // namespace

class TestRespondConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void absentBlockGivesSafeDefaults() {
        auto policy = parse("other: 1\n");
        QVERIFY2(policy.ok(), policy.ok() ? "" : policy.error().message.c_str());
        QCOMPARE(policy->enforce, false);
        QCOMPARE(policy->allowedActions, std::vector<std::string> {"ip_block"});
        QCOMPARE(policy->maxBlockDuration, std::chrono::seconds(24h));
        QCOMPARE(policy->maxCommandLifetime, std::chrono::milliseconds(1h));
        QCOMPARE(policy->nftables.table, std::string("vanopticon"));
        QCOMPARE(policy->nftables.ipv4Set, std::string("blocked_ipv4"));
        QCOMPARE(policy->nftables.ipv6Set, std::string("blocked_ipv6"));
        QVERIFY(isProtected(*policy, "127.0.0.1"));
        QVERIFY(isProtected(*policy, "127.200.0.9"));
        QVERIFY(isProtected(*policy, "::1"));
        QVERIFY(!isProtected(*policy, "192.0.2.1"));
    }

    void fullBlock() {
        auto policy = parse("respond:\n"
                            "  enforce: true\n"
                            "  allowed_actions: [ip_block]\n"
                            "  max_block_duration: 2h\n"
                            "  max_command_lifetime: 90s\n"
                            "  protected_networks: [10.0.0.0/8, \"2001:db8::/32\", 192.0.2.10]\n"
                            "  nftables: {table: guard, ipv4_set: bad4, ipv6_set: bad6}\n");
        QVERIFY2(policy.ok(), policy.ok() ? "" : policy.error().message.c_str());
        QCOMPARE(policy->enforce, true);
        QVERIFY(policy->allows("ip_block"));
        QVERIFY(!policy->allows("ip_unblock"));
        QCOMPARE(policy->maxBlockDuration, std::chrono::seconds(2h));
        QCOMPARE(policy->maxCommandLifetime, std::chrono::milliseconds(90s));
        QCOMPARE(policy->nftables.table, std::string("guard"));
        QCOMPARE(policy->nftables.ipv4Set, std::string("bad4"));
        QCOMPARE(policy->nftables.ipv6Set, std::string("bad6"));
        QVERIFY(isProtected(*policy, "10.20.30.40"));
        QVERIFY(isProtected(*policy, "2001:db8:1::5"));
        QVERIFY(isProtected(*policy, "192.0.2.10"));
        QVERIFY(!isProtected(*policy, "192.0.2.11"));
        // Loopback stays protected even when the list does not name it.
        QVERIFY(isProtected(*policy, "127.0.0.1"));
        QVERIFY(isProtected(*policy, "::1"));
    }

    void noActionsMeansRefuseEverything() {
        auto policy = parse("respond:\n  allowed_actions: []\n");
        QVERIFY(policy.ok());
        QVERIFY(policy->allowedActions.empty());
        QVERIFY(!policy->allows("ip_block"));
        auto single = parse("respond:\n  allowed_actions: ip_block\n");
        QVERIFY(single.ok());
        QVERIFY(single->allows("ip_block"));
    }

    void errors_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("message"); // the whole message, or a part of it after "…"
        QTest::addRow("unknown key") << "respond:\n  enforce: true\n  enforced: true\n"
                                     << "sentinel.yaml:3:3: respond: unknown setting 'enforced' (expected one of: "
                                        "enforce, allowed_actions, max_block_duration, max_command_lifetime, "
                                        "protected_networks, nftables)";
        QTest::addRow("not a mapping") << "respond: yes\n"
                                       << "sentinel.yaml:1:10: respond: expected a mapping of settings";
        QTest::addRow("enforce not boolean") << "respond:\n  enforce: maybe\n"
                                             << "sentinel.yaml:2:12: respond.enforce: expected true or false, got "
                                                "'maybe'";
        QTest::addRow("unknown action") << "respond:\n  allowed_actions: [ip_block, reboot]\n"
                                        << "sentinel.yaml:2:31: respond.allowed_actions[1]: unknown action 'reboot' "
                                           "(known: ip_block)";
        QTest::addRow("bad duration") << "respond:\n  max_block_duration: forever\n"
                                      << "sentinel.yaml:2:23: respond.max_block_duration: 'forever' is not a duration "
                                         "(examples: 250ms, 60s, 5m, 1h, 1d)";
        QTest::addRow("zero duration") << "respond:\n  max_block_duration: 0s\n"
                                       << "sentinel.yaml:2:23: respond.max_block_duration: must be between 1s and 365d";
        QTest::addRow("block too long") << "respond:\n  max_block_duration: 366d\n"
                                        << "…must be between 1s and 365d";
        QTest::addRow("fractional block") << "respond:\n  max_block_duration: 1500ms\n"
                                          << "…must be a whole number of seconds";
        QTest::addRow("lifetime too long") << "respond:\n  max_command_lifetime: 8d\n"
                                           << "sentinel.yaml:2:25: respond.max_command_lifetime: must be between 1s "
                                              "and 7d";
        QTest::addRow("bad network") << "respond:\n  protected_networks:\n    - 10.0.0.0/8\n    - 10.0.0.0/40\n"
                                     << "sentinel.yaml:4:7: respond.protected_networks[1]: '10.0.0.0/40' has an "
                                        "invalid prefix length (0 to 32)";
        QTest::addRow("host bits") << "respond:\n  protected_networks: [192.168.1.1/16]\n"
                                   << "…'192.168.1.1/16' has host bits set after the prefix (did you mean "
                                      "192.168.0.0/16?)";
        QTest::addRow("network not text") << "respond:\n  protected_networks: [[10.0.0.0/8]]\n"
                                          << "sentinel.yaml:2:24: respond.protected_networks[0]: expected a single "
                                             "value";
        QTest::addRow("unknown nftables key") << "respond:\n  nftables: {table: t, chain: c}\n"
                                              << "…respond.nftables: unknown setting 'chain' (expected one of: "
                                                 "table, ipv4_set, ipv6_set)";
        QTest::addRow("name with dash") << "respond:\n  nftables:\n    table: my-table\n"
                                        << "sentinel.yaml:3:12: respond.nftables.table: 'my-table' is not a valid "
                                           "nftables name (a letter, then letters, digits or '_', at most 32 "
                                           "characters)";
        QTest::addRow("name with command") << "respond:\n  nftables: {ipv4_set: \"x; flush ruleset\"}\n"
                                           << "…respond.nftables.ipv4_set: 'x; flush ruleset' is not a valid "
                                              "nftables name";
        QTest::addRow("name starts with digit") << "respond:\n  nftables: {ipv6_set: 6blocked}\n"
                                                << "…'6blocked' is not a valid nftables name";
        QTest::addRow("name too long") << QStringLiteral("respond:\n  nftables: {table: ") + QString(33, u'a')
                + QStringLiteral("}\n") << "…is not a valid nftables name";
        QTest::addRow("empty name") << "respond:\n  nftables: {table: \"\"}\n"
                                    << "…'' is not a valid nftables name";
        QTest::addRow("same sets") << "respond:\n  nftables: {ipv4_set: blocked, ipv6_set: blocked}\n"
                                   << "sentinel.yaml:2:13: respond.nftables: the IPv4 and IPv6 sets need different "
                                      "names (both are 'blocked')";
    }
    void errors() {
        QFETCH(QString, yaml);
        QFETCH(QString, message);
        auto policy = parse(yaml.toStdString());
        QVERIFY(!policy.ok());
        const QString actual = QString::fromStdString(policy.error().message);
        if (message.startsWith(u'…')) {
            QVERIFY2(
                actual.startsWith(u"sentinel.yaml:2:") || actual.startsWith(u"sentinel.yaml:3:"), qPrintable(actual));
            QVERIFY2(actual.contains(message.mid(1)), qPrintable(actual));
        } else {
            QCOMPARE(actual, message);
        }
    }
};

QTEST_GUILESS_MAIN(TestRespondConfig)
#include "tst_respondconfig.moc"
