// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "daemon/options.h"
#include "shared/core/result.h"

#include <QObject>

#include <memory>

namespace vanopticon::sentinel {
class Sentinel;
}

namespace vanopticon::daemon {

// The sentinel role: the agent of a monitored host, with its state under the data directory.
class SentinelApplication : public QObject {
    Q_OBJECT
public:
    explicit SentinelApplication(Options options, QObject *parent = nullptr);
    ~SentinelApplication() override;

    Result<void> start();

private:
    Options m_options;
    std::unique_ptr<sentinel::Sentinel> m_sentinel;
};

} // namespace vanopticon::daemon
