// SPDX-License-Identifier: Apache-2.0
#include "sentinel/transmit/nodeidentity.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

Result<void> writeFileAtomically(const std::string &path, const std::string &contents, unsigned mode) {
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return makeError(temporary + ": " + std::strerror(errno));
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(temporary.c_str());
            return makeError(temporary + ": " + std::strerror(err));
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temporary.c_str());
        return makeError(path + ": " + std::strerror(err));
    }
    const std::string directory = std::filesystem::path(path).parent_path().string();
    if (const int dirFd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        dirFd >= 0) {
        ::fsync(dirFd); // makes the rename itself durable
        ::close(dirFd);
    }
    return {};
}

Result<NodeIdentity> NodeIdentity::load(const std::string &directory) {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        return makeError(directory + ": " + error.message());
    ::chmod(directory.c_str(), 0700);

    NodeIdentity identity;
    identity.m_directory = directory;
    auto key = crypto::SigningKey::loadOrCreate(directory + "/node.key");
    if (!key)
        return key.error();
    identity.m_key = std::move(*key);

    QFile file(QString::fromStdString(directory + "/node.json"));
    if (!file.exists())
        return identity;
    if (!file.open(QIODevice::ReadOnly))
        return makeError(directory + "/node.json: " + file.errorString().toStdString());
    const QJsonObject json = QJsonDocument::fromJson(file.read(64 * 1024)).object();
    identity.m_nodeId = json.value(u"node_id"_s).toString().toStdString();
    auto serverKey = crypto::fromBase64(json.value(u"server_public_key"_s).toString().toStdString());
    if (identity.m_nodeId.empty() || !serverKey || serverKey->size() != crypto::kPublicKeyBytes)
        return makeError(directory
            + "/node.json: damaged (needs node_id and a 32-byte server_public_key); "
              "remove it to enroll again");
    identity.m_serverPublicKey = std::move(*serverKey);
    return identity;
}

Result<void> NodeIdentity::enrolled(const std::string &nodeId, const std::string &serverPublicKey) {
    const QJsonObject json {{u"node_id"_s, QString::fromStdString(nodeId)},
        {u"server_public_key"_s, QString::fromStdString(crypto::toBase64(serverPublicKey))}};
    auto written = writeFileAtomically(
        m_directory + "/node.json", QJsonDocument(json).toJson(QJsonDocument::Indented).toStdString());
    if (!written)
        return written;
    m_nodeId = nodeId;
    m_serverPublicKey = serverPublicKey;
    return {};
}

} // namespace vanopticon::sentinel
