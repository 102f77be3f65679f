// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/procconnector.h"

#include <QTest>

#include <cstring>
#include <vector>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

// Builds a datagram exactly as the kernel lays it out: nlmsghdr, cn_msg, proc_event.
class Datagram {
public:
    Datagram &add(
        const proc_event &event, std::uint32_t idx = CN_IDX_PROC, std::size_t eventBytes = sizeof(proc_event)) {
        const std::size_t start = m_bytes.size();
        const std::size_t length = NLMSG_HDRLEN + sizeof(cn_msg) + eventBytes;
        m_bytes.resize(start + NLMSG_ALIGN(length));
        nlmsghdr header {};
        header.nlmsg_len = std::uint32_t(length);
        header.nlmsg_type = NLMSG_DONE;
        cn_msg message {};
        message.id.idx = idx;
        message.id.val = CN_VAL_PROC;
        message.len = std::uint16_t(eventBytes);
        std::memcpy(m_bytes.data() + start, &header, sizeof header);
        std::memcpy(m_bytes.data() + start + NLMSG_HDRLEN, &message, sizeof message);
        std::memcpy(m_bytes.data() + start + NLMSG_HDRLEN + sizeof(cn_msg), &event, eventBytes);
        return *this;
    }
    std::vector<std::byte> &bytes() { return m_bytes; }

private:
    std::vector<std::byte> m_bytes;
};

proc_event forkEvent(int parent, int child, int childTgid) {
    proc_event event {};
    event.what = proc_event::PROC_EVENT_FORK;
    event.timestamp_ns = 1000;
    event.event_data.fork.parent_pid = parent;
    event.event_data.fork.parent_tgid = parent;
    event.event_data.fork.child_pid = child;
    event.event_data.fork.child_tgid = childTgid;
    return event;
}

proc_event execEvent(int pid) {
    proc_event event {};
    event.what = proc_event::PROC_EVENT_EXEC;
    event.timestamp_ns = 2000;
    event.event_data.exec.process_pid = pid;
    event.event_data.exec.process_tgid = pid;
    return event;
}

proc_event exitEvent(int pid, std::uint32_t status) {
    proc_event event {};
    event.what = proc_event::PROC_EVENT_EXIT;
    event.timestamp_ns = 3000;
    event.event_data.exit.process_pid = pid;
    event.event_data.exit.process_tgid = pid;
    event.event_data.exit.exit_code = status;
    event.event_data.exit.exit_signal = 17;
    return event;
}

struct Decoded {
    std::vector<ProcEvent> events;
    ProcConnectorDecodeStats stats;
};

Decoded decode(std::span<const std::byte> bytes) {
    Decoded decoded;
    decodeProcConnectorDatagram(bytes, decoded.events, decoded.stats);
    return decoded;
}

} // namespace

