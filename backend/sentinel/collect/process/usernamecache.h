// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vanopticon::sentinel {

// User names by uid, from the password database (getpwuid_r), remembered: a lookup may go to
// NSS (LDAP, sssd) and must not happen for every process. A uid with no name is shown as its
// number. Bounded: when full, the cache starts afresh (users are few; a flood of uids is not).
class UserNameCache {
public:
    explicit UserNameCache(std::size_t capacity = 1024);

    // Valid until the next call.
    std::string_view name(std::uint32_t uid);

    std::uint64_t lookups() const { return m_lookups; }
    std::uint64_t hits() const { return m_hits; }
    std::size_t size() const { return m_names.size(); }

private:
    std::unordered_map<std::uint32_t, std::string> m_names;
    std::size_t m_capacity;
    std::uint64_t m_lookups = 0;
    std::uint64_t m_hits = 0;
};

} // namespace vanopticon::sentinel
