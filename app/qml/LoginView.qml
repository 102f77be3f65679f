// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vanopticon.Console

// Asks for the user name and password and hands them to the client; shows why a login failed.
Pane {
    id: view

    required property BackendClient client
    property alias username: userField.text
    property alias password: passwordField.text

    function submit() {
        if (loginButton.enabled)
            view.client.login(userField.text, passwordField.text)
    }

    readonly property bool loggedIn: client.loggedIn

    // The password has served its purpose once the session exists.
    onLoggedInChanged: {
        if (loggedIn)
            passwordField.clear()
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(360, view.availableWidth)
        spacing: 10

        Label {
            text: qsTr("Vanopticon")
            font.pixelSize: 28
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }
        Label {
            text: qsTr("Server: %1").arg(view.client.serverUrl)
            opacity: 0.7
            horizontalAlignment: Text.AlignHCenter
            elide: Text.ElideMiddle
            Layout.fillWidth: true
        }
        TextField {
            id: userField
            objectName: "usernameField"
            placeholderText: qsTr("User name")
            Layout.fillWidth: true
            onAccepted: passwordField.forceActiveFocus()
        }
        TextField {
            id: passwordField
            objectName: "passwordField"
            placeholderText: qsTr("Password")
            echoMode: TextInput.Password
            Layout.fillWidth: true
            onAccepted: view.submit()
        }
        Button {
            id: loginButton
            objectName: "loginButton"
            text: view.client.busy ? qsTr("Logging in…") : qsTr("Log in")
            enabled: !view.client.busy && userField.text.trim().length > 0 && passwordField.text.length > 0
            Layout.fillWidth: true
            onClicked: view.submit()
        }
        Label {
            text: view.client.lastError
            color: "#c62828"
            wrapMode: Text.Wrap
            visible: text.length > 0
            Layout.fillWidth: true
        }
    }
}
