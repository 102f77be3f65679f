// SPDX-License-Identifier: Apache-2.0
#include "shared/crypto/crypto.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace vanopticon::crypto {

namespace {

const unsigned char *bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char *>(s.data());
}
unsigned char *bytes(std::string &s) {
    return reinterpret_cast<unsigned char *>(s.data());
}

std::string signedMessage(std::string_view domain, std::string_view message) {
    std::string buffer;
    buffer.reserve(domain.size() + message.size());
    buffer.append(domain).append(message);
    return buffer;
}

Result<std::string> readWholeFile(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(path + ": " + std::strerror(errno));
    std::string data;
    char chunk[4096];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return makeError(path + ": " + std::strerror(err));
        }
        if (n == 0)
            break;
        data.append(chunk, static_cast<std::size_t>(n));
        if (data.size() > 4096)
            break; // a key file is tiny; anything bigger is not ours
    }
    ::close(fd);
    return data;
}

} // namespace

void initialize() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0)
            throw std::runtime_error("libsodium could not be initialized"); // no safe way on
    });
}

std::string randomBytes(std::size_t count) {
    initialize();
    std::string out(count, '\0');
    randombytes_buf(out.data(), out.size());
    return out;
}

std::string randomToken(std::string_view prefix, std::size_t entropyBytes) {
    const std::string raw = randomBytes(entropyBytes);
    std::string encoded(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(), bytes(raw), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    encoded.resize(std::strlen(encoded.c_str()));
    return std::string(prefix) + encoded;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    initialize();
    // Length is not secret here (tokens and hashes have fixed lengths); contents are.
    if (a.size() != b.size())
        return false;
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string blake2b(std::string_view data) {
    initialize();
    std::string out(crypto_generichash_BYTES, '\0');
    crypto_generichash(bytes(out), out.size(), bytes(data), data.size(), nullptr, 0);
    return out;
}

std::string blake2bHex(std::string_view data) {
    return toHex(blake2b(data));
}

std::string toHex(std::string_view data) {
    std::string out(data.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes(data), data.size());
    out.pop_back();
    return out;
}

Result<std::string> fromHex(std::string_view hex) {
    std::string out(hex.size() / 2, '\0');
    std::size_t length = 0;
    const char *end = nullptr;
    if (sodium_hex2bin(bytes(out), out.size(), hex.data(), hex.size(), nullptr, &length, &end) != 0
        || end != hex.data() + hex.size())
        return makeError("not valid hexadecimal");
    out.resize(length);
    return out;
}

std::string toBase64(std::string_view data) {
    initialize();
    std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes(data), data.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

Result<std::string> fromBase64(std::string_view text) {
    initialize();
    std::string out(text.size() / 4 * 3 + 3, '\0');
    std::size_t length = 0;
    const char *end = nullptr;
    if (sodium_base642bin(
            bytes(out), out.size(), text.data(), text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL)
            != 0
        || end != text.data() + text.size())
        return makeError("not valid base64");
    out.resize(length);
    return out;
}

Result<std::string> hashPassword(std::string_view password) {
    initialize();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE)
        != 0)
        return makeError("out of memory while hashing the password");
    return std::string(hash);
}

bool verifyPassword(std::string_view hash, std::string_view password) {
    initialize();
    if (hash.size() >= crypto_pwhash_STRBYTES)
        return false;
    const std::string terminated(hash); // libsodium wants a NUL-terminated string
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

SigningKey SigningKey::generate() {
    initialize();
    SigningKey key;
    key.m_publicKey.assign(kPublicKeyBytes, '\0');
    key.m_secretKey.assign(kSecretKeyBytes, '\0');
    crypto_sign_keypair(bytes(key.m_publicKey), bytes(key.m_secretKey));
    return key;
}

Result<SigningKey> SigningKey::fromSecretKey(std::string_view secretKey) {
    initialize();
    if (secretKey.size() != kSecretKeyBytes)
        return makeError("an Ed25519 secret key has 64 bytes, got " + std::to_string(secretKey.size()));
    SigningKey key;
    key.m_secretKey.assign(secretKey);
    key.m_publicKey.assign(kPublicKeyBytes, '\0');
    crypto_sign_ed25519_sk_to_pk(bytes(key.m_publicKey), bytes(key.m_secretKey));
    return key;
}

Result<SigningKey> SigningKey::loadOrCreate(const std::string &path) {
    struct stat st { };
    if (::stat(path.c_str(), &st) == 0) {
        if ((st.st_mode & 077) != 0)
            return makeError(path + ": key file is readable by group or others (chmod 600 it)");
        auto data = readWholeFile(path);
        if (!data)
            return data.error();
        auto key = fromSecretKey(*data);
        if (!key)
            return makeError(path + ": " + key.error().message);
        return key;
    }
    SigningKey key = generate();
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return makeError(temporary + ": " + std::strerror(errno));
    const bool written
        = ::write(fd, key.m_secretKey.data(), key.m_secretKey.size()) == static_cast<ssize_t>(key.m_secretKey.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced || ::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return makeError(path + ": could not write the key: " + std::strerror(errno));
    }
    return key;
}

std::string SigningKey::sign(std::string_view domain, std::string_view message) const {
    const std::string data = signedMessage(domain, message);
    std::string signature(kSignatureBytes, '\0');
    crypto_sign_detached(bytes(signature), nullptr, bytes(data), data.size(),
        reinterpret_cast<const unsigned char *>(m_secretKey.data()));
    return signature;
}

bool verifySignature(
    std::string_view publicKey, std::string_view domain, std::string_view message, std::string_view signature) {
    initialize();
    if (publicKey.size() != kPublicKeyBytes || signature.size() != kSignatureBytes)
        return false;
    const std::string data = signedMessage(domain, message);
    return crypto_sign_verify_detached(bytes(signature), bytes(data), data.size(), bytes(publicKey)) == 0;
}

} // namespace vanopticon::crypto
