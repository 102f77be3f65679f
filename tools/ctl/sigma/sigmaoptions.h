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

// `--rules DIR…` as written: each `--rules` takes one path, so the directories and YAML files
// that follow it among the positional arguments are rule paths too.
bool isRulePath(const QString &path);

} // namespace vanopticon::ctl
