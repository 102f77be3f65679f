// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

// Thin wrappers over libsodium: the only place the project calls it.
namespace vanopticon::crypto {

// Initializes libsodium once; every other function here calls it, so callers need not.
void initialize();

std::string randomBytes(std::size_t count);
// A random, URL-safe token with a recognizable prefix ("vo_…"), carrying `bytes` of entropy.
std::string randomToken(std::string_view prefix, std::size_t bytes = 32);

// Compares secrets in time independent of where they differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

// BLAKE2b-256 of the input, as lowercase hex (64 characters).
std::string blake2bHex(std::string_view data);
std::string blake2b(std::string_view data); // 32 raw bytes

std::string toHex(std::string_view bytes);
Result<std::string> fromHex(std::string_view hex);
std::string toBase64(std::string_view bytes);
Result<std::string> fromBase64(std::string_view text);

// Argon2id (libsodium's crypto_pwhash_str, interactive limits): a self-describing string.
Result<std::string> hashPassword(std::string_view password);
bool verifyPassword(std::string_view hash, std::string_view password);

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSecretKeyBytes = 64;
inline constexpr std::size_t kSignatureBytes = 64;

// An Ed25519 key pair. Signatures are domain-separated: the signed message is
// `domain || message`, so a signature made for one purpose never verifies for another.
class SigningKey {
public:
    static SigningKey generate();
    static Result<SigningKey> fromSecretKey(std::string_view secretKey);
    // Loads the key from a file, or creates one (mode 0600) when the file does not exist.
    static Result<SigningKey> loadOrCreate(const std::string &path);

    const std::string &publicKey() const { return m_publicKey; }
    const std::string &secretKey() const { return m_secretKey; }
    std::string sign(std::string_view domain, std::string_view message) const;

private:
    std::string m_publicKey;
    std::string m_secretKey;
};

bool verifySignature(
    std::string_view publicKey, std::string_view domain, std::string_view message, std::string_view signature);

} // namespace vanopticon::crypto
