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

    // type: counter, gauge or histogram (whose _bucket, _sum and _count samples the caller writes).
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, double value, Labels labels = {});
    // A value as the format writes it (for a histogram's `le` label).
    static std::string number(double value);

    const std::string &text() const { return m_text; }

private:
    std::string m_text;
};

} // namespace vanopticon
