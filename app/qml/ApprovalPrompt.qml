// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vanopticon.Console

// The modal prompt for an action that waits for a human. It lives in the window's overlay, so it
// comes up above whatever view the analyst is on, and shows the head of the approval queue; when
// several decisions are waiting they are shown one after the other, oldest first. Approve and
// Deny need a reason (it goes to the audit log); what happens next is the client's business.
Popup {
    id: prompt

    required property ApprovalModel approvals
    // False for roles that may not decide: the queue is then only listed, never prompted.
    property bool active: true
    // Null-safe: at shutdown the model can go before the prompt does.
    readonly property int pendingCount: approvals ? approvals.count : 0
    readonly property var current: approvals ? approvals.current : ({})
    readonly property real currentId: approvals ? approvals.currentId : -1
    readonly property string reason: reasonField.text.trim()
    readonly property bool canSubmit: reason.length > 0 && current.submitting !== true

    signal approved(real decisionId, string reason)
    signal denied(real decisionId, string reason)

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(560, parent ? parent.width - 40 : 560)
    modal: true
    focus: true
    closePolicy: Popup.NoAutoClose
    visible: active && pendingCount > 0

    // A new decision at the head of the queue starts with an empty reason.
    onCurrentIdChanged: reasonField.clear()

    ColumnLayout {
        anchors.fill: parent
        spacing: 10

        RowLayout {
            Layout.fillWidth: true

            Label {
                text: qsTr("Approval required")
                font.pixelSize: 18
                font.bold: true
                Layout.fillWidth: true
            }
            Label {
                objectName: "queueLabel"
                text: qsTr("%1 of %2").arg(1).arg(prompt.pendingCount)
                opacity: 0.7
            }
        }

        GridLayout {
            columns: 2
            columnSpacing: 12
            rowSpacing: 6
            Layout.fillWidth: true

            Label {
                text: qsTr("Action")
                opacity: 0.7
            }
            Label {
                objectName: "actionLabel"
                text: prompt.current.action ?? ""
                font.bold: true
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("Target")
                opacity: 0.7
            }
            Label {
                objectName: "targetLabel"
                text: prompt.current.target ?? ""
                font.bold: true
                wrapMode: Text.WrapAnywhere
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("Risk")
                opacity: 0.7
            }
            Label {
                objectName: "riskLabel"
                text: prompt.current.risk ?? ""
                color: text === "high" || text === "critical" ? "#d32f2f" : palette.windowText
                font.bold: true
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("Policy")
                opacity: 0.7
            }
            Label {
                text: prompt.current.policy ?? ""
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("Rationale")
                opacity: 0.7
            }
            Label {
                objectName: "rationaleLabel"
                text: prompt.current.rationale ?? ""
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }

        TextField {
            id: reasonField
            objectName: "reasonField"
            placeholderText: qsTr("Reason (required; recorded in the audit log)")
            maximumLength: 2000
            focus: true
            Layout.fillWidth: true
        }

        RowLayout {
            Layout.fillWidth: true

            Label {
                text: prompt.current.submitting === true ? qsTr("Sending…") : ""
                Layout.fillWidth: true
            }
            Button {
                objectName: "denyButton"
                text: qsTr("Deny")
                enabled: prompt.canSubmit
                onClicked: prompt.denied(prompt.current.decisionId, prompt.reason)
            }
            Button {
                objectName: "approveButton"
                text: qsTr("Approve")
                enabled: prompt.canSubmit
                highlighted: true
                onClicked: prompt.approved(prompt.current.decisionId, prompt.reason)
            }
        }
    }
}
