// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace vanopticon {

// Builds the Prometheus text exposition format (version 0.0.4): a HELP and TYPE line per
// family, then its samples. Label values are escaped (backslash, quote, newline), so values
// from rules and events cannot break a line.
class PrometheusText {
public:
    using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

    // type: counter or gauge.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, double value, Labels labels = {});

    const std::string &text() const { return m_text; }

private:
    std::string m_text;
};

} // namespace vanopticon
