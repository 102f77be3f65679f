// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/rule/readcontext.h"
#include "analysis/sigma/rule/sigmarule.h"

// One YAML document of a Sigma file (internal to rule/): a rule (`detection:`), a correlation
// (`correlation:`) or a filter (`filter:`), with the metadata all three share. Top-level keys the
// specification does not name are custom attributes: allowed and kept nowhere.
namespace vanopticon::analysis::sigma {

// Adds the document to `out`, or records the reason it does not validate in `context` (the
// caller turns it into a LoadFailure). A null document (blank, comments only) adds nothing.
void readDocument(ReadContext &context, const YAML::Node &root, RuleCollection &out);

} // namespace vanopticon::analysis::sigma
