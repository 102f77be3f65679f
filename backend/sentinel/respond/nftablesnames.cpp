// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/nftablesnames.h"

namespace vanopticon::sentinel {

namespace {

bool isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

Result<void> checkNftIdentifier(std::string_view name) {
    bool valid = !name.empty() && name.size() <= kMaxNftIdentifierLength && isLetter(name.front());
    for (char c : name)
        valid = valid && (isLetter(c) || isDigit(c) || c == '_');
    if (!valid)
        return makeError("'" + std::string(name.substr(0, kMaxNftIdentifierLength + 1))
            + "' is not a valid nftables name (a letter, then letters, digits or '_', at most "
            + std::to_string(kMaxNftIdentifierLength) + " characters)");
    return {};
}

Result<void> checkNftablesNames(const NftablesNames &names) {
    for (const std::string *name : {&names.table, &names.ipv4Set, &names.ipv6Set}) {
        auto checked = checkNftIdentifier(*name);
        if (!checked)
            return checked;
    }
    if (names.ipv4Set == names.ipv6Set)
        return makeError("the IPv4 and IPv6 sets need different names (both are '" + names.ipv4Set + "')");
    return {};
}

} // namespace vanopticon::sentinel
