// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QHostAddress>

#include <chrono>
#include <deque>

namespace vanopticon::command {

// Limits failed logins per client address: after `maxFailures` within `window`, further attempts
// from that address are refused without checking the password until the window has passed.
// Besides slowing password guessing, this keeps one client from occupying the server with
// Argon2id verifications. Bounded: at most kMaxTracked addresses are remembered (the oldest
// entries go first).
class LoginThrottle {
public:
    static constexpr int kMaxTracked = 10'000;

    explicit LoginThrottle(int maxFailures = 5, std::chrono::seconds window = std::chrono::seconds(60));

    // Milliseconds until this address may try again; 0 when it may try now.
    qint64 retryAfterMs(const QHostAddress &address, qint64 nowMs);
    void recordFailure(const QHostAddress &address, qint64 nowMs);
    void recordSuccess(const QHostAddress &address);

private:
    void forgetOld(qint64 nowMs);

    int m_maxFailures;
    qint64 m_windowMs;
    QHash<QString, std::deque<qint64>> m_failures; // address → times of recent failures
    std::deque<std::pair<qint64, QString>> m_order; // (first failure time, address), oldest first
};

} // namespace vanopticon::command
