// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vanopticon.Console

// The queue of actions waiting for a human decision. Deciding happens in the approval prompt,
// which works through this queue oldest first.
Pane {
    id: queue

    required property ApprovalModel approvals
    property bool canDecide: false

    padding: 0

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Label {
            text: queue.canDecide ? qsTr("Each pending action is shown in the approval prompt, oldest first.")
                                  : qsTr("Your role can see pending actions but not approve or deny them.")
            opacity: 0.7
            padding: 8
            Layout.fillWidth: true
        }

        ListView {
            id: list
            objectName: "approvalList"
            model: queue.approvals
            clip: true
            spacing: 1
            Layout.fillWidth: true
            Layout.fillHeight: true
            ScrollBar.vertical: ScrollBar {}

            // A Control, not an ItemDelegate: the `action` role would clash with AbstractButton.action.
            delegate: Control {
                id: row

                required property real decisionId
                required property real alertId
                required property string policy
                required property string action
                required property string target
                required property string risk
                required property date requestedAt
                required property bool submitting

                width: ListView.view.width
                padding: 8

                contentItem: RowLayout {
                    spacing: 10

                    Label {
                        text: qsTr("%1 %2").arg(row.action).arg(row.target)
                        font.bold: true
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        text: qsTr("risk %1").arg(row.risk)
                        Layout.preferredWidth: 100
                    }
                    Label {
                        text: row.policy
                        opacity: 0.7
                        elide: Text.ElideRight
                        Layout.preferredWidth: 220
                    }
                    Label {
                        text: row.submitting ? qsTr("submitting…") : Qt.formatDateTime(row.requestedAt, "yyyy-MM-dd HH:mm:ss")
                        Layout.preferredWidth: 150
                    }
                }
            }
        }
    }

    Label {
        anchors.centerIn: parent
        visible: list.count === 0
        text: qsTr("Nothing waiting for approval.")
        opacity: 0.6
    }
}
