// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shield/policy/policy.h"

#include <string>
#include <vector>

namespace vanopticon::shield {

// Loads `policies: [...]` from one YAML file, validating every field; errors name file:line.
Result<std::vector<Policy>> loadPolicies(const std::string &path);
// Every *.yaml / *.yml file of a directory, in name order; names must be unique across files.
Result<std::vector<Policy>> loadPolicyDirectory(const std::string &directory);

} // namespace vanopticon::shield
