// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vanopticon.Console

// The fleet: every enrolled sentinel with its status and last heartbeat.
Pane {
    id: fleet

    required property NodeModel nodes

    padding: 0

    ListView {
        id: list
        objectName: "nodeList"
        anchors.fill: parent
        model: fleet.nodes
        clip: true
        spacing: 1
        ScrollBar.vertical: ScrollBar {}

        delegate: ItemDelegate {
            id: row

            required property string nodeId
            required property string hostname
            required property string status
            required property date lastHeartbeat
            required property string version
            required property real eventsReceived

            width: ListView.view.width

            contentItem: RowLayout {
                spacing: 10

                Rectangle {
                    objectName: "statusDot"
                    implicitWidth: 10
                    implicitHeight: 10
                    radius: 5
                    color: row.status === "online" ? "#2e7d32" : "#9e9e9e"
                }
                Label {
                    objectName: "hostnameLabel"
                    text: row.hostname.length > 0 ? row.hostname : row.nodeId
                    font.bold: true
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "statusLabel"
                    text: row.status
                    Layout.preferredWidth: 70
                }
                Label {
                    objectName: "heartbeatLabel"
                    text: isNaN(row.lastHeartbeat.getTime()) ? qsTr("no heartbeat yet")
                                                             : qsTr("heartbeat %1").arg(Qt.formatDateTime(row.lastHeartbeat, "yyyy-MM-dd HH:mm:ss"))
                    Layout.preferredWidth: 220
                }
                Label {
                    text: row.version
                    opacity: 0.7
                    Layout.preferredWidth: 80
                }
                Label {
                    text: qsTr("%1 events").arg(row.eventsReceived)
                    opacity: 0.7
                    horizontalAlignment: Text.AlignRight
                    Layout.preferredWidth: 120
                }
            }
        }
    }

    Label {
        anchors.centerIn: parent
        visible: list.count === 0
        text: qsTr("No nodes enrolled.")
        opacity: 0.6
    }
}
