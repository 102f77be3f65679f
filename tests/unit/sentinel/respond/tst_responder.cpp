// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/responder.h"

#include "commandsigner.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>
#include <vector>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

constexpr std::int64_t kNow = CommandSigner::kNow;

// Records what it was asked to block; fails when told to.
class RecordingFirewall final : public Firewall {
public:
    struct Block {
        std::string address;
        std::uint32_t seconds;
    };
    std::vector<Block> blocks;
    std::optional<std::string> failure;

    Result<void> blockAddress(const IpAddress &address, std::uint32_t timeoutSeconds) override {
        if (failure)
            return makeError(*failure);
        blocks.push_back({address.toString(), timeoutSeconds});
        return {};
    }
};

} // namespace

class TestResponder : public QObject {
    Q_OBJECT

    CommandSigner m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::int64_t m_now = kNow;
    RecordingFirewall *m_firewall = nullptr; // owned by m_responder

    std::unique_ptr<Responder> makeResponder(bool enforce) {
        CommandPolicy policy;
        policy.enforce = enforce;
        auto firewall = std::make_unique<RecordingFirewall>();
        m_firewall = firewall.get();
        return std::make_unique<Responder>(std::move(policy), m_server.key.publicKey(), m_server.nodeId,
            NonceStore::open(m_dir->path().toStdString(), m_now).value(), std::move(firewall),
            [this] { return m_now; });
    }

private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        m_now = kNow;
    }

    void enforcedCommandIsExecuted() {
        auto responder = makeResponder(true);
        const v1::CommandPayload payload = m_server.payload("2001:db8::0:7", 900);
        m_now += 1'234;
        const v1::CommandResult result = responder->handle(m_server.sign(payload));
        QCOMPARE(result.status(), v1::COMMAND_STATUS_EXECUTED);
        QCOMPARE(result.command_id(), payload.command_id());
        QCOMPARE(result.detail(), std::string("done: block 2001:db8::7 for 900 s"));
        QCOMPARE(result.completed_at_unix_ms(), kNow + 1'234);
        QCOMPARE(m_firewall->blocks.size(), std::size_t(1));
        QCOMPARE(m_firewall->blocks[0].address, std::string("2001:db8::7"));
        QCOMPARE(m_firewall->blocks[0].seconds, 900u);
        QCOMPARE(responder->counters().received, 1u);
        QCOMPARE(responder->counters().executed, 1u);
        QCOMPARE(responder->counters().refused, 0u);
    }

    void dryRunChangesNothing() {
        auto responder = makeResponder(false);
        const v1::CommandPayload payload = m_server.payload("203.0.113.7", 3600);
        const v1::CommandResult result = responder->handle(m_server.sign(payload));
        QCOMPARE(result.status(), v1::COMMAND_STATUS_DRY_RUN);
        QCOMPARE(result.command_id(), payload.command_id());
        QCOMPARE(result.detail(),
            std::string("dry run: would block 203.0.113.7 for 3600 s (respond.enforce is off on "
                        "this node)"));
        QVERIFY(m_firewall->blocks.empty());
        QCOMPARE(responder->counters().dryRun, 1u);
        QCOMPARE(responder->counters().executed, 0u);
        // A dry-run command is spent too: switching enforcement on later must not replay it.
        QCOMPARE(responder->handle(m_server.sign(payload)).status(), v1::COMMAND_STATUS_REFUSED);
    }

    void firewallFailureIsReported() {
        auto responder = makeResponder(true);
        m_firewall->failure = "nftables: Error: Could not process rule: Operation not permitted";
        const v1::CommandPayload payload = m_server.payload("198.51.100.20", 60);
        const v1::CommandResult result = responder->handle(m_server.sign(payload));
        QCOMPARE(result.status(), v1::COMMAND_STATUS_FAILED);
        QCOMPARE(result.command_id(), payload.command_id());
        QCOMPARE(result.detail(),
            std::string("could not block 198.51.100.20 for 60 s: nftables: Error: Could not "
                        "process rule: Operation not permitted"));
        QCOMPARE(responder->counters().failed, 1u);
        QCOMPARE(responder->counters().executed, 0u);
    }

    void refusalsAreReportedAndCountedByReason() {
        auto responder = makeResponder(true);
        const v1::CommandPayload payload = m_server.payload("192.0.2.44", 60);
        const v1::SignedCommand genuine = m_server.sign(payload);

        v1::SignedCommand forged = genuine;
        forged.set_signature(std::string(64, '\0'));
        v1::CommandResult result = responder->handle(forged);
        QCOMPARE(result.status(), v1::COMMAND_STATUS_REFUSED);
        QCOMPARE(result.command_id(), payload.command_id());
        QCOMPARE(result.detail(), std::string("the signature does not verify with the server's key"));
        QCOMPARE(result.completed_at_unix_ms(), kNow);

        QCOMPARE(responder->handle(genuine).status(), v1::COMMAND_STATUS_EXECUTED);
        result = responder->handle(genuine);
        QCOMPARE(result.status(), v1::COMMAND_STATUS_REFUSED);
        QCOMPARE(result.detail(), std::string("replayed nonce: this command was already received"));
        QCOMPARE(responder->handle(genuine).status(), v1::COMMAND_STATUS_REFUSED);

        result = responder->handle(m_server.sign(m_server.payload("127.0.0.1", 60)));
        QCOMPARE(result.status(), v1::COMMAND_STATUS_REFUSED);
        QCOMPARE(result.detail(), std::string("127.0.0.1 is inside protected network 127.0.0.0/8"));

        v1::SignedCommand garbage;
        garbage.set_payload("garbage");
        result = responder->handle(garbage);
        QCOMPARE(result.status(), v1::COMMAND_STATUS_REFUSED);
        QVERIFY(result.command_id().empty());

        QCOMPARE(m_firewall->blocks.size(), std::size_t(1));
        const ResponderCounters &counters = responder->counters();
        QCOMPARE(counters.received, 6u);
        QCOMPARE(counters.executed, 1u);
        QCOMPARE(counters.refused, 5u);
        const std::map<std::string, std::uint64_t, std::less<>> expected {
            {"bad_signature", 1}, {"replayed_nonce", 2}, {"protected_address", 1}, {"malformed", 1}};
        QCOMPARE(counters.refusedByReason, expected);
    }

    void replayAfterRestartIsRefused() {
        const v1::SignedCommand command = m_server.sign(m_server.payload("203.0.113.99", 120));
        {
            auto first = makeResponder(true);
            QCOMPARE(first->handle(command).status(), v1::COMMAND_STATUS_EXECUTED);
        }
        m_now += 30'000;
        auto restarted = makeResponder(true);
        const v1::CommandResult result = restarted->handle(command);
        QCOMPARE(result.status(), v1::COMMAND_STATUS_REFUSED);
        QCOMPARE(result.detail(), std::string("replayed nonce: this command was already received"));
        QVERIFY(m_firewall->blocks.empty());
    }
};

QTEST_GUILESS_MAIN(TestResponder)
#include "tst_responder.moc"
