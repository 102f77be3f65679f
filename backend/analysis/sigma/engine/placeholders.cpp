// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/placeholders.h"

#include "shared/config/section.h"

namespace vanopticon::analysis::sigma {

Result<Placeholders> loadPlaceholders(const std::string &path) {
    auto root = config::Section::loadFile(path);
    if (!root)
        return root.error();
    if (!root->isMap())
        return root->error("must be a map of placeholder name to a list of values");
    Placeholders placeholders;
    for (const auto &entry : root->node()) {
        if (!entry.first.IsScalar())
            return root->error("placeholder names must be text");
        const std::string name = entry.first.Scalar();
        auto values = root->strings(name);
        if (!values)
            return values.error();
        placeholders[name] = std::move(*values);
    }
    return placeholders;
}

} // namespace vanopticon::analysis::sigma
