// SPDX-License-Identifier: Apache-2.0
#include "shared/event/fieldid.h"

#include <array>
#include <cassert>
#include <limits>
#include <mutex>
#include <stdexcept>

namespace vanopticon {

namespace {
// Order must match the constants in namespace field.
constexpr std::array<std::string_view, field::WellKnownCount> kWellKnown = {
    "event_type",
    "category",
    "host",
    "service",
    "message",
    "raw",
    "source_type",
    "severity",
    "SourceIp",
    "SourcePort",
    "DestinationIp",
    "DestinationPort",
    "User",
    "Image",
    "CommandLine",
    "ParentImage",
    "ParentCommandLine",
    "CurrentDirectory",
    "ProcessId",
    "TargetFilename",
    "AuthMethod",
    "Protocol",
    "ProcessName",
};
} // namespace

FieldRegistry &FieldRegistry::instance() {
    static FieldRegistry registry;
    return registry;
}

FieldRegistry::FieldRegistry() {
    for (std::string_view name : kWellKnown)
        intern(name);
    assert(m_names.size() == field::WellKnownCount);
}

FieldId FieldRegistry::intern(std::string_view name) {
    {
        std::shared_lock lock(m_mutex);
        if (auto it = m_ids.find(name); it != m_ids.end())
            return it->second;
    }
    std::unique_lock lock(m_mutex);
    if (auto it = m_ids.find(name); it != m_ids.end())
        return it->second;
    if (m_names.size() > std::numeric_limits<FieldId>::max())
        throw std::length_error("too many distinct field names"); // an invariant, not user input
    const auto id = static_cast<FieldId>(m_names.size());
    m_names.push_back(std::make_unique<std::string>(name));
    m_ids.emplace(*m_names.back(), id);
    std::atomic<NamePage *> &slot = m_pages[id >> kPageBits];
    NamePage *page = slot.load(std::memory_order_relaxed);
    if (page == nullptr) {
        page = new NamePage {};
        slot.store(page, std::memory_order_release);
    }
    (*page)[id & (kPageSize - 1)].store(m_names.back().get(), std::memory_order_release);
    return id;
}

std::optional<FieldId> FieldRegistry::tryIntern(std::string_view name) {
    if (auto id = find(name))
        return id;
    if (size() >= kMaxNames)
        return std::nullopt;
    return intern(name);
}

std::optional<FieldId> FieldRegistry::find(std::string_view name) const {
    std::shared_lock lock(m_mutex);
    if (auto it = m_ids.find(name); it != m_ids.end())
        return it->second;
    return std::nullopt;
}

FieldRegistry::~FieldRegistry() {
    for (std::atomic<NamePage *> &page : m_pages)
        delete page.load(std::memory_order_relaxed);
}

std::string_view FieldRegistry::name(FieldId id) const {
    const NamePage *page = m_pages[id >> kPageBits].load(std::memory_order_acquire);
    const std::string *name = page ? (*page)[id & (kPageSize - 1)].load(std::memory_order_acquire) : nullptr;
    assert(name != nullptr);
    return name ? std::string_view(*name) : std::string_view();
}

std::size_t FieldRegistry::size() const {
    std::shared_lock lock(m_mutex);
    return m_names.size();
}

} // namespace vanopticon
