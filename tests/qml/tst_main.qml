// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Vanopticon.Console

// The whole window comes up cleanly at its login view (no server is contacted before a login).
TestCase {
    id: testCase

    name: "Main"
    when: windowShown

    Component {
        id: mainComponent
        Main {
            serverUrl: "http://127.0.0.1:9"
            initialUsername: "analyst1"
        }
    }

    function init() {
        failOnWarning(/.*/)
    }

    function test_startsAtTheLoginView() {
        const window = createTemporaryObject(mainComponent, testCase)
        verify(window)
        tryCompare(window, "visible", true)
        const user = findChild(window.contentItem, "usernameField")
        const password = findChild(window.contentItem, "passwordField")
        const login = findChild(window.contentItem, "loginButton")
        verify(user && password && login)
        compare(user.text, "analyst1")
        compare(password.text, "")
        verify(!login.enabled, "no login without a password")
        password.text = "secret"
        verify(login.enabled)
        compare(window.title, "Vanopticon")
    }
}
