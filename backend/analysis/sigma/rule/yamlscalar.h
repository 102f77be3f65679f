// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/rule/sigmarule.h"
#include "shared/core/result.h"

#include <string_view>

namespace YAML {
class Node;
}

// Typing of YAML scalars for Sigma values, per the YAML 1.2 core schema (internal to rule/).
namespace vanopticon::analysis::sigma {

// What a plain (unquoted, untagged) scalar means: a number (decimal, 0x…, 0o…, float, .inf,
// .nan), a boolean (true/false in lower, capitalised or upper case), null (~, null, empty), or a
// string. YAML 1.1 forms (yes/no/on/off, 0777 octal, 1_000) are strings, as in YAML 1.2.
SigmaValue::Type plainScalarType(std::string_view text);

// A scalar or null node as a Sigma value: quoted and block scalars are strings, plain ones are
// typed, standard tags (!!str, !!int, !!float, !!bool, !!null) are honoured and checked. Other
// tags and non-scalar nodes are errors.
Result<SigmaValue> toSigmaValue(const YAML::Node &node);

} // namespace vanopticon::analysis::sigma
