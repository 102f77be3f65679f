// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/nftablesfirewall.h"

#include <nftables/libnftables.h>

#include <string_view>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kLongestErrorMessage = 512;

// nft prints the failing command and a caret line under each error; only the "Error: …"
// lines are worth sending to the server.
std::string summarizeErrors(std::string_view output) {
    std::string summary;
    while (!output.empty()) {
        const std::size_t end = output.find('\n');
        const std::string_view line = output.substr(0, end);
        output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
        // Input from a file is prefixed with its location ("/dev/stdin:2:20-31: Error: …").
        const std::size_t error = line.find("Error:");
        if (error == std::string_view::npos)
            continue;
        if (!summary.empty())
            summary += "; ";
        summary += line.substr(error);
    }
    if (summary.empty())
        summary = "nftables refused the change without saying why";
    if (summary.size() > kLongestErrorMessage)
        summary = summary.substr(0, kLongestErrorMessage) + "...";
    return summary;
}

struct ContextDeleter {
    void operator()(nft_ctx *context) const { nft_ctx_free(context); }
};

// One context per run: libnftables keeps a cache of the ruleset in its context, and a fresh
// context cannot act on a stale view of a table someone else changed.
Result<void> runScript(const std::string &script, bool dryRun = false) {
    std::unique_ptr<nft_ctx, ContextDeleter> context(nft_ctx_new(NFT_CTX_DEFAULT));
    if (!context)
        return makeError("nftables: cannot create a libnftables context");
    if (nft_ctx_buffer_output(context.get()) != 0 || nft_ctx_buffer_error(context.get()) != 0)
        return makeError("nftables: cannot buffer libnftables output");
    nft_ctx_set_dry_run(context.get(), dryRun);
    if (nft_run_cmd_from_buffer(context.get(), script.c_str()) != 0) {
        const char *errors = nft_ctx_get_error_buffer(context.get());
        return makeError("nftables: " + summarizeErrors(errors != nullptr ? errors : ""));
    }
    return {};
}

} // namespace

Result<std::unique_ptr<NftablesFirewall>> NftablesFirewall::create(NftablesNames names) {
    if (auto valid = checkNftablesNames(names); !valid)
        return valid.error();
    return std::unique_ptr<NftablesFirewall>(new NftablesFirewall(std::move(names)));
}

std::string NftablesFirewall::ensureScript() const {
    const std::string table = "inet " + m_names.table;
    // `add` leaves an existing table, set or chain as it is (elements included); only the
    // chain's rules are flushed and re-added, inside the same transaction, so they never
    // duplicate and there is no moment without them.
    std::string script;
    script += "add table " + table + "\n";
    script += "add set " + table + " " + m_names.ipv4Set + " { type ipv4_addr; flags timeout; }\n";
    script += "add set " + table + " " + m_names.ipv6Set + " { type ipv6_addr; flags timeout; }\n";
    script += "add chain " + table + " input { type filter hook input priority filter - 10; policy accept; }\n";
    script += "flush chain " + table + " input\n";
    script += "add rule " + table + " input ip saddr @" + m_names.ipv4Set + " drop\n";
    script += "add rule " + table + " input ip6 saddr @" + m_names.ipv6Set + " drop\n";
    return script;
}

std::string NftablesFirewall::blockScript(const IpAddress &address, std::uint32_t timeoutSeconds) const {
    const std::string set = "inet " + m_names.table + " " + (address.isV4() ? m_names.ipv4Set : m_names.ipv6Set);
    const std::string element = address.toString(); // from binary: never the peer's text
    // Not every kernel lets `add element` change the timeout of an element already there; add
    // (so that it surely exists), delete, and add again with the new timeout restarts it.
    std::string script = ensureScript();
    script += "add element " + set + " { " + element + " }\n";
    script += "delete element " + set + " { " + element + " }\n";
    script += "add element " + set + " { " + element + " timeout " + std::to_string(timeoutSeconds) + "s }\n";
    return script;
}

Result<void> NftablesFirewall::check() const {
    return runScript(blockScript(IpAddress::parse("192.0.2.1").value(), 1), true);
}

Result<void> NftablesFirewall::ensure() {
    return runScript(ensureScript());
}

Result<void> NftablesFirewall::blockAddress(const IpAddress &address, std::uint32_t timeoutSeconds) {
    if (timeoutSeconds == 0)
        return makeError("a block needs a timeout of at least 1 s");
    return runScript(blockScript(address, timeoutSeconds));
}

} // namespace vanopticon::sentinel
