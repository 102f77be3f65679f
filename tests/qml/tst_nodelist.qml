// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Vanopticon.Console

TestCase {
    id: testCase

    name: "NodeList"
    when: windowShown
    width: 900
    height: 400

    Component {
        id: modelComponent
        NodeModel {}
    }
    Component {
        id: listComponent
        NodeList {
            width: 900
            height: 400
        }
    }

    function init() {
        failOnWarning(/.*/)
    }

    function node(id, hostname, status) {
        return {
            "id": id, "hostname": hostname, "status": status, "enrolled_at": "2026-11-20T08:00:00.000Z",
            "last_heartbeat": "2026-11-23T10:00:00.000Z", "address": "192.0.2.10", "version": "0.1.0",
            "events_received": 42
        }
    }

    function part(list, row, name) {
        list.forceLayout()
        const item = list.itemAtIndex(row)
        verify(item, "row " + row)
        const found = findChild(item, name)
        verify(found, name)
        return found
    }

    function test_showsHostnameStatusAndHeartbeat() {
        const model = createTemporaryObject(modelComponent, testCase)
        const view = createTemporaryObject(listComponent, testCase, {"nodes": model})
        const list = findChild(view, "nodeList")
        model.replaceAll([node("node_b", "web-01", "online"), node("node_a", "db-01", "offline")])
        compare(list.count, 2)
        compare(part(list, 0, "hostnameLabel").text, "db-01")
        compare(part(list, 0, "statusLabel").text, "offline")
        compare(part(list, 1, "hostnameLabel").text, "web-01")
        const before = part(list, 0, "heartbeatLabel").text
        verify(before.indexOf("2026-11-23") >= 0, before)

        model.applyHeartbeat({"node_id": "node_a", "hostname": "db-01", "time": "2026-11-24T09:30:00.000Z",
                              "events_collected": 1, "events_sent": 1, "parse_errors": 0, "unacked_batches": 0})
        compare(part(list, 0, "statusLabel").text, "online")
        const after = part(list, 0, "heartbeatLabel").text
        compare(after, qsTr("heartbeat %1").arg(Qt.formatDateTime(new Date(Date.UTC(2026, 10, 24, 9, 30)),
                                                                  "yyyy-MM-dd HH:mm:ss")))
    }
}
