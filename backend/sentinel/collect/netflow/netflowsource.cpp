// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/netflowsource.h"

#include <QJsonArray>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <span>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

IpAddress toIpAddress(const QHostAddress &address) {
    std::array<std::uint8_t, 16> bytes {};
    bool v4 = false;
    // IPv4 senders reach a dual-stack socket as ::ffff:a.b.c.d: they are IPv4 exporters.
    const quint32 ip4 = address.toIPv4Address(&v4);
    if (v4) {
        bytes[0] = std::uint8_t(ip4 >> 24);
        bytes[1] = std::uint8_t(ip4 >> 16);
        bytes[2] = std::uint8_t(ip4 >> 8);
        bytes[3] = std::uint8_t(ip4);
        return IpAddress::fromBytes(IpAddress::Family::V4, bytes);
    }
    const Q_IPV6ADDR ip6 = address.toIPv6Address();
    std::copy(std::begin(ip6.c), std::end(ip6.c), bytes.begin());
    return IpAddress::fromBytes(IpAddress::Family::V6, bytes);
}

QString text(const IpAddress &address) {
    return QString::fromStdString(address.toString());
}

QJsonObject statsJson(const ExporterStats &stats) {
    return QJsonObject {{u"packets"_s, qint64(stats.packets)}, {u"flows"_s, qint64(stats.flows)},
        {u"options_records"_s, qint64(stats.optionsRecords)}, {u"templates"_s, qint64(stats.templates)},
        {u"templates_redefined"_s, qint64(stats.templatesRedefined)},
        {u"templates_withdrawn"_s, qint64(stats.templatesWithdrawn)}, {u"held"_s, qint64(stats.held)},
        {u"released"_s, qint64(stats.released)}, {u"expired_held"_s, qint64(stats.expiredHeld)},
        {u"malformed"_s, qint64(stats.malformed)}, {u"bad_sets"_s, qint64(stats.badSets)},
        {u"last_seen_ns"_s, qint64(stats.lastSeenNs)},
        {u"last_failure"_s, QString::fromUtf8(stats.lastFailure.data(), qsizetype(stats.lastFailure.size()))}};
}

} // namespace

std::int64_t NetflowSource::systemNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

NetflowSource::NetflowSource(NetflowConfig config, Clock clock, QObject *parent)
    : Source("netflow:" + config.listen(), parent)
    , m_config(std::move(config))
    , m_clock(std::move(clock))
    , m_decoder(m_config.limits)
    , m_buffer(kMaxDatagramBytes) {
    connect(&m_socket, &QUdpSocket::readyRead, this, &NetflowSource::readDatagrams);
    // Held data is given up after max_age even when no datagram comes to trigger it.
    const auto quarter = std::chrono::milliseconds(m_config.limits.pending.maxAgeNs / 4'000'000);
    m_expireTimer.setInterval(std::clamp(quarter, std::chrono::milliseconds(250), std::chrono::milliseconds(5000)));
    connect(&m_expireTimer, &QTimer::timeout, this, &NetflowSource::expireHeld);
}

NetflowSource::~NetflowSource() = default;

void NetflowSource::start() {
    if (isListening())
        return;
    // "::" is taken to mean every address, IPv4 included (Qt binds a plain "::" IPv6-only).
    const QHostAddress address = m_config.address == "::" ? QHostAddress(QHostAddress::Any)
                                                          : QHostAddress(QString::fromStdString(m_config.address));
    // DontShareAddress: a second collector on the same port would silently take half the datagrams.
    if (!m_socket.bind(address, m_config.port, QAbstractSocket::DontShareAddress)) {
        m_lastError = "cannot listen on " + m_config.listen() + ": " + m_socket.errorString().toStdString();
        qWarning("%s: %s", name().c_str(), m_lastError.c_str());
        return;
    }
    m_lastError.clear();
    if (m_config.receiveBufferBytes > 0)
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, qint64(m_config.receiveBufferBytes));
    m_expireTimer.start();
}

