// SPDX-License-Identifier: Apache-2.0
#include "command/auth/loginthrottle.h"

namespace vanopticon::command {

LoginThrottle::LoginThrottle(int maxFailures, std::chrono::seconds window)
    : m_maxFailures(maxFailures)
    , m_windowMs(std::chrono::milliseconds(window).count()) {
}

void LoginThrottle::forgetOld(qint64 nowMs) {
    while (!m_order.empty()
        && (m_order.front().first <= nowMs - m_windowMs || static_cast<int>(m_order.size()) > kMaxTracked)) {
        const QString address = m_order.front().second;
        m_order.pop_front();
        auto it = m_failures.find(address);
        if (it == m_failures.end())
            continue;
        while (!it->empty() && it->front() <= nowMs - m_windowMs)
            it->pop_front();
        if (it->empty() || static_cast<int>(m_order.size()) >= kMaxTracked)
            m_failures.erase(it);
        else
            m_order.emplace_back(it->front(), address); // still active: look again later
    }
}

qint64 LoginThrottle::retryAfterMs(const QHostAddress &address, qint64 nowMs) {
    forgetOld(nowMs);
    auto it = m_failures.find(address.toString());
    if (it == m_failures.end())
        return 0;
    while (!it->empty() && it->front() <= nowMs - m_windowMs)
        it->pop_front();
    if (static_cast<int>(it->size()) < m_maxFailures)
        return 0;
    return it->front() + m_windowMs - nowMs;
}

void LoginThrottle::recordFailure(const QHostAddress &address, qint64 nowMs) {
    const QString key = address.toString();
    auto it = m_failures.find(key);
    if (it == m_failures.end()) {
        it = m_failures.insert(key, {});
        m_order.emplace_back(nowMs, key);
    }
    it->push_back(nowMs);
    if (static_cast<int>(it->size()) > m_maxFailures)
        it->pop_front();
    forgetOld(nowMs);
}

void LoginThrottle::recordSuccess(const QHostAddress &address) {
    m_failures.remove(address.toString());
}

} // namespace vanopticon::command
