// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/commandverifier.h"

#include "commandsigner.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <limits>
#include <memory>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

// qint64, the type of the data columns below.
constexpr qint64 kNow = CommandSigner::kNow;
constexpr qint64 kMinute = 60'000;
constexpr qint64 kEarliest = std::numeric_limits<qint64>::min();
constexpr qint64 kLatest = std::numeric_limits<qint64>::max();

} // namespace

class TestCommandVerifier : public QObject {
    Q_OBJECT

    CommandSigner m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    CommandPolicy m_policy;
    std::unique_ptr<NonceStore> m_nonces;
    std::int64_t m_now = kNow;

    std::string dataDir() const { return m_dir->path().toStdString(); }

    CommandVerifier verifier(const std::string &publicKey) {
        return CommandVerifier(publicKey, m_server.nodeId, m_policy, *m_nonces, [this] { return m_now; });
    }
    CommandVerdict verify(const v1::SignedCommand &command) {
        return verifier(m_server.key.publicKey()).verify(command);
    }

    // Checks that the verdict is a refusal for `reason` whose detail contains `detail`.
    static bool isRefusal(const CommandVerdict &verdict, RefusalReason reason, const QString &detail = QString()) {
        const auto *refusal = std::get_if<CommandRefusal>(&verdict);
        if (refusal == nullptr) {
            qWarning("accepted, expected a refusal");
            return false;
        }
        if (refusal->reason != reason || !QString::fromStdString(refusal->detail).contains(detail)) {
            qWarning("refused with %s: %s", refusalCode(refusal->reason).data(), refusal->detail.c_str());
            return false;
        }
        return true;
    }
    static const AcceptedCommand *accepted(const CommandVerdict &verdict) {
        if (const auto *refusal = std::get_if<CommandRefusal>(&verdict))
            qWarning("refused with %s: %s", refusalCode(refusal->reason).data(), refusal->detail.c_str());
        return std::get_if<AcceptedCommand>(&verdict);
    }

private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        m_policy = CommandPolicy();
        m_now = kNow;
        m_nonces = std::make_unique<NonceStore>(NonceStore::open(dataDir(), m_now).value());
    }

    void validCommandIsAccepted() {
        const v1::CommandPayload payload = m_server.payload("203.0.113.7", 3600);
        const CommandVerdict verdict = verify(m_server.sign(payload));
        const AcceptedCommand *command = accepted(verdict);
        QVERIFY(command);
        QCOMPARE(command->payload.command_id(), payload.command_id());
        QVERIFY(command->blockAddress.has_value());
        QCOMPARE(command->blockAddress->toString(), std::string("203.0.113.7"));
        QCOMPARE(command->blockSeconds, 3600u);
        QVERIFY(m_nonces->contains(payload.nonce()));
    }

    void tamperedPayloadIsRefusedWithoutTouchingTheNonceStore() {
        const v1::CommandPayload payload = m_server.payload("203.0.113.7", 60);
        const v1::SignedCommand genuine = m_server.sign(payload);

        v1::CommandPayload longer = payload;
        longer.mutable_ip_block()->set_timeout_seconds(86'400);
        v1::SignedCommand tampered = genuine;
        tampered.set_payload(longer.SerializeAsString());
        const CommandVerdict verdict = verify(tampered);
        QVERIFY(isRefusal(verdict, RefusalReason::BadSignature, QStringLiteral("signature does not verify")));
        // The id is echoed so the server can match the answer, even though it is untrusted here.
        QCOMPARE(std::get<CommandRefusal>(verdict).commandId, payload.command_id());

        v1::SignedCommand flipped = genuine;
        std::string signature = flipped.signature();
        signature[3] = static_cast<char>(signature[3] ^ 0x40);
        flipped.set_signature(signature);
        QVERIFY(isRefusal(verify(flipped), RefusalReason::BadSignature));
        v1::SignedCommand unsigned_ = genuine;
        unsigned_.clear_signature();
        QVERIFY(isRefusal(verify(unsigned_), RefusalReason::BadSignature));

        // Forgeries consumed nothing: no nonce and no file, and the genuine command still runs.
        QCOMPARE(m_nonces->size(), std::size_t(0));
        QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("command-nonces"))));
        QVERIFY(accepted(verify(genuine)));
    }

    void wrongKeyIsRefused() {
        const CommandSigner impostor {crypto::SigningKey::generate(), m_server.nodeId};
        QVERIFY(isRefusal(verify(impostor.sign(impostor.payload())), RefusalReason::BadSignature));
        // And the right command against a verifier holding another key.
        const v1::SignedCommand genuine = m_server.sign(m_server.payload());
        QVERIFY(isRefusal(verifier(impostor.key.publicKey()).verify(genuine), RefusalReason::BadSignature));
        QCOMPARE(m_nonces->size(), std::size_t(0));
    }

    void malformedPayloadIsRefused() {
        v1::SignedCommand garbage;
        garbage.set_payload("\xff\xff\xff\xff not a protobuf");
        garbage.set_signature(m_server.key.sign("vanopticon-command-v1", garbage.payload()));
        const CommandVerdict verdict = verify(garbage);
        QVERIFY(isRefusal(verdict, RefusalReason::Malformed, QStringLiteral("could not be parsed")));
        QVERIFY(std::get<CommandRefusal>(verdict).commandId.empty());

        QVERIFY(isRefusal(verify(v1::SignedCommand()), RefusalReason::Malformed));

        v1::CommandPayload huge = m_server.payload();
        huge.set_command_id(std::string(20'000, 'x'));
        QVERIFY(isRefusal(verify(m_server.sign(huge)), RefusalReason::Malformed, QStringLiteral("larger than 16384")));
        huge.set_command_id(std::string(129, 'x'));
        QVERIFY(isRefusal(verify(m_server.sign(huge)), RefusalReason::Malformed, QStringLiteral("longer than 128")));
    }

    void wrongNodeIsRefused() {
        v1::CommandPayload payload = m_server.payload();
        payload.set_node_id("node-8");
        QVERIFY(isRefusal(verify(m_server.sign(payload)), RefusalReason::WrongNode, QStringLiteral("another node")));
        payload.set_node_id("");
        QVERIFY(isRefusal(verify(m_server.sign(payload)), RefusalReason::WrongNode));
        QCOMPARE(m_nonces->size(), std::size_t(0));
    }

    void timeChecks_data() {
        QTest::addColumn<qint64>("issuedAt"); // relative to now, ms
        QTest::addColumn<qint64>("expiresAt");
        QTest::addColumn<int>("reason"); // -1: accepted
        QTest::addColumn<QString>("detail");
        const int accepted = -1;
        QTest::addRow("fresh") << qint64(0) << 10 * kMinute << accepted << QString();
        QTest::addRow("issued a while ago") << -50 * kMinute << 5 * kMinute << accepted << QString();
        QTest::addRow("expired") << -20 * kMinute << -kMinute << int(RefusalReason::Expired) << "has expired";
        QTest::addRow("expires now") << -kMinute << qint64(0) << int(RefusalReason::Expired) << "has expired";
        QTest::addRow("expired long ago") << kEarliest << kEarliest + 1 << int(RefusalReason::Expired) << "has expired";
        QTest::addRow("skew at the limit") << 5 * kMinute << 10 * kMinute << accepted << QString();
        QTest::addRow("future-issued") << 5 * kMinute + 1 << 10 * kMinute << int(RefusalReason::IssuedInFuture)
                                       << "issued more than 300 s in the future";
        QTest::addRow("far future") << kLatest - kNow << kLatest - kNow << int(RefusalReason::IssuedInFuture)
                                    << "in the future";
        QTest::addRow("lifetime at the limit") << qint64(0) << 60 * kMinute << accepted << QString();
        QTest::addRow("lifetime too long")
            << qint64(0) << 60 * kMinute + 1 << int(RefusalReason::BadLifetime) << "expires more than 3600 s from now";
        QTest::addRow("never expires") << qint64(0) << kLatest - kNow << int(RefusalReason::BadLifetime)
                                       << "max_command_lifetime";
        QTest::addRow("expires before issued")
            << 4 * kMinute << 3 * kMinute << int(RefusalReason::BadLifetime) << "expires before it was issued";
    }
    void timeChecks() {
        QFETCH(qint64, issuedAt);
        QFETCH(qint64, expiresAt);
        QFETCH(int, reason);
        QFETCH(QString, detail);
        v1::CommandPayload payload = m_server.payload();
        // Relative offsets near INT64 limits are given pre-subtracted, so adding kNow cannot overflow.
        payload.set_issued_at_unix_ms(issuedAt <= kEarliest + kNow ? issuedAt : kNow + issuedAt);
        payload.set_expires_at_unix_ms(expiresAt <= kEarliest + kNow ? expiresAt : kNow + expiresAt);
        const CommandVerdict verdict = verify(m_server.sign(payload));
        if (reason < 0) {
            QVERIFY(accepted(verdict));
        } else {
            QVERIFY(isRefusal(verdict, RefusalReason(reason), detail));
            // Refused before the nonce step: nothing recorded.
            QCOMPARE(m_nonces->size(), std::size_t(0));
        }
    }

    void nonceMustBeSixteenBytes_data() {
        QTest::addColumn<int>("size");
        QTest::addRow("empty") << 0;
        QTest::addRow("15") << 15;
        QTest::addRow("17") << 17;
        QTest::addRow("32") << 32;
    }
    void nonceMustBeSixteenBytes() {
        QFETCH(int, size);
        v1::CommandPayload payload = m_server.payload();
        payload.set_nonce(std::string(static_cast<std::size_t>(size), 'n'));
        QVERIFY(isRefusal(verify(m_server.sign(payload)), RefusalReason::BadNonce,
            QStringLiteral("must be 16 bytes, not %1").arg(size)));
        QCOMPARE(m_nonces->size(), std::size_t(0));
    }

    void replayIsRefused() {
        const v1::SignedCommand command = m_server.sign(m_server.payload());
        QVERIFY(accepted(verify(command)));
        m_now += kMinute;
        QVERIFY(isRefusal(verify(command), RefusalReason::ReplayedNonce, QStringLiteral("replayed nonce")));
        // A differently worded command cannot reuse the nonce either.
        v1::CommandPayload other = m_server.payload("198.51.100.1", 60);
        v1::CommandPayload original;
        QVERIFY(original.ParseFromString(command.payload()));
        other.set_nonce(original.nonce());
        QVERIFY(
            isRefusal(verify(m_server.sign(other)), RefusalReason::ReplayedNonce, QStringLiteral("replayed nonce")));
    }

    void replayAfterRestartIsRefused() {
        const v1::SignedCommand command = m_server.sign(m_server.payload());
        QVERIFY(accepted(verify(command)));

        // "Restart": everything in memory is gone, only the data directory remains.
        m_nonces.reset();
        m_now += 2 * kMinute;
        m_nonces = std::make_unique<NonceStore>(NonceStore::open(dataDir(), m_now).value());
        QVERIFY(isRefusal(verify(command), RefusalReason::ReplayedNonce, QStringLiteral("replayed nonce")));

        // Past its expiry the nonce is forgotten, and the command is refused as expired instead.
        m_nonces.reset();
        m_now = kNow + 10 * kMinute;
        m_nonces = std::make_unique<NonceStore>(NonceStore::open(dataDir(), m_now).value());
        QCOMPARE(m_nonces->size(), std::size_t(0));
        QVERIFY(isRefusal(verify(command), RefusalReason::Expired));
    }

    void fullNonceStoreRefusesNewCommands() {
        m_nonces = std::make_unique<NonceStore>(NonceStore::open(dataDir(), m_now, 2).value());
        QVERIFY(accepted(verify(m_server.sign(m_server.payload()))));
        QVERIFY(accepted(verify(m_server.sign(m_server.payload()))));
        QVERIFY(isRefusal(verify(m_server.sign(m_server.payload())), RefusalReason::NonceStoreUnavailable,
            QStringLiteral("its limit")));
        m_now += 10 * kMinute; // the first two have expired
        v1::CommandPayload later = m_server.payload();
        later.set_issued_at_unix_ms(m_now);
        later.set_expires_at_unix_ms(m_now + kMinute);
        QVERIFY(accepted(verify(m_server.sign(later))));
    }

    void disallowedActionIsRefused() {
        m_policy.allowedActions.clear();
        const v1::CommandPayload payload = m_server.payload();
        QVERIFY(isRefusal(verify(m_server.sign(payload)), RefusalReason::ActionNotAllowed,
            QStringLiteral("action 'ip_block' is not allowed by this node's policy")));
        // Refused after the signature and time checks: the nonce is spent, so the command stays
        // refused even if the policy later allows the action.
        QVERIFY(m_nonces->contains(payload.nonce()));
        m_policy = CommandPolicy();
        QVERIFY(isRefusal(verify(m_server.sign(payload)), RefusalReason::ReplayedNonce));

        v1::CommandPayload unknown = m_server.payload();
        unknown.set_action("shutdown\n");
        QVERIFY(isRefusal(verify(m_server.sign(unknown)), RefusalReason::ActionNotAllowed,
            QStringLiteral("action 'shutdown?' is not allowed")));
    }

    void parameters_data() {
        QTest::addColumn<QByteArray>("address");
        QTest::addColumn<uint>("timeout");
        QTest::addColumn<int>("reason"); // -1: accepted
        QTest::addColumn<QString>("detail"); // accepted: the address blocked
        const int ok = -1;
        const int invalid = int(RefusalReason::InvalidParameters);
        const int protectedAddress = int(RefusalReason::ProtectedAddress);
        QTest::addRow("v4") << QByteArray("203.0.113.7") << 3600u << ok << "203.0.113.7";
        QTest::addRow("v6") << QByteArray("2001:DB8:0:0::1") << 60u << ok << "2001:db8::1";
        QTest::addRow("v4-mapped") << QByteArray("::ffff:198.51.100.9") << 60u << ok << "198.51.100.9";
        QTest::addRow("longest block") << QByteArray("203.0.113.7") << 86'400u << ok << "203.0.113.7";
        QTest::addRow("too long") << QByteArray("203.0.113.7") << 86'401u << int(RefusalReason::BlockTooLong)
                                  << "a block of 86401 s is longer than this node's max_block_duration (86400 s)";
        QTest::addRow("zero timeout") << QByteArray("203.0.113.7") << 0u << invalid << "at least 1 s";
        QTest::addRow("loopback") << QByteArray("127.0.0.1") << 60u << protectedAddress
                                  << "127.0.0.1 is inside protected network 127.0.0.0/8";
        QTest::addRow("loopback range") << QByteArray("127.255.255.254") << 60u << protectedAddress << "127.0.0.0/8";
        QTest::addRow("v6 loopback") << QByteArray("0::1") << 60u << protectedAddress
                                     << "::1 is inside protected network ::1/128";
        QTest::addRow("mapped loopback") << QByteArray("::ffff:127.0.0.1") << 60u << protectedAddress
                                         << "127.0.0.1 is inside";
        QTest::addRow("configured network")
            << QByteArray("10.9.8.7") << 60u << protectedAddress << "10.9.8.7 is inside protected network 10.0.0.0/8";
        QTest::addRow("hostname") << QByteArray("example.org") << 60u << invalid
                                  << "'example.org' is not an IPv4 or IPv6 address";
        QTest::addRow("empty") << QByteArray() << 60u << invalid << "'' is not an IPv4 or IPv6 address";
        QTest::addRow("command text") << QByteArray("1.2.3.4 } ; flush ruleset ;") << 60u << invalid
                                      << "'1.2.3.4 } ; flush ruleset ;' is not";
        QTest::addRow("embedded NUL") << QByteArray("1.2.3.4\0;x", 10) << 60u << invalid << "'1.2.3.4?;x' is not";
        QTest::addRow("cidr") << QByteArray("1.2.3.0/24") << 60u << invalid << "is not an IPv4";
        QTest::addRow("scope id") << QByteArray("fe80::1%eth0") << 60u << invalid << "is not an IPv4";
        QTest::addRow("very long") << QByteArray(300, '9') << 60u << invalid << "...' is not";
        QTest::addRow("unspecified") << QByteArray("0.0.0.0") << 60u << invalid << "0.0.0.0 is not a unicast";
        QTest::addRow("v6 unspecified") << QByteArray("::") << 60u << invalid << "is not a unicast";
        QTest::addRow("multicast") << QByteArray("224.0.0.251") << 60u << invalid << "is not a unicast";
        QTest::addRow("v6 multicast") << QByteArray("ff02::1") << 60u << invalid << "is not a unicast";
        QTest::addRow("broadcast") << QByteArray("255.255.255.255") << 60u << invalid << "is not a unicast";
    }
    void parameters() {
        QFETCH(QByteArray, address);
        QFETCH(uint, timeout);
        QFETCH(int, reason);
        QFETCH(QString, detail);
        m_policy.protectedNetworks.push_back(IpNetwork::parse("10.0.0.0/8").value());
        const v1::CommandPayload payload
            = m_server.payload(std::string(address.constData(), static_cast<std::size_t>(address.size())), timeout);
        const CommandVerdict verdict = verify(m_server.sign(payload));
        if (reason < 0) {
            const AcceptedCommand *command = accepted(verdict);
            QVERIFY(command);
            QCOMPARE(QString::fromStdString(command->blockAddress->toString()), detail);
            QCOMPARE(command->blockSeconds, timeout);
        } else {
            QVERIFY(isRefusal(verdict, RefusalReason(reason), detail));
        }
    }

    void ipBlockNeedsItsParameters() {
        v1::CommandPayload payload = m_server.payload();
        payload.clear_parameters();
        QVERIFY(isRefusal(verify(m_server.sign(payload)), RefusalReason::InvalidParameters,
            QStringLiteral("ip_block needs ip_block parameters")));
    }
};

QTEST_GUILESS_MAIN(TestCommandVerifier)
#include "tst_commandverifier.moc"
