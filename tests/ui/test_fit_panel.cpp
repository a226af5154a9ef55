// A fit driven through the window as a user would: configure it in the Fit panel, watch the
// live plots fill, pause, stop, continue, apply the best set (one undo step), and read the
// figures after the fit. Also the statistics behind those figures and the Compare panel.
#include <QComboBox>
#include <QListWidget>
#include <QSignalSpy>
#include <QSpinBox>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTest>
#include <QUndoStack>
#include <cmath>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "editor/circuit_graph_model.hpp"
#include "plots/compare_panel.hpp"
#include "fit/fit_data.hpp"
#include "fit/fit_live_plots.hpp"
#include "fit/fit_panel.hpp"
#include "fit/run_folder_place.hpp"
#include "fit/fit_result_plots.hpp"
#include "window/main_window.hpp"
#include "window_test_support.hpp"
#include "fit/population_stats.hpp"
#include "editor/stimulus_editor.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {

// Pixels of the best set's red (214, 39, 40) in a rendering of the plot.
int redPixels(QCustomPlot* plot) {
    const QImage image = plot->toPixmap(800, 500).toImage().convertToFormat(QImage::Format_RGB32);
    int red = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb c = image.pixel(x, y);
            if (qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 90) ++red;
        }
    return red;
}
}  // namespace

class TestFitPanel : public QObject {
    Q_OBJECT
private slots:
    // Fits of an untitled project write their run folders in the app's data folder: a test one.
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanupTestCase() { QDir(runFolderRoot({})).removeRecursively(); }
    void statistics() {
        const BoxStats s = boxStats({5, 1, 4, 2, 3, std::nan("")});
        QCOMPARE(s.count, 5);
        QCOMPARE(s.minimum, 1.0);
        QCOMPARE(s.lowerQuartile, 2.0);
        QCOMPARE(s.median, 3.0);
        QCOMPARE(s.upperQuartile, 4.0);
        QCOMPARE(s.maximum, 5.0);
        QCOMPARE(boxStats({1, 2, 3, 4}).lowerQuartile, 1.75);  // numpy: percentile 25 of 1..4
        // Columns: x, 2x + 1, -x, constant.
        std::vector<double> m;
        for (int r = 0; r < 6; ++r) m.insert(m.end(), {double(r), 2.0 * r + 1, -double(r), 7.0});
        QVERIFY(std::abs(correlation(m, 6, 4, 0, 1) - 1.0) < 1e-12);
        QVERIFY(std::abs(correlation(m, 6, 4, 0, 2) + 1.0) < 1e-12);
        QCOMPARE(correlation(m, 6, 4, 0, 3), 0.0);
        const std::vector<double> full = correlationMatrix(m, 6, 4);
        QCOMPARE(full[0], 1.0);
        QCOMPARE(full[1 * 4 + 2], full[2 * 4 + 1]);
    }

    void splitsAndMasks() {
        FitDataset d;
        d.stimulus = Stimulus(2, 3, 2);
        d.targetV = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        for (int t = 0; t < 2; ++t)
            for (int b = 0; b < 3; ++b) d.stimulus.at(t, b, 1) = 100 * t + b;
        const FitDataset last = batchEntries(d, 2, 1);
        QCOMPARE(last.stimulus.batch, 1);
        QCOMPARE(last.stimulus.at(1, 0, 1), 102.0);
        QCOMPARE(last.targetV, (std::vector<double>{4, 5, 10, 11}));
        FitDataset masked = d;
        keepObserved(masked, {false, true});
        QVERIFY(std::isnan(masked.targetV[0]));
        QCOMPARE(masked.targetV[1], 1.0);
        QVERIFY(hasTargets(masked));
        keepObserved(masked, {false, false});
        QVERIFY(!hasTargets(masked));
    }

