// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/geoip/ipkey.h"

#include <chrono>
#include <string>

namespace vanopticon::sentinel {

struct ReverseDnsAnswer {
    enum class Status { Found, NotFound, Failed };
    Status status = Status::Failed;
    std::string name;
};

// The seam between the reverse-DNS step and whatever answers PTR questions: the system resolver
// in production, a fake in tests. resolve() blocks, and is called on the step's worker threads,
// possibly several at once.
class ReverseDnsResolver {
public:
    virtual ~ReverseDnsResolver() = default;
    virtual ReverseDnsAnswer resolve(const IpKey &address) = 0;
};

// getnameinfo(NI_NAMEREQD): /etc/hosts and DNS as nsswitch.conf says. glibc has no per-call
// timeout; each worker thread sets its resolver state to one try with the step's timeout rounded
// up to whole seconds (its granularity), so a dead DNS server holds a worker about that long.
class SystemReverseDnsResolver : public ReverseDnsResolver {
public:
    explicit SystemReverseDnsResolver(std::chrono::milliseconds timeout);
    ReverseDnsAnswer resolve(const IpKey &address) override;

private:
    int m_timeoutSeconds;
};

// True for what a PTR answer may hold: LDH labels (and '_'), at most 253 characters.
bool isHostName(std::string_view name);

} // namespace vanopticon::sentinel