class TestProcConnector : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decodesForkExecExit() {
        Datagram datagram;
        datagram.add(forkEvent(100, 101, 101)).add(execEvent(101)).add(exitEvent(101, 3 << 8));
        const Decoded decoded = decode(datagram.bytes());
        QCOMPARE(decoded.stats.messages, 3u);
        QCOMPARE(decoded.stats.malformed, 0u);
        QCOMPARE(decoded.events.size(), std::size_t(3));
        const ProcEvent &fork = decoded.events[0];
        QVERIFY(fork.kind == ProcEvent::Kind::Fork);
        QCOMPARE(fork.parentTgid, 100);
        QCOMPARE(fork.pid, 101);
        QCOMPARE(fork.tgid, 101);
        QCOMPARE(fork.timestampNs, 1000u);
        QVERIFY(decoded.events[1].kind == ProcEvent::Kind::Exec);
        QCOMPARE(decoded.events[1].tgid, 101);
        QVERIFY(decoded.events[2].kind == ProcEvent::Kind::Exit);
        QCOMPARE(decoded.events[2].exitCode, 3u << 8);
    }

    void otherEventsAreKeptAsOther() {
        proc_event ack {};
        ack.what = proc_event::PROC_EVENT_NONE;
        proc_event uid {};
        uid.what = proc_event::PROC_EVENT_UID;
        Datagram datagram;
        datagram.add(ack).add(uid);
        const Decoded decoded = decode(datagram.bytes());
        QCOMPARE(decoded.events.size(), std::size_t(2));
        QVERIFY(decoded.events[0].kind == ProcEvent::Kind::Other);
        QVERIFY(decoded.events[1].kind == ProcEvent::Kind::Other);
    }

    void oldKernelExitRecordsAreAccepted() {
        // Before Linux 4.19 the exit record ended after exit_signal.
        using ExitEvent = decltype(proc_event::event_data.exit);
        Datagram datagram;
        datagram.add(exitEvent(55, 9), CN_IDX_PROC, offsetof(proc_event, event_data) + offsetof(ExitEvent, parent_pid));
        const Decoded decoded = decode(datagram.bytes());
        QCOMPARE(decoded.events.size(), std::size_t(1));
        QCOMPARE(decoded.events[0].tgid, 55);
        QCOMPARE(decoded.events[0].exitCode, 9u);
    }

    void malformedDatagramsAreCountedNotTrusted_data() {
        QTest::addColumn<int>("cut"); // bytes removed from the end
        QTest::addColumn<int>("lengthDelta"); // added to nlmsg_len
        QTest::addColumn<int>("cnLenDelta"); // added to cn_msg.len
        QTest::addRow("header only") << int(sizeof(proc_event) + sizeof(cn_msg)) << 0 << 0;
        QTest::addRow("shorter than a header") << int(sizeof(proc_event) + sizeof(cn_msg) + 4) << 0 << 0;
        QTest::addRow("length past the end") << 0 << 64 << 0;
        QTest::addRow("length below a header") << 0 << -int(sizeof(proc_event) + sizeof(cn_msg) + 4) << 0;
        QTest::addRow("connector length past the message") << 0 << 0 << 8;
        QTest::addRow("event cut short") << 0 << 0 << -int(sizeof(proc_event) - 16 - 4);
    }

    void malformedDatagramsAreCountedNotTrusted() {
        QFETCH(int, cut);
        QFETCH(int, lengthDelta);
        QFETCH(int, cnLenDelta);
        Datagram datagram;
        datagram.add(forkEvent(1, 2, 2));
        std::vector<std::byte> &bytes = datagram.bytes();
        bytes.resize(bytes.size() - std::size_t(cut));
        if (lengthDelta != 0 || cnLenDelta != 0) {
            nlmsghdr header {};
            std::memcpy(&header, bytes.data(), sizeof header);
            header.nlmsg_len = std::uint32_t(int(header.nlmsg_len) + lengthDelta);
            std::memcpy(bytes.data(), &header, sizeof header);
            cn_msg message {};
            std::memcpy(&message, bytes.data() + NLMSG_HDRLEN, sizeof message);
            message.len = std::uint16_t(int(message.len) + cnLenDelta);
            std::memcpy(bytes.data() + NLMSG_HDRLEN, &message, sizeof message);
        }
        const Decoded decoded = decode(bytes);
        QVERIFY(decoded.events.empty());
        QVERIFY(decoded.stats.malformed >= 1);
    }

    void anotherConnectorIsForeign() {
        Datagram datagram;
        datagram.add(execEvent(9), CN_IDX_PROC + 1);
        const Decoded decoded = decode(datagram.bytes());
        QVERIFY(decoded.events.empty());
        QCOMPARE(decoded.stats.foreign, 1u);
    }

    void everyPrefixOfARealDatagramIsSafe() {
        Datagram datagram;
        datagram.add(forkEvent(1, 2, 2)).add(execEvent(2));
        const std::vector<std::byte> bytes = datagram.bytes();
        for (std::size_t size = 0; size <= bytes.size(); ++size) {
            const Decoded decoded = decode(std::span(bytes.data(), size));
            QVERIFY(decoded.events.size() <= 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestProcConnector)
#include "tst_procconnector.moc"
