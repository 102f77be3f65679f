// SPDX-License-Identifier: Apache-2.0
#include "shared/crypto/crypto.h"

#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace vanopticon;

class TestCrypto : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void signatureVerifiesOnlyForItsDomainAndMessage() {
        const auto key = crypto::SigningKey::generate();
        const std::string signature = key.sign("vanopticon-command-v1", "payload");
        QVERIFY(crypto::verifySignature(key.publicKey(), "vanopticon-command-v1", "payload", signature));
        QVERIFY(!crypto::verifySignature(key.publicKey(), "vanopticon-auth-v1", "payload", signature));
        QVERIFY(!crypto::verifySignature(key.publicKey(), "vanopticon-command-v1", "payloaD", signature));
        std::string tampered = signature;
        tampered[10] = static_cast<char>(tampered[10] ^ 1);
        QVERIFY(!crypto::verifySignature(key.publicKey(), "vanopticon-command-v1", "payload", tampered));
        const auto other = crypto::SigningKey::generate();
        QVERIFY(!crypto::verifySignature(other.publicKey(), "vanopticon-command-v1", "payload", signature));
        QVERIFY(!crypto::verifySignature("short", "d", "m", signature));
    }

    void keyFileIsCreatedPrivateAndReloaded() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("node.key")).toStdString();
        auto created = crypto::SigningKey::loadOrCreate(path);
        QVERIFY(created.ok());
        struct stat st { };
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        auto loaded = crypto::SigningKey::loadOrCreate(path);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->publicKey(), created->publicKey());

        ::chmod(path.c_str(), 0644);
        auto refused = crypto::SigningKey::loadOrCreate(path);
        QVERIFY(!refused.ok());
        QVERIFY(QString::fromStdString(refused.error().message).contains(u"chmod 600"));
    }

    void passwordsUseArgon2id() {
        auto hash = crypto::hashPassword("correct horse");
        QVERIFY(hash.ok());
        QVERIFY(QString::fromStdString(*hash).startsWith(u"$argon2id$"));
        QVERIFY(crypto::verifyPassword(*hash, "correct horse"));
        QVERIFY(!crypto::verifyPassword(*hash, "correct horsE"));
        QVERIFY(!crypto::verifyPassword("garbage", "correct horse"));
    }

    void tokensAndEncodings() {
        const std::string a = crypto::randomToken("vo_");
        const std::string b = crypto::randomToken("vo_");
        QVERIFY(a != b);
        QVERIFY(QString::fromStdString(a).startsWith(u"vo_"));
        QCOMPARE(a.size(), std::size_t(3 + 43)); // 32 bytes, URL-safe base64 without padding
        QVERIFY(crypto::constantTimeEquals(a, a));
        QVERIFY(!crypto::constantTimeEquals(a, b));
        QVERIFY(!crypto::constantTimeEquals(a, a.substr(1)));

        QCOMPARE(crypto::blake2bHex("abc").size(), std::size_t(64));
        QCOMPARE(crypto::blake2bHex("abc"), crypto::blake2bHex("abc"));
        const std::string bytes("\x00\x01\xfe\xff", 4);
        QCOMPARE(*crypto::fromHex(crypto::toHex(bytes)), bytes);
        QCOMPARE(*crypto::fromBase64(crypto::toBase64(bytes)), bytes);
        QVERIFY(!crypto::fromHex("zz").ok());
        QVERIFY(!crypto::fromBase64("***").ok());
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
