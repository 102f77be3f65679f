// SPDX-License-Identifier: Apache-2.0
#include "analysis/score/threatscorer.h"
#include "shared/config/section.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace vanopticon;
using namespace vanopticon::analysis;

Q_DECLARE_METATYPE(vanopticon::Severity)
Q_DECLARE_METATYPE(vanopticon::analysis::DetectionKind)

namespace {
ScoredDetection detection(std::string_view ruleId, DetectionKind kind, Severity severity, double confidence = 1.0) {
    return ScoredDetection {ruleId, kind, severity, confidence};
}
} // namespace

class TestThreatScorer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bands_data() {
        QTest::addColumn<int>("score");
        QTest::addColumn<QString>("band");
        QTest::addRow("0") << 0 << "low";
        QTest::addRow("20") << 20 << "low";
        QTest::addRow("21") << 21 << "medium";
        QTest::addRow("40") << 40 << "medium";
        QTest::addRow("41") << 41 << "high";
        QTest::addRow("70") << 70 << "high";
        QTest::addRow("71") << 71 << "critical";
        QTest::addRow("100") << 100 << "critical";
    }
    void bands() {
        QFETCH(int, score);
        QFETCH(QString, band);
        QCOMPARE(QString::fromLatin1(ThreatScorer::band(score)), band);
        // The same edge reached through the formula: a critical signature (100) at confidence score/100.
        const ThreatScorer scorer;
        const ScoredDetection d = detection("edge", DetectionKind::Signature, Severity::Critical, score / 100.0);
        const ThreatScore result = scorer.score(std::span<const ScoredDetection>(&d, 1));
        QCOMPARE(result.score, score);
        QCOMPARE(QString::fromStdString(result.band), band);
    }

    void singleDetection_data() {
        QTest::addColumn<DetectionKind>("kind");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<double>("confidence");
        QTest::addColumn<int>("score");
        QTest::addColumn<QString>("band");
        QTest::addRow("info signature") << DetectionKind::Signature << Severity::Info << 1.0 << 0 << "low";
        QTest::addRow("low signature") << DetectionKind::Signature << Severity::Low << 1.0 << 20 << "low";
        QTest::addRow("medium signature") << DetectionKind::Signature << Severity::Medium << 1.0 << 40 << "medium";
        QTest::addRow("high signature") << DetectionKind::Signature << Severity::High << 1.0 << 70 << "high";
        QTest::addRow("critical signature")
            << DetectionKind::Signature << Severity::Critical << 1.0 << 100 << "critical";
        QTest::addRow("high anomaly") << DetectionKind::Anomaly << Severity::High << 1.0 << 49 << "high";
        QTest::addRow("critical anomaly") << DetectionKind::Anomaly << Severity::Critical << 1.0 << 70 << "high";
        QTest::addRow("critical machine learning")
            << DetectionKind::MachineLearning << Severity::Critical << 1.0 << 80 << "critical";
        QTest::addRow("high machine learning, unsure")
            << DetectionKind::MachineLearning << Severity::High << 0.5 << 28 << "medium";
        QTest::addRow("half point rounds up")
            << DetectionKind::Signature << Severity::Critical << 0.205 << 21 << "medium";
        QTest::addRow("confidence above 1 is clamped")
            << DetectionKind::Signature << Severity::High << 7.0 << 70 << "high";
        QTest::addRow("negative confidence is clamped")
            << DetectionKind::Signature << Severity::High << -1.0 << 0 << "low";
        QTest::addRow("NaN confidence counts as 0")
            << DetectionKind::Signature << Severity::Critical << std::numeric_limits<double>::quiet_NaN() << 0 << "low";
    }
    void singleDetection() {
        QFETCH(DetectionKind, kind);
        QFETCH(Severity, severity);
        QFETCH(double, confidence);
        QFETCH(int, score);
        QFETCH(QString, band);
        const ThreatScorer scorer;
        const ScoredDetection d = detection("rule", kind, severity, confidence);
        const ThreatScore result = scorer.score(std::span<const ScoredDetection>(&d, 1));
        QCOMPARE(result.score, score);
        QCOMPARE(QString::fromStdString(result.band), band);
    }

    void explanationShowsTheArithmetic() {
        const ThreatScorer scorer;
        Detection bruteForce;
        bruteForce.ruleId = "ssh_brute_force";
        bruteForce.severity = Severity::High;
        const ThreatScore one = scorer.score(std::span<const Detection>(&bruteForce, 1));
        QCOMPARE(QString::fromStdString(one.explanation),
            QStringLiteral("signature ssh_brute_force: severity high (70) × weight 1.0 × confidence 1.00 = 70.0; "
                           "score 70 (high)"));

        const ScoredDetection two[] = {detection("ssh_brute_force", DetectionKind::Signature, Severity::High),
            detection("login_rate", DetectionKind::Anomaly, Severity::Medium, 0.75)};
        const ThreatScore combined = scorer.score(two);
        // 40 × 0.7 × 0.75 = 21; 100 × (1 − 0.3 × 0.79) = 76.3
        QCOMPARE(combined.score, 76);
        QCOMPARE(combined.band, std::string("critical"));
        QCOMPARE(QString::fromStdString(combined.explanation),
            QStringLiteral("signature ssh_brute_force: severity high (70) × weight 1.0 × confidence 1.00 = 70.0; "
                           "anomaly login_rate: severity medium (40) × weight 0.7 × confidence 0.75 = 21.0; "
                           "combined 100 × (1 − (1 − 0.700) × (1 − 0.210)) = 76.3; score 76 (critical)"));

        const ThreatScore none = scorer.score(std::span<const ScoredDetection>());
        QCOMPARE(none.score, 0);
        QCOMPARE(none.band, std::string("low"));
        QCOMPARE(none.explanation, std::string("no detections; score 0 (low)"));
    }

    void independentEvidenceRaisesTheScoreButNeverPast100() {
        const ThreatScorer scorer;
        std::vector<ScoredDetection> detections;
        const std::string ids[] = {"a", "b", "c", "d", "e", "f"};
        int previous = 0;
        for (const std::string &id : ids) {
            detections.push_back(detection(id, DetectionKind::Anomaly, Severity::Medium)); // 28 each
            const int score = scorer.score(detections).score;
            QVERIFY2(score > previous || score == 100, qPrintable(QString::number(score)));
            QVERIFY(score <= 100);
            previous = score;
        }
        QCOMPARE(previous, 86); // 100 × (1 − 0.72^6) = 86.1
        detections.push_back(detection("g", DetectionKind::Signature, Severity::Critical));
        QCOMPARE(scorer.score(detections).score, 100);
    }

    void repeatsOfOneRuleCountOnce() {
        const ThreatScorer scorer;
        const ScoredDetection repeats[] = {detection("ssh_brute_force", DetectionKind::Signature, Severity::High, 0.5),
            detection("ssh_brute_force", DetectionKind::Signature, Severity::High),
            detection("ssh_brute_force", DetectionKind::Signature, Severity::High)};
        const ThreatScore result = scorer.score(repeats);
        QCOMPARE(result.score, 70);
        QCOMPARE(QString::fromStdString(result.explanation),
            QStringLiteral("signature ssh_brute_force (3 detections, counted once): severity high (70) × weight 1.0 × "
                           "confidence 1.00 = 70.0; score 70 (high)"));
        // The same id from another kind of engine is separate evidence.
        const ScoredDetection mixed[] = {detection("x", DetectionKind::Signature, Severity::High),
            detection("x", DetectionKind::MachineLearning, Severity::High)};
        QCOMPARE(scorer.score(mixed).score, 87); // 70 and 56: 100 × (1 − 0.3 × 0.44) = 86.8
    }

    void configuredWeightsAndBases() {
        auto section = config::Section::loadString(
            "severity_base: {high: 60, critical: 90}\nweights: {anomaly: 0.5, machine_learning: 1}\n", "scoring.yaml");
        QVERIFY(section.ok());
        auto config = ScoringConfig::fromConfig(*section);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->base(Severity::Medium), 40.0); // untouched default
        QCOMPARE(config->base(Severity::High), 60.0);
        QCOMPARE(config->weight(DetectionKind::Anomaly), 0.5);
        auto scorer = ThreatScorer::create(*config);
        QVERIFY(scorer.ok());
        const ScoredDetection d[] = {detection("a", DetectionKind::Anomaly, Severity::Critical)};
        const ThreatScore result = scorer->score(d);
        QCOMPARE(result.score, 45);
        QCOMPARE(QString::fromStdString(result.explanation),
            QStringLiteral("anomaly a: severity critical (90) × weight 0.5 × confidence 1.00 = 45.0; score 45 (high)"));
    }

    void invalidConfigIsRefused_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("message");
        QTest::addRow("weight above 1") << "weights:\n  signature: 1.5\n"
                                        << "scoring.yaml:2:14: weights.signature: must be between";
        QTest::addRow("negative weight") << "weights:\n  anomaly: -0.1\n"
                                         << "scoring.yaml:2:12: weights.anomaly: must be between";
        QTest::addRow("base above 100") << "severity_base:\n  critical: 120\n"
                                        << "scoring.yaml:2:13: severity_base.critical: must be between";
        QTest::addRow("bases out of order") << "severity_base:\n  low: 50\n"
                                            << "severity base for medium must not be lower than for low";
        QTest::addRow("NaN weight") << "weights:\n  signature: nan\n"
                                    << "weight for signature must be between 0 and 1";
        QTest::addRow("unknown kind") << "weights:\n  heuristic: 0.5\n"
                                      << "scoring.yaml:2:3: weights: unknown setting 'heuristic'";
        QTest::addRow("unknown severity") << "severity_base:\n  severe: 80\n"
                                          << "unknown setting 'severe'";
    }
    void invalidConfigIsRefused() {
        QFETCH(QString, yaml);
        QFETCH(QString, message);
        auto section = config::Section::loadString(yaml.toStdString(), "scoring.yaml");
        QVERIFY(section.ok());
        auto config = ScoringConfig::fromConfig(*section);
        QVERIFY(!config.ok());
        QVERIFY2(QString::fromStdString(config.error().message).contains(message), config.error().message.c_str());
    }

    void createRefusesAnInvalidConfig() {
        ScoringConfig config;
        config.machineLearningWeight = 2.0;
        auto scorer = ThreatScorer::create(config);
        QVERIFY(!scorer.ok());
        QCOMPARE(scorer.error().message, std::string("weight for machine_learning must be between 0 and 1"));
        QVERIFY(ThreatScorer::create(ScoringConfig()).ok());
    }
};

QTEST_GUILESS_MAIN(TestThreatScorer)
#include "tst_threatscorer.moc"
