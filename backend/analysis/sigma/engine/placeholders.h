// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vanopticon::analysis::sigma {

// `expand` placeholders: name (without '%') → values.
using Placeholders = std::map<std::string, std::vector<std::string>, std::less<>>;

// A YAML file mapping each placeholder name to a list of values (`known_cdcs: [dc1, dc2]`).
Result<Placeholders> loadPlaceholders(const std::string &path);

} // namespace vanopticon::analysis::sigma
