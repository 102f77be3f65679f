// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "daemon/serverconfig.h"
#include "shared/core/result.h"

#include <QObject>

#include <memory>

namespace vanopticon::daemon {

// The server role: the database and keys under the data directory, the REST API and live
// stream, the sentinel gateway, analysis (ingest → correlation → alerts) and the shield
// (policies → decisions → signed commands), wired together; optionally a local sentinel.
class ServerApplication : public QObject {
    Q_OBJECT
public:
    explicit ServerApplication(Options options, QObject *parent = nullptr);
    ~ServerApplication() override;

    // Opens and starts everything; an error says what could not start and why.
    Result<void> start();
    quint16 port() const;

private:
    struct Parts;
    Result<void> startSigma();
    Result<void> startLocalSentinel();

    Options m_options;
    std::unique_ptr<Parts> m_parts;
};

} // namespace vanopticon::daemon
