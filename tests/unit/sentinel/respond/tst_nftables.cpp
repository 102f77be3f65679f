// SPDX-License-Identifier: Apache-2.0
// Real nftables, checked with the real nft CLI. CTest runs this under `unshare -n`, so it works
// on the empty ruleset of a fresh network namespace; run anywhere else, it fails at once
// instead of touching the host's firewall.
#include "sentinel/respond/nftablesfirewall.h"
#include "support/networknamespace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

IpAddress address(const char *text) {
    return IpAddress::parse(text).value();
}

// Runs the nft CLI, feeding it `input`; false (with a warning) when it fails.
bool runNft(const QStringList &arguments, QByteArray *output = nullptr, const QByteArray &input = {}) {
    QProcess process;
    process.start(QStringLiteral("nft"), arguments);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(10'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("nft %s failed: %s", qPrintable(arguments.join(u' ')), process.readAllStandardError().constData());
        return false;
    }
    if (output != nullptr)
        *output = process.readAllStandardOutput();
    return true;
}

// The objects of `nft -j list …` of one kind ("set", "chain", "rule").
QList<QJsonObject> listed(const QStringList &what, const QString &kind) {
    QList<QJsonObject> objects;
    QByteArray json;
    if (!runNft(QStringList {QStringLiteral("-j"), QStringLiteral("list")} + what, &json))
        return objects;
    const QJsonArray items = QJsonDocument::fromJson(json).object().value(u"nftables").toArray();
    for (const QJsonValue &item : items) {
        if (item.toObject().contains(kind))
            objects.append(item.toObject().value(kind).toObject());
    }
    return objects;
}

// The elements of a set: address → timeout in seconds ("expires" is checked against it).
QMap<QString, int> elements(const QString &table, const QString &set) {
    QMap<QString, int> out;
    const QList<QJsonObject> sets
        = listed({QStringLiteral("set"), QStringLiteral("inet"), table, set}, QStringLiteral("set"));
    if (sets.size() != 1)
        return out;
    for (const QJsonValue &entry : sets.front().value(u"elem").toArray()) {
        const QJsonObject element = entry.toObject().value(u"elem").toObject();
        const int timeout = element.value(u"timeout").toInt(-1);
        const int expires = element.value(u"expires").toInt(-1);
        // A timed element counts down from its timeout; anything else is reported as -1.
        out.insert(element.value(u"val").toString(), (expires >= 0 && expires <= timeout) ? timeout : -1);
    }
    return out;
}

bool bringLoopbackUp() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    ifreq request {};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    bool up = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    up = up && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    ::close(fd);
    return up;
}

int udpSocket(const char *bindAddress, std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in local {};
    local.sin_family = AF_INET;
    local.sin_port = htons(port);
    ::inet_pton(AF_INET, bindAddress, &local.sin_addr);
    if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr *>(&local), sizeof local) != 0)
        return -1;
    return fd;
}

} // namespace