    void robustMethodFromThePanel() {
        MainWindow window(test::windowOptions());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        test::shortenStimulus(window, 150.0, 20.0, 120.0);
        QVERIFY(window.simulateNow());
        FitPanel* fit = window.fitPanel();
        window.showFitView();
        // Hops is the robust method's setting: hidden while ODYNN's method is chosen.
        QVERIFY(!fit->hopsBox()->isVisible());
        fit->methodBox()->setCurrentIndex(1);
        QVERIFY(fit->hopsBox()->isVisible() && fit->hopsBox()->isEnabled());
        QCOMPARE(fit->hopsBox()->value(), RobustSettings{}.hopRounds);
        QVERIFY(fit->validationBox()->isVisible() && fit->validationBox()->isEnabled());
        QCOMPARE(fit->validationBox()->value(), 100 * RobustSettings{}.validation);
        fit->validationBox()->setValue(20);  // per cent of every window's last steps
        QCOMPARE(fit->options().robust.validation, 0.2);
        QCOMPARE(fit->setup().validation, 0.2);
        fit->populationBox()->setValue(2);
        fit->epochsBox()->setValue(3);
        constexpr int hops = 1;  // a quick fit: each hop costs as much as several polish rounds
        fit->hopsBox()->setValue(hops);
        QCOMPARE(fit->options().method, FitMethod::Robust);
        QCOMPARE(fit->options().robust.hopRounds, hops);
        QSignalSpy epochs(fit->worker(), &FitWorker::epochFinished);
        QSignalSpy finished(fit->worker(), &FitWorker::finished);
        fit->startFit();
        QVERIFY2(fit->worker()->isRunning(), qPrintable(fit->statusText()));
        QVERIFY(finished.wait(300000));
        // Screening, 3 Adam epochs, the polish rounds, the panel's basin hops; the stages reach the panel.
        QCOMPARE(epochs.size(), 1 + 3 + RobustSettings{}.polishRounds + hops);
        QCOMPARE(epochs.first().at(0).value<FitProgress>().summary.stage, std::string("screen"));
        int hopEpochs = 0;
        for (const QList<QVariant>& e : epochs) hopEpochs += e.at(0).value<FitProgress>().summary.stage == "hop";
        QCOMPARE(hopEpochs, hops);
        QCOMPARE(epochs.last().at(0).value<FitProgress>().summary.stage, std::string("hop"));
        const FitOutcome outcome = finished.last().at(0).value<FitOutcome>();
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QVERIFY(std::isfinite(outcome.result.bestLoss));
        // The run folder keeps the hops, so `odynn-cli fit --resume` goes on with them.
        QFile settingsFile(QDir(fit->runFolder()).filePath(QStringLiteral("settings.json")));
        QVERIFY2(settingsFile.open(QIODevice::ReadOnly), qPrintable(fit->runFolder()));
        const nlohmann::json settings = nlohmann::json::parse(settingsFile.readAll().toStdString());
        QCOMPARE(settings.at("options").at("robust").at("hop_rounds").get<int>(), hops);
        QCOMPARE(settings.at("options").at("robust").at("validation").get<double>(), 0.2);
    }