void NetflowSource::stop() {
    m_expireTimer.stop();
    m_socket.close();
}

void NetflowSource::expireHeld() {
    m_decoder.expire(m_clock());
}

void NetflowSource::readDatagrams() {
    m_readScheduled = false;
    Delivery delivery;
    std::array<char, INET6_ADDRSTRLEN> exporterText {};
    for (int i = 0; i < kMaxDatagramsPerWake && m_socket.hasPendingDatagrams(); ++i) {
        QHostAddress sender;
        const qint64 size = m_socket.readDatagram(m_buffer.data(), qint64(m_buffer.size()), &sender);
        if (size < 0)
            break;
        ++m_counters.in;
        const IpAddress exporter = toIpAddress(sender);
        m_records.clear();
        const NetflowPacketSummary summary
            = m_decoder.decode(std::span(reinterpret_cast<const std::uint8_t *>(m_buffer.data()), std::size_t(size)),
                exporter, m_clock(), m_records);
        if (!summary.ok())
            ++m_counters.errors;
        if (m_records.empty())
            continue;
        const char *written = ::inet_ntop(
            exporter.isV4() ? AF_INET : AF_INET6, exporter.bytes().data(), exporterText.data(), exporterText.size());
        const std::string_view exporterView = written != nullptr ? std::string_view(written) : std::string_view();
        for (const FlowRecord &record : m_records) {
            if (record.kind != FlowRecord::Kind::Flow)
                continue;
            if (isBackedUp()) {
                ++m_droppedEvents;
                ++m_counters.dropped;
                continue;
            }
            m_writer.append(record, exporterView, delivery.events);
        }
    }
    if (!delivery.events.empty())
        deliver(std::move(delivery));
    // Leave the rest for the next turn of the event loop, so that a flood cannot starve it.
    if (m_socket.hasPendingDatagrams() && !m_readScheduled) {
        m_readScheduled = true;
        QTimer::singleShot(0, this, &NetflowSource::readDatagrams);
    }
}

QJsonObject NetflowSource::status() const {
    QJsonObject status = Source::status();
    status.insert(u"listen"_s, QString::fromStdString(m_config.listen()));
    status.insert(u"listening"_s, isListening());
    status.insert(u"port"_s, int(localPort()));
    status.insert(u"error"_s, QString::fromStdString(m_lastError));
    status.insert(u"backed_up"_s, isBackedUp());
    status.insert(u"dropped_events"_s, qint64(m_droppedEvents));
    status.insert(u"templates"_s, qint64(m_decoder.templates().size()));
    status.insert(u"templates_evicted"_s, qint64(m_decoder.templates().evicted()));
    status.insert(u"pending_packets"_s, qint64(m_decoder.pending().packets()));
    status.insert(u"pending_sets"_s, qint64(m_decoder.pending().sets()));
    status.insert(u"pending_bytes"_s, qint64(m_decoder.pending().bytes()));
    QJsonArray exporters;
    for (const auto &[address, stats] : m_decoder.exporters()) {
        QJsonObject entry = statsJson(stats);
        entry.insert(u"exporter"_s, text(address));
        exporters.append(entry);
    }
    status.insert(u"exporters"_s, exporters);
    status.insert(u"other_exporters"_s, statsJson(m_decoder.others()));
    QJsonArray failures;
    for (const NetflowFailure &failure : m_decoder.recentFailures()) {
        failures.append(QJsonObject {{u"exporter"_s, text(failure.exporter)},
            {u"reason"_s, QString::fromUtf8(failure.reason.data(), qsizetype(failure.reason.size()))},
            {u"bytes"_s, qint64(failure.bytes)}, {u"at_ns"_s, qint64(failure.atNs)}});
    }
    status.insert(u"recent_failures"_s, failures);
    return status;
}

} // namespace vanopticon::sentinel
