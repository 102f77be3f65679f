// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/crypto/crypto.h"

#include <string>

namespace vanopticon::sentinel {

// Who this node is to the server: its Ed25519 key (node.key, mode 0600, never leaves the
// host), the id the server gave it at enrollment, and the server key it pinned then.
// Files live in one directory under the node's data directory.
class NodeIdentity {
public:
    static Result<NodeIdentity> load(const std::string &directory);

    bool isEnrolled() const { return !m_nodeId.empty(); }
    const std::string &nodeId() const { return m_nodeId; }
    const std::string &serverPublicKey() const { return m_serverPublicKey; }
    const crypto::SigningKey &key() const { return m_key; }

    // Records the enrollment and writes node.json atomically.
    Result<void> enrolled(const std::string &nodeId, const std::string &serverPublicKey);

private:
    std::string m_directory;
    crypto::SigningKey m_key;
    std::string m_nodeId;
    std::string m_serverPublicKey;
};

// Writes a file atomically: temporary file, fsync, rename, fsync of the directory.
Result<void> writeFileAtomically(const std::string &path, const std::string &contents, unsigned mode = 0600);

} // namespace vanopticon::sentinel
