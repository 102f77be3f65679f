// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vanopticon.Console

// The live alert feed, newest first (the model keeps the order): severity colour, title, source
// address, host, occurrence count, score and when it was last seen.
Pane {
    id: feed

    required property AlertModel alerts

    padding: 0

    ListView {
        id: list
        objectName: "alertList"
        anchors.fill: parent
        model: feed.alerts
        clip: true
        spacing: 1
        ScrollBar.vertical: ScrollBar {}

        delegate: ItemDelegate {
            id: row

            required property real alertId
            required property string title
            required property string severity
            required property int score
            required property real count
            required property date lastSeen
            required property string host
            required property string sourceIp
            required property string status
            required property string actionSummary

            // One colour per severity: critical red, high orange, medium amber, low blue, else grey.
            readonly property color severityColor: {
                switch (severity) {
                case "critical":
                    return "#d32f2f"
                case "high":
                    return "#f57c00"
                case "medium":
                    return "#ffb300"
                case "low":
                    return "#1976d2"
                default:
                    return "#9e9e9e"
                }
            }
            readonly property string detail: {
                let parts = []
                if (sourceIp.length > 0)
                    parts.push(qsTr("from %1").arg(sourceIp))
                if (host.length > 0)
                    parts.push(qsTr("on %1").arg(host))
                if (status.length > 0)
                    parts.push(status)
                if (actionSummary.length > 0)
                    parts.push(actionSummary)
                return parts.join(" · ")
            }

            width: ListView.view.width

            contentItem: RowLayout {
                spacing: 10

                Rectangle {
                    objectName: "severityMarker"
                    color: row.severityColor
                    radius: 2
                    Layout.preferredWidth: 6
                    Layout.fillHeight: true
                }
                Label {
                    objectName: "severityLabel"
                    text: row.severity.toUpperCase()
                    color: row.severityColor
                    font.bold: true
                    Layout.preferredWidth: 70
                }
                ColumnLayout {
                    spacing: 2
                    Layout.fillWidth: true

                    Label {
                        objectName: "titleLabel"
                        text: row.title
                        font.bold: true
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        objectName: "detailLabel"
                        text: row.detail
                        opacity: 0.8
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }
                Label {
                    objectName: "countLabel"
                    text: qsTr("×%1").arg(row.count)
                    Layout.preferredWidth: 60
                    horizontalAlignment: Text.AlignRight
                }
                Label {
                    objectName: "scoreLabel"
                    text: qsTr("score %1").arg(row.score)
                    Layout.preferredWidth: 80
                    horizontalAlignment: Text.AlignRight
                }
                Label {
                    objectName: "lastSeenLabel"
                    text: Qt.formatDateTime(row.lastSeen, "yyyy-MM-dd HH:mm:ss")
                    Layout.preferredWidth: 150
                    horizontalAlignment: Text.AlignRight
                }
            }
        }
    }

    Label {
        anchors.centerIn: parent
        visible: list.count === 0
        text: qsTr("No alerts.")
        opacity: 0.6
    }
}
