// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/lineparser.h"

#include <QJsonObject>

namespace vanopticon::sentinel {

// A LineParser's figures for a source's status(): events per recognised format, typed events,
// what was refused (with the latest reasons) and what records carried that could not be kept.
QJsonObject lineParserStatus(const LineParser &parser);

} // namespace vanopticon::sentinel
