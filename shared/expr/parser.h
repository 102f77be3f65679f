// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/expr/expression.h"

// The two front ends of the expression language. Internal to shared/expr.
namespace vanopticon::expr {

using NodePtr = std::shared_ptr<const Expression::Node>;

Result<NodePtr> parseText(std::string_view text);
Result<NodePtr> buildFromConfig(const config::Section &section);

// Builds and checks one comparison (operator arity, regex validity, numeric values).
Result<NodePtr> makeComparison(std::string_view field, Operator op, std::vector<std::string> values);
std::optional<Operator> operatorFromName(std::string_view name);

} // namespace vanopticon::expr