    void liveFitFiguresAndApplyBest() {
        MainWindow window(test::windowOptions());
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        test::shortenStimulus(window, 150.0, 20.0, 120.0);
        QVERIFY(window.simulateNow());
        FitPanel* fit = window.fitPanel();
        window.showFitView();
        fit->populationBox()->setValue(8);
        fit->epochsBox()->setValue(6);
        fit->testSplitBox()->setCurrentIndex(1);  // the last of the 3 stimulus entries is the test set
        QSignalSpy epochs(fit->worker(), &FitWorker::epochFinished);
        QSignalSpy finished(fit->worker(), &FitWorker::finished);
        fit->startFit();
        QVERIFY2(fit->worker()->isRunning(), qPrintable(fit->statusText()));
        QVERIFY(finished.wait(120000));
        QCOMPARE(epochs.size(), 6);
        // Test loss at epoch 0 (every 30 epochs), from the held-out entry.
        QVERIFY(!epochs.first().at(0).value<FitProgress>().summary.testLosses.empty());

        FitLivePlots* live = fit->livePlots();
        QCOMPARE(live->lossPointCount(), 8 * 6);
        QVERIFY(live->bestTraceUpdates() >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(live->replotCount() >= 1, 2000);
        QVERIFY2(redPixels(live->plot()) > 100, "the best set's red curves are not drawn");
        QVERIFY(fit->statusText().contains(QStringLiteral("finished after 6 epochs")));
        // ODYNN's rate is flat over these 6 epochs (a decay every 9): its axis runs from 0 to a
        // little above it, not over a range made up around the value.
        QTRY_VERIFY_WITH_TIMEOUT(!live->redrawPending(), 2000);
        const double rate = epochs.last().at(0).value<FitProgress>().summary.learningRate;
        QCOMPARE(epochs.first().at(0).value<FitProgress>().summary.learningRate, rate);
        const QCPRange rateAxis = live->learningRatePanel()->axis(QCPAxis::atLeft)->range();
        QCOMPARE(rateAxis.lower, 0.0);
        QVERIFY2(rateAxis.upper > rate && rateAxis.upper <= 1.25 * rate,
                 qPrintable(QStringLiteral("rate %1 on an axis up to %2").arg(rate).arg(rateAxis.upper)));

        // ODYNN's figures: every parameter that varies across the final population has a box
        // and a row of the correlation map (one pinned at a bound in every set has neither);
        // the trace figure has a training and a test panel, target and fit in each.
        FitResultPlots* results = fit->resultPlots();
        const FitOutcome outcome = finished.last().at(0).value<FitOutcome>();
        const int parameters = ParameterLayout(window.model()->circuit()).size();
        QCOMPARE(outcome.parameterNames.size(), parameters);
        QCOMPARE(static_cast<int>(outcome.population.size()), 8 * parameters);
        int varied = 0;
        for (int p = 0; p < parameters; ++p) {
            double lo = outcome.population[static_cast<size_t>(p)], hi = lo;
            for (int s = 1; s < 8; ++s) {
                lo = std::min(lo, outcome.population[static_cast<size_t>(s * parameters + p)]);
                hi = std::max(hi, outcome.population[static_cast<size_t>(s * parameters + p)]);
            }
            varied += hi > lo;
        }
        QVERIFY(varied > parameters / 2);
        QCOMPARE(results->boxCount(), varied);
        QCOMPARE(results->correlationSize(), varied);
        QCOMPARE(results->tracePlot()->axisRectCount(), 2);
        QVERIFY(results->tracePlot()->graphCount() >= 4);

        // Apply the best set: one undo step that writes the fitted parameters.
        QVERIFY(fit->hasBest());
        const int steps = window.undoStack()->count();
        fit->applyBest();
        QCOMPARE(window.undoStack()->count(), steps + 1);
        const Circuit& now = window.model()->circuit();
        QCOMPARE(now.neurons[0].params, fit->best()->neurons[0].params);
        QCOMPARE(now.synapses[0].p.G, fit->best()->synapses[0].p.G);
        window.undoStack()->undo();
        QVERIFY(window.model()->circuit().neurons[0].params != fit->best()->neurons[0].params);

        // Compare: the circuit and the fitted set overlaid on one stimulus.
        ComparePanel* compare = window.comparePanel();
        QSignalSpy drawn(compare, &ComparePanel::drawn);
        emit compare->requestCurrentCircuit();
        emit compare->requestBestFit();
        QCOMPARE(compare->setCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(compare->curveCount() == 2, 30000);
    }

    void pauseStopContinue() {
        MainWindow window(test::windowOptions());
        test::shortenStimulus(window, 150.0, 20.0, 120.0);
        QVERIFY(window.simulateNow());
        FitPanel* fit = window.fitPanel();
        fit->populationBox()->setValue(3);
        fit->epochsBox()->setValue(100000);
        // Only AVA observed.
        for (int k = 0; k < fit->observedList()->count(); ++k) {
            QListWidgetItem* item = fit->observedList()->item(k);
            item->setCheckState(item->text() == QStringLiteral("AVA") ? Qt::Checked : Qt::Unchecked);
        }
        QSignalSpy epochs(fit->worker(), &FitWorker::epochFinished);
        QSignalSpy finished(fit->worker(), &FitWorker::finished);
        fit->startFit();
        QVERIFY2(fit->worker()->isRunning(), qPrintable(fit->statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(epochs.size() >= 2, 60000);

        fit->togglePause();
        QVERIFY(fit->worker()->isPaused());
        QTest::qWait(1500);  // the epoch in flight ends, then the run waits
        const qsizetype paused = epochs.size();
        QTest::qWait(1000);
        QCOMPARE(epochs.size(), paused);
        QVERIFY(fit->statusText().contains(QStringLiteral("paused")));

        fit->togglePause();
        QTRY_VERIFY_WITH_TIMEOUT(epochs.size() >= paused + 2, 60000);
        fit->stopFit();
        QVERIFY(finished.wait(60000));
        const FitOutcome stopped = finished.last().at(0).value<FitOutcome>();
        QCOMPARE(stopped.result.termination, Termination::Stopped);
        QCOMPARE(stopped.result.epochsDone, static_cast<int>(epochs.size()));

        // Continue for 2 more epochs, exactly where it stopped.
        fit->epochsBox()->setValue(2);
        fit->continueFit();
        QVERIFY(fit->worker()->isRunning());
        QVERIFY(finished.wait(60000));
        const FitOutcome more = finished.last().at(0).value<FitOutcome>();
        QCOMPARE(more.result.termination, Termination::Completed);
        QCOMPARE(more.result.epochsDone, stopped.result.epochsDone + 2);
        QCOMPARE(epochs.last().at(0).value<FitProgress>().summary.epoch, stopped.result.epochsDone + 1);
    }

    void refusesAFitWithoutObservedTargets() {
        MainWindow window(test::windowOptions());
        test::shortenStimulus(window, 150.0, 20.0, 120.0);
        QVERIFY(window.simulateNow());
        FitPanel* fit = window.fitPanel();
        for (int k = 0; k < fit->observedList()->count(); ++k) fit->observedList()->item(k)->setCheckState(Qt::Unchecked);
        fit->startFit();
        QVERIFY(!fit->worker()->isRunning());
        QVERIFY(fit->statusText().contains(QStringLiteral("No observed neuron")));
        fit->targetBox()->setCurrentIndex(0);  // loaded traces, none loaded
        fit->startFit();
        QVERIFY(fit->statusText().contains(QStringLiteral("drop a CSV")));
    }
};

QTEST_MAIN(TestFitPanel)
#include "test_fit_panel.moc"
