// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Vanopticon.Console

TestCase {
    id: testCase

    name: "AlertFeed"
    when: windowShown
    width: 900
    height: 600

    Component {
        id: modelComponent
        AlertModel {}
    }
    Component {
        id: feedComponent
        AlertFeed {
            width: 900
            height: 600
        }
    }

    function init() {
        failOnWarning(/.*/)
    }

    // An alert as docs/API.md shapes it.
    function alert(id, minute, severity, title) {
        const time = "2026-11-23T10:" + (minute < 10 ? "0" : "") + minute + ":00.000Z"
        return {
            "id": id, "rule_id": "ssh_brute_force", "title": title === undefined ? "Alert " + id : title,
            "severity": severity === undefined ? "high" : severity, "status": "open", "score": 70,
            "score_band": "high", "confidence": 1.0, "count": 9, "first_seen": time, "last_seen": time,
            "created_at": time, "updated_at": time, "node_id": "node_1", "host": "web-01",
            "group": {"SourceIp": "203.0.113.7"}, "actions": []
        }
    }

    function createFeed() {
        const model = createTemporaryObject(modelComponent, testCase)
        const feed = createTemporaryObject(feedComponent, testCase, {"alerts": model})
        verify(feed)
        const list = findChild(feed, "alertList")
        verify(list)
        return {"model": model, "feed": feed, "list": list}
    }

    function label(list, row, name) {
        list.forceLayout()
        const item = list.itemAtIndex(row)
        verify(item, "row " + row)
        const found = findChild(item, name)
        verify(found, name)
        return found
    }

    function titles(list) {
        list.forceLayout()
        const result = []
        for (let row = 0; row < list.count; ++row)
            result.push(label(list, row, "titleLabel").text)
        return result
    }

    function test_rowsAppearNewestFirst() {
        const f = createFeed()
        compare(f.list.count, 0)
        f.model.applyCreated(alert(1, 10, "high", "Ten"))
        f.model.applyCreated(alert(2, 20, "high", "Twenty"))
        f.model.applyCreated(alert(3, 15, "high", "Fifteen"))
        compare(f.list.count, 3)
        compare(titles(f.list), ["Twenty", "Fifteen", "Ten"])
    }

    function test_rowShowsTheAlert() {
        const f = createFeed()
        const json = alert(7, 15, "high", "SSH brute force")
        json.count = 12
        json.score = 81
        json.last_seen = "2026-11-23T10:15:30.123Z"
        f.model.applyCreated(json)
        compare(label(f.list, 0, "titleLabel").text, "SSH brute force")
        const detail = label(f.list, 0, "detailLabel").text
        verify(detail.indexOf("203.0.113.7") >= 0, detail)
        verify(detail.indexOf("web-01") >= 0, detail)
        compare(label(f.list, 0, "countLabel").text, "×12")
        compare(label(f.list, 0, "scoreLabel").text, "score 81")
        compare(label(f.list, 0, "severityLabel").text, "HIGH")
        compare(label(f.list, 0, "lastSeenLabel").text,
                Qt.formatDateTime(new Date(Date.UTC(2026, 10, 23, 10, 15, 30, 123)), "yyyy-MM-dd HH:mm:ss"))
    }

    function test_severityColour_data() {
        return [
            {"tag": "critical", "severity": "critical", "colour": "#d32f2f"},
            {"tag": "high", "severity": "high", "colour": "#f57c00"},
            {"tag": "medium", "severity": "medium", "colour": "#ffb300"},
            {"tag": "low", "severity": "low", "colour": "#1976d2"},
            {"tag": "info", "severity": "info", "colour": "#9e9e9e"},
            {"tag": "unknown", "severity": "weird", "colour": "#9e9e9e"}
        ]
    }
    function test_severityColour(data) {
        const f = createFeed()
        f.model.applyCreated(alert(1, 10, data.severity))
        const marker = label(f.list, 0, "severityMarker")
        verify(Qt.colorEqual(marker.color, data.colour), marker.color + " is not " + data.colour)
        verify(Qt.colorEqual(label(f.list, 0, "severityLabel").color, data.colour))
    }

    function test_updateMovesTheAlertToTheTop() {
        const f = createFeed()
        f.model.replaceAll([alert(1, 30, "high", "One"), alert(2, 20, "high", "Two"), alert(3, 10, "low", "Three")])
        compare(titles(f.list), ["One", "Two", "Three"])
        const update = alert(3, 40, "critical", "Three")
        update.count = 12
        f.model.applyUpdated(update)
        compare(f.list.count, 3)
        compare(titles(f.list), ["Three", "One", "Two"])
        compare(label(f.list, 0, "countLabel").text, "×12")
        verify(Qt.colorEqual(label(f.list, 0, "severityMarker").color, "#d32f2f"))
    }
}
