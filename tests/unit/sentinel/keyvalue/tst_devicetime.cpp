// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/devicetime.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include <cstdint>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

// Expected values come from QDateTime, an implementation of its own.
qint64 nsAt(int year, int month, int day, int hour, int minute, int second, int ms, int offsetSeconds) {
    const QDateTime time(QDate(year, month, day), QTime(hour, minute, second, ms), QTimeZone(offsetSeconds));
    return time.toMSecsSinceEpoch() * 1'000'000;
}

qint64 nsAtIso(const QString &iso) {
    return QDateTime::fromString(iso, Qt::ISODateWithMs).toMSecsSinceEpoch() * 1'000'000;
}

SyslogContext contextAt(const QString &nowIso, int utcOffsetSeconds) {
    SyslogContext context;
    context.nowNs = nsAtIso(nowIso);
    context.utcOffsetSeconds = utcOffsetSeconds;
    return context;
}

constexpr qint64 kNone = -1;

} // namespace

class TestDeviceTime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void deviceTime_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("now");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<qint64>("expected"); // kNone: refused

        const QString now = u"2025-09-17T14:00:00.000Z"_s;
        QTest::addRow("epoch ms") << u"1427881661000"_s << now << 0 << qint64(1427881661000) * 1'000'000;
        QTest::addRow("epoch ms, 16 digits") << u"1427881661000000"_s << now << 0 << kNone;
        QTest::addRow("epoch ms, 15 digits: past int64 nanoseconds") << u"999999999999999"_s << now << 0 << kNone;
        QTest::addRow("epoch ms, the last of 2200")
            << u"7289654399999"_s << now << 0 << qint64(7289654399999) * 1'000'000;
        QTest::addRow("epoch ms, 2201") << u"7289654400000"_s << now << 0 << kNone;
        QTest::addRow("with year") << u"Sep 17 2025 11:45:34"_s << now << 0 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("with year, single-digit day")
            << u"Sep 7 2025 11:45:34"_s << now << 0 << nsAt(2025, 9, 7, 11, 45, 34, 0, 0);
        QTest::addRow("with ms and zone")
            << u"Sep 17 2025 11:45:34.120 UTC"_s << now << 3600 << nsAt(2025, 9, 17, 11, 45, 34, 120, 0);
        QTest::addRow("numeric zone") << u"Sep 17 2025 11:45:34 -0430"_s << now << 0
                                      << nsAt(2025, 9, 17, 11, 45, 34, 0, -(4 * 3600 + 30 * 60));
        QTest::addRow("Z") << u"Sep 17 2025 11:45:34 Z"_s << now << 3600 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("no zone: the context's")
            << u"Sep 17 2025 11:45:34"_s << now << -7200 << nsAt(2025, 9, 17, 11, 45, 34, 0, -7200);
        QTest::addRow("no year: this year") << u"Sep 17 13:59:00"_s << now << 0 << nsAt(2025, 9, 17, 13, 59, 0, 0, 0);
        QTest::addRow("no year, up to a day ahead: this year")
            << u"Sep 18 13:59:00"_s << now << 0 << nsAt(2025, 9, 18, 13, 59, 0, 0, 0);
        QTest::addRow("no year, more than a day ahead: last year")
            << u"Sep 18 14:01:00"_s << now << 0 << nsAt(2024, 9, 18, 14, 1, 0, 0, 0);
        QTest::addRow("no year, December read in January")
            << u"Dec 31 23:59:59"_s << u"2026-01-01T00:00:10.000Z"_s << 0 << nsAt(2025, 12, 31, 23, 59, 59, 0, 0);
        QTest::addRow("no year, Feb 29: the last leap year")
            << u"Feb 29 12:00:00"_s << now << 0 << nsAt(2024, 2, 29, 12, 0, 0, 0, 0);
        QTest::addRow("Feb 29 of a common year") << u"Feb 29 2025 12:00:00"_s << now << 0 << kNone;
        QTest::addRow("hour 24") << u"Sep 17 2025 24:00:00"_s << now << 0 << kNone;
        QTest::addRow("minute 60") << u"Sep 17 2025 11:60:00"_s << now << 0 << kNone;
        QTest::addRow("unknown month") << u"Sept 17 2025 11:45:34"_s << now << 0 << kNone;
        QTest::addRow("unknown zone") << u"Sep 17 2025 11:45:34 CEST"_s << now << 0 << kNone;
        QTest::addRow("offset beyond 18 hours") << u"Sep 17 2025 11:45:34 +1900"_s << now << 0 << kNone;
        QTest::addRow("year before 1970") << u"Sep 17 1969 11:45:34"_s << now << 0 << kNone;
        QTest::addRow("year after 2200") << u"Sep 17 2201 11:45:34"_s << now << 0 << kNone;
        QTest::addRow("trailing text") << u"Sep 17 2025 11:45:34 GMT extra"_s << now << 0 << kNone;
        QTest::addRow("empty") << QString() << now << 0 << kNone;
        QTest::addRow("too long") << (u"Sep 17 2025 11:45:34."_s + QString(60, u'1')) << now << 0 << kNone;
    }
    void deviceTime() {
        QFETCH(QString, text);
        QFETCH(QString, now);
        QFETCH(int, utcOffset);
        QFETCH(qint64, expected);
        const auto time = parseDeviceTime(text.toStdString(), contextAt(now, utcOffset));
        QCOMPARE(time ? qint64(*time) : kNone, expected);
    }

    void javaTime_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<qint64>("expected");

        QTest::addRow("LEEF's default") << u"Sep 17 2025 11:45:34"_s << u"MMM dd yyyy HH:mm:ss"_s << 0
                                        << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("full month name") << u"September 17 2025 11:45:34"_s << u"MMMM dd yyyy HH:mm:ss"_s << 0
                                         << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("two-digit year") << u"17/09/25 11:45"_s << u"dd/MM/yy HH:mm"_s << 0
                                        << nsAt(2025, 9, 17, 11, 45, 0, 0, 0);
        QTest::addRow("k: 24 is midnight")
            << u"2025-09-17 24:00"_s << u"yyyy-MM-dd kk:mm"_s << 0 << nsAt(2025, 9, 17, 0, 0, 0, 0, 0);
        QTest::addRow("K with PM") << u"2025-09-17 11:30 PM"_s << u"yyyy-MM-dd KK:mm a"_s << 0
                                   << nsAt(2025, 9, 17, 23, 30, 0, 0, 0);
        QTest::addRow("12 AM is midnight")
            << u"2025-09-17 12:30 am"_s << u"yyyy-MM-dd hh:mm a"_s << 0 << nsAt(2025, 9, 17, 0, 30, 0, 0, 0);
        QTest::addRow("microseconds") << u"2025-09-17 11:45:34.123456"_s << u"yyyy-MM-dd HH:mm:ss.SSSSSS"_s << 0
                                      << nsAt(2025, 9, 17, 11, 45, 34, 123, 0) + 456'000;
        QTest::addRow("escaped quote") << u"'2025' 09 17 11:45:34"_s << u"''yyyy'' MM dd HH:mm:ss"_s << 0
                                       << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("zone name with offset") << u"2025-09-17 11:45:34 GMT+05:30"_s << u"yyyy-MM-dd HH:mm:ss z"_s << 0
                                               << nsAt(2025, 9, 17, 11, 45, 34, 0, 5 * 3600 + 1800);
        QTest::addRow("Z needs minutes") << u"2025-09-17 11:45:34 +05"_s << u"yyyy-MM-dd HH:mm:ss Z"_s << 0 << kNone;
        QTest::addRow("X takes hours alone") << u"2025-09-17 11:45:34 +05"_s << u"yyyy-MM-dd HH:mm:ss X"_s << 0
                                             << nsAt(2025, 9, 17, 11, 45, 34, 0, 5 * 3600);
        QTest::addRow("no year in the pattern")
            << u"09-17 11:45:34"_s << u"MM-dd HH:mm:ss"_s << 0 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("no day in the pattern") << u"2025-09"_s << u"yyyy-MM"_s << 0 << kNone;
        QTest::addRow("literal mismatch") << u"2025/09/17"_s << u"yyyy-MM-dd"_s << 0 << kNone;
        QTest::addRow("unclosed quote") << u"2025 T"_s << u"yyyy 'T"_s << 0 << kNone;
        QTest::addRow("unsupported letter") << u"2025 17"_s << u"yyyy w"_s << 0 << kNone;
        QTest::addRow("pattern too long") << u"2025"_s << (u"yyyy"_s + QString(61, u' ')) << 0 << kNone;
        QTest::addRow("13 o'clock on a 12-hour clock")
            << u"2025-09-17 13:00 PM"_s << u"yyyy-MM-dd hh:mm a"_s << 0 << kNone;
    }
    void javaTime() {
        QFETCH(QString, text);
        QFETCH(QString, pattern);
        QFETCH(int, utcOffset);
        QFETCH(qint64, expected);
        const auto time = parseJavaTime(
            text.toStdString(), pattern.toStdString(), contextAt(u"2025-09-17T14:00:00.000Z"_s, utcOffset));
        QCOMPARE(time ? qint64(*time) : kNone, expected);
    }

    void isoTime_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<qint64>("expected");
        QTest::addRow("Z") << u"2025-09-17T11:45:34Z"_s << 3600 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("lowercase") << u"2025-09-17t11:45:34z"_s << 3600 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0);
        QTest::addRow("offset") << u"2025-09-17T11:45:34.5-03:00"_s << 0
                                << nsAt(2025, 9, 17, 11, 45, 34, 500, -3 * 3600);
        QTest::addRow("nanoseconds, then more digits")
            << u"2025-09-17T11:45:34.123456789123Z"_s << 0 << nsAt(2025, 9, 17, 11, 45, 34, 123, 0) + 456'789;
        QTest::addRow("no zone") << u"2025-09-17 11:45:34"_s << -3600 << nsAt(2025, 9, 17, 11, 45, 34, 0, -3600);
        QTest::addRow("date only") << u"2025-09-17"_s << 0 << kNone;
        QTest::addRow("month 13") << u"2025-13-17T11:45:34Z"_s << 0 << kNone;
        QTest::addRow("fraction without digits") << u"2025-09-17T11:45:34.Z"_s << 0 << kNone;
    }
    void isoTime() {
        QFETCH(QString, text);
        QFETCH(int, utcOffset);
        QFETCH(qint64, expected);
        const auto time = parseIsoTime(text.toStdString(), contextAt(u"2025-09-17T14:00:00.000Z"_s, utcOffset));
        QCOMPARE(time ? qint64(*time) : kNone, expected);
    }
};

QTEST_GUILESS_MAIN(TestDeviceTime)
#include "tst_devicetime.moc"
