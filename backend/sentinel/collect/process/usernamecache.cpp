// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/usernamecache.h"

#include <cerrno>
#include <vector>

#include <pwd.h>
#include <unistd.h>

namespace vanopticon::sentinel {

namespace {

std::string lookUp(std::uint32_t uid) {
    const long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(suggested > 0 ? std::size_t(suggested) : 4096);
    passwd entry {};
    passwd *found = nullptr;
    // Entries with long GECOS fields or many members can need more than the suggested size.
    while (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == ERANGE && buffer.size() < (1u << 20))
        buffer.resize(buffer.size() * 2);
    if (found != nullptr && found->pw_name != nullptr && found->pw_name[0] != '\0')
        return found->pw_name;
    return std::to_string(uid);
}

} // namespace

UserNameCache::UserNameCache(std::size_t capacity)
    : m_capacity(capacity) {
}

std::string_view UserNameCache::name(std::uint32_t uid) {
    ++m_lookups;
    if (const auto it = m_names.find(uid); it != m_names.end()) {
        ++m_hits;
        return it->second;
    }
    if (m_names.size() >= m_capacity)
        m_names.clear();
    return m_names.emplace(uid, lookUp(uid)).first->second;
}

} // namespace vanopticon::sentinel
