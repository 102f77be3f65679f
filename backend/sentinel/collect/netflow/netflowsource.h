// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/netflow/floweventwriter.h"
#include "sentinel/collect/netflow/netflowconfig.h"
#include "sentinel/collect/netflow/netflowdecoder.h"
#include "sentinel/collect/source.h"

#include <QTimer>
#include <QUdpSocket>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// `type: netflow`: a UDP socket receiving NetFlow v1/v5/v9 and IPFIX exports; every flow becomes
// a `network_connection` event. A UDP source cannot make exporters wait: when the pipeline is
// backed up it keeps reading (so templates are still learnt), drops the flow events and counts
// them. Counters per exporter: packets, flows, templates, held, expired held, malformed.
class NetflowSource : public Source {
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>; // UTC ns since the epoch
    static std::int64_t systemNowNs();

    // Datagrams read per wake-up before the event loop gets a turn.
    static constexpr int kMaxDatagramsPerWake = 256;
    static constexpr std::size_t kMaxDatagramBytes = 65536;

    explicit NetflowSource(NetflowConfig config, Clock clock = systemNowNs, QObject *parent = nullptr);
    ~NetflowSource() override;

    // Binds the socket; a failure is logged and shown by status() and lastError().
    void start() override;
    void stop() override;
    bool canPause() const override { return false; }
    QJsonObject status() const override;

    bool isListening() const { return m_socket.state() == QAbstractSocket::BoundState; }
    quint16 localPort() const { return m_socket.localPort(); }
    const std::string &lastError() const { return m_lastError; }
    const NetflowConfig &config() const { return m_config; }
    const NetflowDecoder &decoder() const { return m_decoder; }
    std::uint64_t droppedEvents() const { return m_droppedEvents; }

private:
    void readDatagrams();
    void expireHeld();

    NetflowConfig m_config;
    Clock m_clock;
    NetflowDecoder m_decoder;
    FlowEventWriter m_writer;
    QUdpSocket m_socket;
    QTimer m_expireTimer;
    std::vector<char> m_buffer;
    std::vector<FlowRecord> m_records; // reused from datagram to datagram
    std::string m_lastError;
    bool m_readScheduled = false;
    std::uint64_t m_droppedEvents = 0;
};

} // namespace vanopticon::sentinel
