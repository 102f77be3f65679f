// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/engine/sigmadetector.h"
#include "shared/core/result.h"

#include <QCommandLineParser>
#include <QStringList>

namespace vanopticon::ctl {

// The options every `sigma` command and `bench sigma` share: --logsources FILE,
// --placeholders FILE, --keyword-field NAME…, --logsource category:X,product:Y,service:Z.
struct SigmaCommandOptions {
    static void addTo(QCommandLineParser &parser);
    static Result<analysis::sigma::SigmaOptions> read(const QCommandLineParser &parser, const QStringList &rulePaths);
};

} // namespace vanopticon::ctl