class TestNftables : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (const QString why = testsupport::whyNotInOwnNetworkNamespace(); !why.isEmpty())
            QFAIL(qPrintable(QStringLiteral("tst_nftables must run in a fresh network namespace (ctest starts it "
                                            "with `unshare -n`, as root): %1. Refusing to change this firewall.")
                                 .arg(why)));
        // A fresh namespace starts with an empty ruleset; anything else is not ours to change.
        QByteArray ruleset;
        QVERIFY2(runNft({QStringLiteral("list"), QStringLiteral("ruleset")}, &ruleset),
            "the nft command is needed (and root) to check the results");
        QVERIFY2(ruleset.trimmed().isEmpty(),
            "the network namespace already has an nftables ruleset; expected a "
            "fresh namespace");
    }

    void blocksLandInTheSetsWithTheirTimeouts() {
        auto firewall = NftablesFirewall::create(NftablesNames {});
        QVERIFY(firewall.ok());
        auto v4 = (*firewall)->blockAddress(address("192.0.2.10"), 3600);
        QVERIFY2(v4.ok(), v4.ok() ? "" : v4.error().message.c_str());
        auto v6 = (*firewall)->blockAddress(address("2001:db8::10"), 600);
        QVERIFY2(v6.ok(), v6.ok() ? "" : v6.error().message.c_str());

        const QMap<QString, int> expected4 {{QStringLiteral("192.0.2.10"), 3600}};
        const QMap<QString, int> expected6 {{QStringLiteral("2001:db8::10"), 600}};
        QCOMPARE(elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv4")), expected4);
        QCOMPARE(elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv6")), expected6);

        const QList<QJsonObject> sets = listed({QStringLiteral("sets"), QStringLiteral("inet")}, QStringLiteral("set"));
        QCOMPARE(sets.size(), 2);
        for (const QJsonObject &set : sets) {
            const bool isV4 = set.value(u"name").toString() == u"blocked_ipv4";
            QCOMPARE(set.value(u"type").toString(), isV4 ? QStringLiteral("ipv4_addr") : QStringLiteral("ipv6_addr"));
            QCOMPARE(set.value(u"flags").toArray(), QJsonArray {QStringLiteral("timeout")});
        }
    }

    void applyingTwiceKeepsExactlyTwoRules() {
        auto firewall = NftablesFirewall::create(NftablesNames {});
        QVERIFY(firewall.ok());
        QVERIFY((*firewall)->ensure().ok());
        QVERIFY((*firewall)->ensure().ok());
        QVERIFY((*firewall)->blockAddress(address("198.51.100.1"), 60).ok());
        QVERIFY((*firewall)->blockAddress(address("198.51.100.2"), 60).ok());

        const QStringList chain {
            QStringLiteral("chain"), QStringLiteral("inet"), QStringLiteral("vanopticon"), QStringLiteral("input")};
        const QList<QJsonObject> chains = listed(chain, QStringLiteral("chain"));
        QCOMPARE(chains.size(), 1);
        QCOMPARE(chains[0].value(u"type").toString(), QStringLiteral("filter"));
        QCOMPARE(chains[0].value(u"hook").toString(), QStringLiteral("input"));
        QCOMPARE(chains[0].value(u"prio").toInt(), -10);
        QCOMPARE(chains[0].value(u"policy").toString(), QStringLiteral("accept"));

        const QList<QJsonObject> rules = listed(chain, QStringLiteral("rule"));
        QCOMPARE(rules.size(), 2);
        const char *const expected[] = {
            R"([{"match":{"left":{"payload":{"field":"saddr","protocol":"ip"}},"op":"==","right":"@blocked_ipv4"}},)"
            R"({"drop":null}])",
            R"([{"match":{"left":{"payload":{"field":"saddr","protocol":"ip6"}},"op":"==","right":"@blocked_ipv6"}},)"
            R"({"drop":null}])",
        };
        for (int i = 0; i < 2; ++i) {
            const QByteArray expr = QJsonDocument(rules[i].value(u"expr").toArray()).toJson(QJsonDocument::Compact);
            QCOMPARE(expr, QByteArray(expected[i]));
        }
    }

    void existingElementsSurviveEnsure() {
        auto firewall = NftablesFirewall::create(NftablesNames {});
        QVERIFY(firewall.ok());
        QVERIFY((*firewall)->blockAddress(address("192.0.2.50"), 900).ok());
        QVERIFY((*firewall)->blockAddress(address("2001:db8::50"), 900).ok());
        // Added by hand, and so unknown to the firewall object.
        QVERIFY(runNft(
            {QStringLiteral("add"), QStringLiteral("element"), QStringLiteral("inet"), QStringLiteral("vanopticon"),
                QStringLiteral("blocked_ipv4"), QStringLiteral("{ 192.0.2.99 timeout 2h }")}));
        const QMap<QString, int> before4 = elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv4"));
        const QMap<QString, int> before6 = elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv6"));
        QCOMPARE(before4.value(QStringLiteral("192.0.2.50")), 900);
        QCOMPARE(before4.value(QStringLiteral("192.0.2.99")), 7200);
        QCOMPARE(before6.value(QStringLiteral("2001:db8::50")), 900);

        QVERIFY((*firewall)->ensure().ok());
        QVERIFY((*firewall)->ensure().ok());
        QCOMPARE(elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv4")), before4);
        QCOMPARE(elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv6")), before6);
    }

    void blockingAgainRestartsTheTimeout() {
        auto firewall = NftablesFirewall::create(NftablesNames {});
        QVERIFY(firewall.ok());
        QVERIFY((*firewall)->blockAddress(address("192.0.2.10"), 120).ok());
        QCOMPARE(
            elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv4")).value(QStringLiteral("192.0.2.10")),
            120);
        QVERIFY((*firewall)->blockAddress(address("192.0.2.10"), 7200).ok());
        QCOMPARE(
            elements(QStringLiteral("vanopticon"), QStringLiteral("blocked_ipv4")).value(QStringLiteral("192.0.2.10")),
            7200);
    }

    void blockedSourceIsDropped() {
        QVERIFY2(bringLoopbackUp(), "cannot bring up lo in the test namespace");
        const int receiver = udpSocket("127.0.0.1", 0);
        const int blockedSender = udpSocket("127.0.0.2", 0);
        const int otherSender = udpSocket("127.0.0.3", 0);
        QVERIFY(receiver >= 0 && blockedSender >= 0 && otherSender >= 0);
        timeval timeout {5, 0}; // only a safety net: the control datagram normally arrives at once
        QCOMPARE(::setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
        sockaddr_in target {};
        socklen_t targetLength = sizeof target;
        QCOMPARE(::getsockname(receiver, reinterpret_cast<sockaddr *>(&target), &targetLength), 0);
        const auto send = [&](int fd, char tag) {
            return ::sendto(fd, &tag, 1, 0, reinterpret_cast<const sockaddr *>(&target), sizeof target) == 1;
        };
        const auto receive = [&]() {
            char tag = 0;
            return ::recv(receiver, &tag, 1, 0) == 1 ? tag : '\0';
        };

        QVERIFY(send(blockedSender, 'a'));
        QCOMPARE(receive(), 'a'); // reachable before the block

        auto firewall = NftablesFirewall::create(NftablesNames {});
        QVERIFY(firewall.ok());
        QVERIFY((*firewall)->blockAddress(address("127.0.0.2"), 60).ok());
        // Loopback delivers in order: once the later datagram from .3 is in, the one from .2
        // would have been in before it, had it not been dropped.
        QVERIFY(send(blockedSender, 'b'));
        QVERIFY(send(otherSender, 'c'));
        QCOMPARE(receive(), 'c');
        ::close(receiver);
        ::close(blockedSender);
        ::close(otherSender);
    }

    void customNames() {
        auto firewall = NftablesFirewall::create(NftablesNames {"guard", "bad4", "bad6"});
        QVERIFY(firewall.ok());
        QVERIFY((*firewall)->blockAddress(address("203.0.113.5"), 30).ok());
        const QMap<QString, int> expected {{QStringLiteral("203.0.113.5"), 30}};
        QCOMPARE(elements(QStringLiteral("guard"), QStringLiteral("bad4")), expected);
        QVERIFY(elements(QStringLiteral("guard"), QStringLiteral("bad6")).isEmpty());
    }

    void nftablesErrorsAreReported() {
        // A set of the wrong type under our name: nft refuses the whole transaction.
        QVERIFY(runNft({QStringLiteral("-f"), QStringLiteral("-")}, nullptr,
            "add table inet clash\nadd set inet clash blocked_ipv4 { type ipv6_addr; }\n"));

        auto firewall = NftablesFirewall::create(NftablesNames {"clash", "blocked_ipv4", "blocked_ipv6"});
        QVERIFY(firewall.ok());
        auto blocked = (*firewall)->blockAddress(address("192.0.2.1"), 60);
        QVERIFY(!blocked.ok());
        QVERIFY2(QString::fromStdString(blocked.error().message).startsWith(u"nftables: Error: "),
            blocked.error().message.c_str());
        // Nothing of the transaction was applied: no chain, no second set.
        const QStringList table {QStringLiteral("table"), QStringLiteral("inet"), QStringLiteral("clash")};
        QCOMPARE(listed(table, QStringLiteral("set")).size(), 1);
        QVERIFY(listed(table, QStringLiteral("chain")).isEmpty());
    }

    void checkFindsNamesNftCannotTakeAndChangesNothing() {
        // Element expiry counts down, so the tables stand for the ruleset here.
        QByteArray before;
        QVERIFY(runNft({QStringLiteral("list"), QStringLiteral("tables")}, &before));

        auto keyword = NftablesFirewall::create(NftablesNames {"counter", "blocked_ipv4", "blocked_ipv6"});
        QVERIFY(keyword.ok()); // a plain identifier, but an nft keyword
        auto checked = (*keyword)->check();
        QVERIFY(!checked.ok());
        QVERIFY2(QString::fromStdString(checked.error().message).startsWith(u"nftables: Error: syntax error"),
            checked.error().message.c_str());

        auto fresh = NftablesFirewall::create(NftablesNames {"unused", "s4", "s6"});
        QVERIFY(fresh.ok());
        auto ok = (*fresh)->check();
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());

        QByteArray after;
        QVERIFY(runNft({QStringLiteral("list"), QStringLiteral("tables")}, &after));
        QCOMPARE(after, before);
        QVERIFY(!after.contains("unused"));
    }

    void invalidNamesAreRefused() {
        QVERIFY(!NftablesFirewall::create(NftablesNames {"t; flush ruleset", "a", "b"}).ok());
        QVERIFY(!NftablesFirewall::create(NftablesNames {"t", "same", "same"}).ok());
    }
};

QTEST_GUILESS_MAIN(TestNftables)
#include "tst_nftables.moc"
