// SPDX-License-Identifier: Apache-2.0
#include "shared/core/prometheustext.h"

#include <cmath>
#include <cstdio>

namespace vanopticon {

namespace {

void appendEscaped(std::string &out, std::string_view value, bool quoteToo) {
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quoteToo)
            out += "\\\"";
        else
            out += c;
    }
}

void appendNumber(std::string &out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    char buffer[32];
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    else
        std::snprintf(buffer, sizeof buffer, "%.9g", value);
    out += buffer;
}

} // namespace

std::string PrometheusText::number(double value) {
    std::string out;
    appendNumber(out, value);
    return out;
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
    m_text += "# HELP ";
    m_text += name;
    m_text += ' ';
    appendEscaped(m_text, help, false);
    m_text += "\n# TYPE ";
    m_text += name;
    m_text += ' ';
    m_text += type;
    m_text += '\n';
}

void PrometheusText::sample(std::string_view name, double value, Labels labels) {
    m_text += name;
    if (labels.size() > 0) {
        m_text += '{';
        bool first = true;
        for (const auto &[label, labelValue] : labels) {
            if (!first)
                m_text += ',';
            first = false;
            m_text += label;
            m_text += "=\"";
            appendEscaped(m_text, labelValue, true);
            m_text += '"';
        }
        m_text += '}';
    }
    m_text += ' ';
    appendNumber(m_text, value);
    m_text += '\n';
}

} // namespace vanopticon
