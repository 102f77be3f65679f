// SPDX-License-Identifier: Apache-2.0
#include "command/auth/loginthrottle.h"

#include <QTest>

using namespace vanopticon::command;
using namespace std::chrono_literals;

class TestLoginThrottle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void locksOutAfterTooManyFailuresWithinTheWindow() {
        LoginThrottle throttle(3, 60s);
        const QHostAddress attacker(QStringLiteral("203.0.113.7"));
        const QHostAddress other(QStringLiteral("198.51.100.4"));
        throttle.recordFailure(attacker, 1'000);
        throttle.recordFailure(attacker, 2'000);
        QCOMPARE(throttle.retryAfterMs(attacker, 2'500), 0);
        throttle.recordFailure(attacker, 3'000);
        QCOMPARE(throttle.retryAfterMs(attacker, 3'000), 58'000); // until the first failure leaves the window
        QCOMPARE(throttle.retryAfterMs(other, 3'000), 0); // per address
        QCOMPARE(throttle.retryAfterMs(attacker, 61'000), 0); // the oldest failure has expired
    }

    void successClearsTheCount() {
        LoginThrottle throttle(2, 60s);
        const QHostAddress user(QStringLiteral("192.0.2.1"));
        throttle.recordFailure(user, 0);
        throttle.recordSuccess(user);
        throttle.recordFailure(user, 10);
        QCOMPARE(throttle.retryAfterMs(user, 20), 0);
    }

    void memoryIsBounded() {
        LoginThrottle throttle(1, 3600s);
        for (quint32 i = 0; i < LoginThrottle::kMaxTracked + 5000; ++i)
            throttle.recordFailure(QHostAddress(0x0a000000u + i), 1'000);
        // The most recent addresses are still locked out; the oldest were forgotten.
        QVERIFY(throttle.retryAfterMs(QHostAddress(0x0a000000u + LoginThrottle::kMaxTracked + 4999), 1'000) > 0);
        QCOMPARE(throttle.retryAfterMs(QHostAddress(0x0a000000u), 1'000), 0);
    }
};

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "tst_loginthrottle.moc"
