// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/mispevent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>

namespace vanopticon::sentinel {

namespace {

struct Reader {
    bool toIdsOnly;
    FeedContents contents;
    std::map<std::string, std::uint64_t> skippedTypes; // summarised in the notes at the end
    std::uint64_t notForDetection = 0;

    static bool flag(const QJsonValue &value) {
        if (value.isBool())
            return value.toBool();
        if (value.isDouble())
            return value.toInt() != 0;
        const QString text = value.toString();
        return text == u"1" || text == u"true";
    }

    void add(std::optional<Indicator> indicator, const std::string &type, std::string_view value) {
        if (!indicator) {
            ++contents.skipped;
            contents.note("attribute " + type + ": '" + std::string(value.substr(0, 80)) + "' is not a valid value");
            return;
        }
        contents.indicators.push_back(std::move(*indicator));
    }

    void attribute(const QJsonObject &object) {
        const std::string type = object.value(u"type").toString().toStdString();
        const std::string value = object.value(u"value").toString().toStdString();
        if (flag(object.value(u"deleted"))) {
            ++contents.skipped;
            return;
        }
        if (toIdsOnly && !flag(object.value(u"to_ids"))) {
            ++contents.skipped;
            ++notForDetection;
            return;
        }
        // Composite types hold two values: "first|second".
        const std::size_t bar = value.find('|');
        const std::string_view first = std::string_view(value).substr(0, bar);
        const std::string_view second
            = bar == std::string::npos ? std::string_view() : std::string_view(value).substr(bar + 1);

        if (type == "ip-src" || type == "ip-dst")
            add(ipIndicator(value), type, value);
        else if (type == "ip-src|port" || type == "ip-dst|port")
            add(ipIndicator(first), type, value);
        else if (type == "domain")
            add(domainIndicator(value, true), type, value);
        else if (type == "hostname")
            add(domainIndicator(value, false), type, value);
        else if (type == "hostname|port")
            add(domainIndicator(first, false), type, value);
        else if (type == "domain|ip") {
            add(domainIndicator(first, true), type, value);
            add(ipIndicator(second), type, value);
        } else if (type == "md5" || type == "sha1" || type == "sha256" || type == "sha512")
            add(hashIndicator(value), type, value);
        else if (type == "filename|md5" || type == "filename|sha1" || type == "filename|sha256"
            || type == "filename|sha512")
            add(hashIndicator(second), type, value);
        else if (type == "url" || type == "link")
            add(urlIndicator(value), type, value);
        else {
            ++contents.skipped;
            ++skippedTypes[type.substr(0, 40)];
        }
    }

    void attributes(const QJsonValue &list) {
        for (const QJsonValue &item : list.toArray())
            attribute(item.toObject());
    }

    // An event object: its own attributes and those of its objects.
    void event(const QJsonObject &object) {
        attributes(object.value(u"Attribute"));
        for (const QJsonValue &item : object.value(u"Object").toArray())
            attributes(item.toObject().value(u"Attribute"));
    }

    static bool isEvent(const QJsonObject &object) {
        return object.contains(u"Attribute") || object.contains(u"Object");
    }

    // Returns false when the value holds nothing MISP-shaped.
    bool any(const QJsonValue &value) {
        if (value.isArray()) {
            bool found = false;
            for (const QJsonValue &item : value.toArray())
                found = any(item) || found;
            return found;
        }
        const QJsonObject object = value.toObject();
        if (object.contains(u"Event") && object.value(u"Event").isObject()) {
            event(object.value(u"Event").toObject());
            return true;
        }
        if (object.contains(u"response"))
            return any(object.value(u"response"));
        if (isEvent(object)) {
            event(object);
            return true;
        }
        return false;
    }
};

} // namespace

Result<FeedContents> parseMispEvent(std::string_view json, bool toIdsOnly) {
    QJsonParseError error {};
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())), &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(
            "not JSON: " + error.errorString().toStdString() + " at offset " + std::to_string(error.offset));
    Reader reader {toIdsOnly, {}, {}, 0};
    const QJsonValue root = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    if (!reader.any(root))
        return makeError("not a MISP event or attribute list (no Event, Attribute or Object)");
    for (const auto &[type, count] : reader.skippedTypes)
        reader.contents.note(
            std::to_string(count) + " attribute(s) of type '" + type + "' (not an address, domain, hash or URL)");
    if (reader.notForDetection > 0)
        reader.contents.note(std::to_string(reader.notForDetection) + " attribute(s) without to_ids");
    return std::move(reader.contents);
}

} // namespace vanopticon::sentinel
