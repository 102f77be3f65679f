// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Vanopticon.Console

TestCase {
    id: testCase

    name: "ApprovalPrompt"
    when: windowShown
    width: 800
    height: 600

    Component {
        id: modelComponent
        ApprovalModel {}
    }
    Component {
        id: promptComponent
        ApprovalPrompt {}
    }
    SignalSpy {
        id: approvedSpy
        signalName: "approved"
    }
    SignalSpy {
        id: deniedSpy
        signalName: "denied"
    }

    function init() {
        failOnWarning(/.*/)
    }

    // A decision as docs/API.md shapes it for approval.requested.
    function decision(id, minute, status) {
        return {
            "id": id, "alert_id": 7, "policy": "block_bruteforce_source", "action": "ip_block",
            "target": "203.0.113." + id, "parameters": {"address": "203.0.113." + id, "duration_seconds": 3600},
            "risk": "high", "rationale": "9 failed SSH logins in 60 s from one address",
            "status": status === undefined ? "pending" : status, "node_id": "node_1",
            "requested_at": "2026-11-23T10:" + (minute < 10 ? "0" : "") + minute + ":00.000Z",
            "decided_at": null, "decided_by": null, "reason": null, "result": null
        }
    }

    function createPrompt(active) {
        const model = createTemporaryObject(modelComponent, testCase)
        const prompt = createTemporaryObject(promptComponent, testCase,
                                             {"approvals": model, "active": active === undefined ? true : active})
        verify(prompt)
        approvedSpy.target = prompt
        approvedSpy.clear()
        deniedSpy.target = prompt
        deniedSpy.clear()
        return prompt
    }

    function part(prompt, name) {
        const item = findChild(prompt.contentItem, name)
        verify(item, name)
        return item
    }

    function typeReason(prompt, text) {
        const field = part(prompt, "reasonField")
        field.forceActiveFocus()
        for (let i = 0; i < text.length; ++i)
            keyClick(text[i] === " " ? Qt.Key_Space : text[i])
        compare(field.text, text)
    }

    function test_appearsWhenARequestArrives() {
        const prompt = createPrompt()
        verify(!prompt.visible)
        prompt.approvals.applyRequested(decision(3, 10))
        tryCompare(prompt, "opened", true)
        verify(prompt.modal)
        compare(part(prompt, "actionLabel").text, "ip_block")
        compare(part(prompt, "targetLabel").text, "203.0.113.3")
        compare(part(prompt, "riskLabel").text, "high")
        compare(part(prompt, "rationaleLabel").text, "9 failed SSH logins in 60 s from one address")
        compare(part(prompt, "queueLabel").text, "1 of 1")
    }

    function test_buttonsNeedAReason() {
        const prompt = createPrompt()
        prompt.approvals.applyRequested(decision(3, 10))
        tryCompare(prompt, "opened", true)
        const approve = part(prompt, "approveButton")
        const deny = part(prompt, "denyButton")
        verify(!approve.enabled)
        verify(!deny.enabled)
        mouseClick(approve)
        mouseClick(deny)
        compare(approvedSpy.count, 0)
        compare(deniedSpy.count, 0)

        typeReason(prompt, "   ")
        verify(!approve.enabled, "blanks are no reason")
        part(prompt, "reasonField").clear()
        typeReason(prompt, "ok")
        verify(approve.enabled)
        verify(deny.enabled)
    }

    function test_approveEmitsTheReason() {
        const prompt = createPrompt()
        prompt.approvals.applyRequested(decision(3, 10))
        tryCompare(prompt, "opened", true)
        typeReason(prompt, "confirmed brute force ")
        mouseClick(part(prompt, "approveButton"))
        compare(approvedSpy.count, 1)
        compare(deniedSpy.count, 0)
        compare(approvedSpy.signalArguments[0][0], 3)
        compare(approvedSpy.signalArguments[0][1], "confirmed brute force")
    }

    function test_denyEmitsTheReason() {
        const prompt = createPrompt()
        prompt.approvals.applyRequested(decision(5, 10))
        tryCompare(prompt, "opened", true)
        typeReason(prompt, "known scanner")
        mouseClick(part(prompt, "denyButton"))
        compare(deniedSpy.count, 1)
        compare(approvedSpy.count, 0)
        compare(deniedSpy.signalArguments[0][0], 5)
        compare(deniedSpy.signalArguments[0][1], "known scanner")
    }

    function test_requestsAreQueued() {
        const prompt = createPrompt()
        prompt.approvals.applyRequested(decision(3, 10))
        prompt.approvals.applyRequested(decision(4, 11))
        tryCompare(prompt, "opened", true)
        compare(part(prompt, "targetLabel").text, "203.0.113.3")
        compare(part(prompt, "queueLabel").text, "1 of 2")

        typeReason(prompt, "first")
        mouseClick(part(prompt, "approveButton"))
        compare(approvedSpy.signalArguments[0][0], 3)
        // The server confirms; the next decision takes its place, with an empty reason.
        prompt.approvals.applyDecided(decision(3, 10, "approved"))
        compare(part(prompt, "targetLabel").text, "203.0.113.4")
        compare(part(prompt, "queueLabel").text, "1 of 1")
        compare(part(prompt, "reasonField").text, "")
        verify(!part(prompt, "approveButton").enabled)
        verify(prompt.visible)

        typeReason(prompt, "second")
        mouseClick(part(prompt, "denyButton"))
        compare(deniedSpy.count, 1)
        compare(deniedSpy.signalArguments[0][0], 4)
        compare(deniedSpy.signalArguments[0][1], "second")
        prompt.approvals.applyDecided(decision(4, 11, "denied"))
        tryCompare(prompt, "visible", false)
    }

    function test_noSecondClickWhileSubmitting() {
        const prompt = createPrompt()
        prompt.approvals.applyRequested(decision(3, 10))
        tryCompare(prompt, "opened", true)
        typeReason(prompt, "block it")
        prompt.approvals.setSubmitting(3, true)
        verify(!part(prompt, "approveButton").enabled)
        verify(!part(prompt, "denyButton").enabled)
        prompt.approvals.setSubmitting(3, false)
        verify(part(prompt, "approveButton").enabled)
        compare(part(prompt, "reasonField").text, "block it")
    }

    function test_inactivePromptStaysClosed() {
        const prompt = createPrompt(false)
        prompt.approvals.applyRequested(decision(3, 10))
        compare(prompt.approvals.count, 1)
        verify(!prompt.visible)
        prompt.active = true
        tryCompare(prompt, "opened", true)
    }
}
