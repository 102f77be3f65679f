// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vanopticon.Console

// The console window: the login view until a session exists, then the alert feed, the fleet and
// the approval queue. The approval prompt sits in the window's overlay, above whichever view is
// showing, so a risky action waiting for a human is never missed.
ApplicationWindow {
    id: window

    property url serverUrl: "http://127.0.0.1:8470"
    property string initialUsername: "admin"
    property string initialPassword: ""

    width: 1200
    height: 760
    visible: true
    title: backend.loggedIn ? qsTr("Vanopticon — %1 (%2)").arg(backend.username).arg(backend.role) : qsTr("Vanopticon")

    BackendClient {
        id: backend
        serverUrl: window.serverUrl
    }

    header: ToolBar {
        visible: backend.loggedIn

        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 8
            spacing: 12

            Rectangle {
                implicitWidth: 10
                implicitHeight: 10
                radius: 5
                color: backend.connected ? "#2e7d32" : "#c62828"
            }
            Label {
                text: backend.connected
                      ? (backend.transport === "websocket" ? qsTr("Live (WebSocket)") : qsTr("Live (SSE)"))
                      : qsTr("Reconnecting…")
            }
            Label {
                text: qsTr("Loading…")
                visible: backend.loading
                opacity: 0.7
            }
            Label {
                text: qsTr("%n message(s) dropped", "", backend.droppedMessages)
                visible: backend.droppedMessages > 0
                color: "#f57c00"
            }
            Label {
                Layout.fillWidth: true
                text: backend.lastError
                color: "#c62828"
                elide: Text.ElideRight
            }
            Label {
                text: qsTr("%1 · %2").arg(backend.username).arg(backend.role)
            }
            ToolButton {
                text: qsTr("Reload")
                onClicked: backend.reload()
            }
            ToolButton {
                text: qsTr("Log out")
                onClicked: backend.logout()
            }
        }
    }

    StackLayout {
        anchors.fill: parent
        currentIndex: backend.loggedIn ? 1 : 0

        LoginView {
            client: backend
            username: window.initialUsername
            password: window.initialPassword
        }

        ColumnLayout {
            spacing: 0

            TabBar {
                id: tabs
                Layout.fillWidth: true

                TabButton {
                    text: qsTr("Alerts (%1)").arg(backend.alerts.count)
                }
                TabButton {
                    text: qsTr("Nodes (%1)").arg(backend.nodes.count)
                }
                TabButton {
                    text: qsTr("Approvals (%1)").arg(backend.approvals.count)
                }
            }

            StackLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                currentIndex: tabs.currentIndex

                AlertFeed {
                    alerts: backend.alerts
                }
                NodeList {
                    nodes: backend.nodes
                }
                ApprovalList {
                    approvals: backend.approvals
                    canDecide: backend.canDecide
                }
            }
        }
    }

    ApprovalPrompt {
        approvals: backend.approvals
        active: backend.loggedIn && backend.canDecide
        onApproved: (decisionId, reason) => backend.approve(decisionId, reason)
        onDenied: (decisionId, reason) => backend.deny(decisionId, reason)
    }
}
