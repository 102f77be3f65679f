// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"
#include "shared/core/utf8.h"
#include "shared/event/event.h"
#include "shared/wire/codec.h"

#include <QTest>

#include <cstddef>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

// Random damage to real records, for the parsers of the key=value family (CEF, LEEF, key=value).
namespace damagedrecords {

using Parse = std::function<vanopticon::sentinel::ParseOutcome(std::string_view, vanopticon::EventBatch &)>;

// A copy of the record with one to four edits: a byte replaced by any byte, a run of bytes
// removed, or one of the format's own special characters inserted.
inline std::string damage(std::string record, std::mt19937 &random, std::string_view specials) {
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !record.empty(); ++e) {
        const std::size_t at = random() % record.size();
        switch (random() % 3) {
        case 0:
            record[at] = static_cast<char>(random() % 256);
            break;
        case 1:
            record.erase(at, 1 + random() % 8);
            break;
        default:
            record.insert(at, 1, specials[random() % specials.size()]);
        }
    }
    return record;
}

// What holds for any input: an event is appended exactly when the parser says so; a refusal has a
// reason and leaves the batch as it was; an event's raw is the record, its field names are field
// names and its values UTF-8 (the wire carries them as protobuf strings).
inline void checkOne(std::string_view record, const Parse &parse, vanopticon::EventBatch &batch, bool &accepted) {
    const std::size_t events = batch.size();
    const std::size_t arena = batch.arenaBytes();
    const vanopticon::sentinel::ParseOutcome outcome = parse(record, batch);
    accepted = outcome.ok();
    if (!outcome) {
        QVERIFY(!outcome.failure.empty());
        QCOMPARE(batch.size(), events);
        QCOMPARE(batch.arenaBytes(), arena);
        return;
    }
    QCOMPARE(batch.size(), events + 1);
    const vanopticon::Event &event = batch.events().back();
    QVERIFY(event.value(vanopticon::field::Raw) == record);
    for (const vanopticon::Field &f : event.fields()) {
        QVERIFY2(vanopticon::wire::isAcceptableFieldName(vanopticon::fieldName(f.id)),
            std::string(vanopticon::fieldName(f.id)).c_str());
        QVERIFY2(vanopticon::isValidUtf8(f.value), std::string(vanopticon::fieldName(f.id)).c_str());
    }
}

// Every prefix of each record, then `rounds` damaged copies of them. Both outcomes must occur:
// damage that is never refused, or never accepted, tests nothing.
inline void check(const std::vector<std::string> &records, std::string_view specials, const Parse &parse, int rounds,
    std::uint32_t seed) {
    vanopticon::EventBatch batch;
    std::size_t checked = 0;
    // A batch of a source's size, not one that holds every record tried.
    const auto next = [&batch, &checked]() -> vanopticon::EventBatch & {
        if (++checked % 1000 == 0)
            batch = vanopticon::EventBatch();
        return batch;
    };
    bool accepted = false;
    for (const std::string &record : records) {
        checkOne(record, parse, next(), accepted);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(accepted, record.c_str());
        for (std::size_t length = 0; length < record.size(); ++length) {
            checkOne(std::string_view(record).substr(0, length), parse, next(), accepted);
            if (QTest::currentTestFailed())
                return;
        }
    }
    std::mt19937 random(seed);
    int acceptedCount = 0;
    for (int round = 0; round < rounds; ++round) {
        const std::string damaged = damage(records[random() % records.size()], random, specials);
        checkOne(damaged, parse, next(), accepted);
        if (QTest::currentTestFailed())
            return;
        acceptedCount += accepted ? 1 : 0;
    }
    QVERIFY2(acceptedCount > 0 && acceptedCount < rounds, std::to_string(acceptedCount).c_str());
}

} // namespace damagedrecords
