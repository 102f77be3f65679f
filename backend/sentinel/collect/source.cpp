// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/source.h"

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

Source::Source(std::string name, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name)) {
}

Result<void> Source::resume(std::string_view) {
    return {};
}

QJsonObject Source::status() const {
    return QJsonObject {{u"name"_s, QString::fromStdString(m_name)}, {u"in"_s, qint64(m_counters.in)},
        {u"out"_s, qint64(m_counters.out)}, {u"dropped"_s, qint64(m_counters.dropped)},
        {u"errors"_s, qint64(m_counters.errors)}};
}

void Source::deliver(Delivery &&delivery) {
    m_counters.out += delivery.events.size();
    if (m_sink)
        m_sink(std::move(delivery));
}

} // namespace vanopticon::sentinel
