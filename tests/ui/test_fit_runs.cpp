// Fits that survive the app: a fit started in the window writes the same run folder as
// `odynn-cli fit` beside the project file; the CLI resumes it, and the app continues a copy
// of it to the same result byte for byte; the app opens a folder the CLI wrote and shows its
// loss history, parameters and fitted traces; both best sets are kept and applied by name;
// parameters of neurons without data stay fixed unless asked; the project keeps the fit setup.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <cmath>

#include <qcustomplot.h>
#include <nlohmann/json.hpp>

#include "editor/circuit_graph_model.hpp"
#include "editor/stimulus_editor.hpp"
#include "fit/fit_live_plots.hpp"
#include "fit/fit_panel.hpp"
#include "fit/fit_result_plots.hpp"
#include "fit/run_folder_place.hpp"
#include "import/target_trace.hpp"
#include "odynn/parameters.hpp"
#include "project/project_file.hpp"
#include "window/main_window.hpp"
#include "window_test_support.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

nlohmann::json readJson(const QString& path) { return nlohmann::json::parse(readAll(path).toStdString()); }

int runCli(const QStringList& args, QString* output = nullptr) {
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral(ODYNN_CLI), args);
    if (!cli.waitForFinished(120000)) return -1;
    if (output) *output = QString::fromUtf8(cli.readAll());
    return cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
}

bool copyFolder(const QString& from, const QString& to) {
    QDir().mkpath(to);
    for (const QString& name : QDir(from).entryList(QDir::Files))
        if (name != QLatin1String(".lock") && !QFile::copy(QDir(from).filePath(name), QDir(to).filePath(name)))
            return false;
    return true;
}

FitOutcome waitForOutcome(QSignalSpy& finished) {
    if (!finished.wait(120000)) return {};
    return finished.last().at(0).value<FitOutcome>();
}
}  // namespace

class TestFitRuns : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanupTestCase() { QDir(runFolderRoot({})).removeRecursively(); }

    void runFolderPlace() {
        QCOMPARE(runFolderRoot(QStringLiteral("/p/tap.odynn.json")), QStringLiteral("/p/tap.fits"));
        QCOMPARE(runFolderRoot(QStringLiteral("/p/tap.json")), QStringLiteral("/p/tap.fits"));
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("x.odynn.json"));
        const QDateTime when(QDate(2026, 1, 2), QTime(3, 4, 5));
        const QString first = newRunFolder(project, when);
        QCOMPARE(first, dir.filePath(QStringLiteral("x.fits/20260102-030405")));
        QDir().mkpath(first);
        QCOMPARE(newRunFolder(project, when), first + QStringLiteral("-2"));  // never a used folder
    }

    void appRunFolderResumesWithTheCliToTheSameResult() {
        QTemporaryDir dir;
        MainWindow window(test::windowOptions());
        test::shortenStimulus(window, 100.0, 10.0, 80.0);
        QVERIFY(window.simulateNow());
        const QString project = dir.filePath(QStringLiteral("tap.odynn.json"));
        QVERIFY(window.saveProjectAs(project));
        FitPanel* fit = window.fitPanel();
        fit->populationBox()->setValue(3);
        fit->epochsBox()->setValue(3);
        QSignalSpy finished(fit->worker(), &FitWorker::finished);
        fit->startFit();
        QVERIFY2(fit->worker()->isRunning(), qPrintable(fit->statusText()));
        const FitOutcome first = waitForOutcome(finished);
        QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
        const QString run = fit->runFolder();
        QVERIFY2(run.startsWith(dir.filePath(QStringLiteral("tap.fits/"))), qPrintable(run));
        for (const char* file : {"settings.json", "data.json", "checkpoint.json", "history.csv", "params.csv",
                                 "best.json", "best_iterate.json", "summary.json"})
            QVERIFY2(QFile::exists(QDir(run).filePath(QString::fromLatin1(file))), file);
        QCOMPARE(readJson(QDir(run).filePath(QStringLiteral("summary.json"))).at("epochs").get<int>(), 3);
        // The status and the Apply button speak of both choices.
        QVERIFY2(fit->statusText().contains(QStringLiteral("ODYNN's choice")) &&
                     fit->statusText().contains(QStringLiteral("Lowest loss seen")),
                 qPrintable(fit->statusText()));
        QVERIFY(fit->applyButton()->isEnabled());
        QVERIFY(fit->bestIterate().loss <= first.result.bestLoss);

        // The app is closed: its lock goes, the CLI resumes a copy for 2 more epochs...
        const QString cliCopy = dir.filePath(QStringLiteral("cli")), appCopy = dir.filePath(QStringLiteral("app"));
        QVERIFY(copyFolder(run, cliCopy));
        QVERIFY(copyFolder(run, appCopy));
        QString out;
        QCOMPARE(runCli({QStringLiteral("fit"), QStringLiteral("--resume"), cliCopy, QStringLiteral("--epochs"),
                         QStringLiteral("5")},
                        &out),
                 0);
        // ...and the app opens the other copy and continues it as far.
        MainWindow later(test::windowOptions());
        FitPanel* laterFit = later.fitPanel();
        QVERIFY2(later.openFitRun(appCopy), qPrintable(laterFit->statusText()));
        QVERIFY(laterFit->continueButton()->isEnabled());
        laterFit->epochsBox()->setValue(2);
        QSignalSpy laterFinished(laterFit->worker(), &FitWorker::finished);
        laterFit->continueFit();
        QVERIFY(laterFit->worker()->isRunning());
        const FitOutcome continued = waitForOutcome(laterFinished);
        QVERIFY2(continued.error.isEmpty(), qPrintable(continued.error));
        QCOMPARE(continued.result.epochsDone, 5);
        for (const char* file : {"best.json", "best_iterate.json", "history.csv", "params.csv", "best_circuit.json"}) {
            const QByteArray cliBytes = readAll(QDir(cliCopy).filePath(QString::fromLatin1(file)));
            QVERIFY2(!cliBytes.isEmpty(), file);
            QVERIFY2(cliBytes == readAll(QDir(appCopy).filePath(QString::fromLatin1(file))), file);
        }
        // The time after Continue counts the whole run, the first 3 epochs included.
        QVERIFY(continued.totalSeconds > first.totalSeconds);
        QCOMPARE(
            readJson(QDir(appCopy).filePath(QStringLiteral("settings.json"))).at("options").at("epochs").get<int>(), 5);
    }

    void opensACliRunFolder() {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("cli_run"));
        const QString data = QStringLiteral(ODYNN_TEST_DATA_DIR "/fit_synthetic/");
        QString out;
        QCOMPARE(
            runCli({QStringLiteral("fit"), QStringLiteral("--model"), QStringLiteral("celegans"),
                    QStringLiteral("--data"), data + QStringLiteral("train_b0.csv"), QStringLiteral("--test"),
                    data + QStringLiteral("test_b0.csv"), QStringLiteral("--population"), QStringLiteral("4"),
                    QStringLiteral("--epochs"), QStringLiteral("6"), QStringLiteral("--lr"), QStringLiteral("3,1000,1"),
                    QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--out"), run},
                   &out),
            0);
        {
            MainWindow window(test::windowOptions());
            FitPanel* fit = window.fitPanel();
            QVERIFY2(window.openFitRun(run), qPrintable(fit->statusText()));
            // The live views: every set's loss of every epoch, the parameters and the best trace.
            QCOMPARE(fit->livePlots()->lossPointCount(), 4 * 6);
            QCOMPARE(fit->livePlots()->bestTraceUpdates(), 1);
            QCOMPARE(fit->populationBox()->value(), 4);
            // After the fit: figures, and both best sets as the run folder has them.
            QVERIFY(fit->resultPlots()->boxCount() > 0);
            QCOMPARE(fit->resultPlots()->tracePlot()->axisRectCount(), 2);  // training and test
            const auto summary = readJson(QDir(run).filePath(QStringLiteral("summary.json")));
            QVERIFY(fit->best().has_value());
            QCOMPARE(fit->bestIterate().loss, summary.at("best_iterate_loss").get<double>());
            QVERIFY(fit->bestIterate().loss <= summary.at("best_loss").get<double>());
            const auto best = readJson(QDir(run).filePath(QStringLiteral("best.json")));
            QCOMPARE(fit->best()->neurons[0].params[0],
                     best.at(ParameterLayout(*fit->best()).entries()[0].name).get<double>());
            QVERIFY(fit->statusText().contains(QStringLiteral("ODYNN's choice")));

            // Apply says which set it writes; onto a circuit of another shape it writes nothing.
            QVERIFY(fit->applyButton()->isEnabled());
            const int steps = window.undoStack()->count();
            fit->applyBest(FitPanel::BestChoice::Final);
            QCOMPARE(window.undoStack()->count(), steps);
            QVERIFY2(fit->statusText().contains(QStringLiteral("best_circuit.json")), qPrintable(fit->statusText()));
            Project lone;
            lone.circuit = singleNeuronCircuit("celegans", 0.1);
            lone.stimulus = StimulusSpec::defaultFor(lone.circuit);
            window.setProject(lone, QString());
            const auto iterate = readJson(QDir(run).filePath(QStringLiteral("best_iterate.json")));
            fit->applyBest(FitPanel::BestChoice::Iterate);
            const Circuit& now = window.model()->circuit();
            QCOMPARE(now.neurons[0].params[0], iterate.at(ParameterLayout(now).entries()[0].name).get<double>());
            QVERIFY(window.undoStack()->undoText().contains(QStringLiteral("lowest loss seen")));
            // While this window has the run, no other fit may write it.
            MainWindow other(test::windowOptions());
            QVERIFY(!other.openFitRun(run));
            QVERIFY2(other.lastError().contains(QStringLiteral("in use")), qPrintable(other.lastError()));
        }

        // The same run, interrupted (no summary yet): the lowest loss seen can still be applied.
        QFile::remove(QDir(run).filePath(QStringLiteral("summary.json")));
        MainWindow again(test::windowOptions());
        QVERIFY(again.openFitRun(run));
        QVERIFY(!again.fitPanel()->best().has_value());
        QVERIFY(again.fitPanel()->applyButton()->isEnabled());
        QVERIFY(again.fitPanel()->statusText().contains(QStringLiteral("interrupted")));
        // A folder that is not a run is refused with one clear line.
        QVERIFY(!again.openFitRun(dir.path()));
        QVERIFY2(again.lastError().contains(QStringLiteral("settings.json")), qPrintable(again.lastError()));
    }

    void neuronsWithoutDataKeepTheirParameters() {
        MainWindow window(test::windowOptions());  // the example: AVA, AVB, PVD, PLM
        FitPanel* fit = window.fitPanel();
        const Circuit& c = window.model()->circuit();
        QVERIFY(c.neurons.size() > 1);
        const QString observed = QString::fromStdString(c.neurons[0].label);
        fit->setObservedNeurons({observed});
        const FitOptions o = fit->options();
        const ParameterLayout layout(c);
        int freeCount = 0;
        for (const ParamEntry& e : layout.entries()) {
            const bool fixed = std::find(o.fixed.begin(), o.fixed.end(), e.name) != o.fixed.end();
            bool ownedByObserved = false;
            if (e.owner == ParamOwner::Neuron) ownedByObserved = e.index == 0;
            if (e.owner == ParamOwner::Synapse) ownedByObserved = c.synapses[size_t(e.index)].post == 0;
            if (e.owner == ParamOwner::Gap)
                ownedByObserved = c.gaps[size_t(e.index)].a == 0 || c.gaps[size_t(e.index)].b == 0;
            const double value = layout.values(c)[size_t(&e - layout.entries().data())];
            const bool inBounds = value >= e.lowerBound && value <= e.upperBound;
            QVERIFY2(fixed == (!ownedByObserved && inBounds), e.name.c_str());
            freeCount += !fixed;
        }
        QVERIFY2(fit->freeParameterText().contains(QStringLiteral("Free: %1 of %2").arg(freeCount).arg(layout.size())),
                 qPrintable(fit->freeParameterText()));
        QVERIFY(fit->freeParameterText().contains(observed));
        // Asked for: every parameter is free.
        fit->freeScopeBox()->setCurrentIndex(fit->freeScopeBox()->findData(int(FreeScope::Everything)));
        QVERIFY(fit->options().fixed.empty());
        // A loaded target on one neuron makes it the only observed one.
        TargetTrace t;
        t.source = QStringLiteral("rec.csv");
        for (int k = 0; k < 50; ++k) t.time.push_back(0.1 * k);
        t.columns.push_back({QString::fromStdString(c.neurons[1].label), false, std::vector<double>(50, -50.0)});
        window.addTargetTrace(t);
        const FitSetup s = fit->setup();
        QVERIFY(s.observed && s.observed->size() == 1 && s.observed->front() == c.neurons[1].label);
        // A neuron added afterwards has no data: it is not observed.
        Circuit grown = c;
        grown.addNeuron("NEW", "celegans", Role::Inter);
        window.model()->setCircuit(grown);
        const FitSetup after = fit->setup();
        QVERIFY2(after.observed && after.observed->size() == 1, "a neuron without data became observed");
    }

    void projectKeepsTheFitSetup() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("setup.odynn.json"));
        FitSetup saved;
        {
            MainWindow window(test::windowOptions());
            TargetTrace t;
            t.source = QStringLiteral("rec.csv");
            for (int k = 0; k < 40; ++k) t.time.push_back(0.5 * k);
            t.columns.push_back({QStringLiteral("AVA"), true, std::vector<double>(40, 0.25)});
            t.columns.back().values[3] = std::nan("");  // a missing sample survives as one
            t.currents.push_back({QStringLiteral("AVA"), std::vector<double>(40, 1.5)});
            window.addTargetTrace(t);
            FitPanel* fit = window.fitPanel();
            fit->populationBox()->setValue(37);
            fit->epochsBox()->setValue(211);
            fit->methodBox()->setCurrentIndex(1);
            fit->hopsBox()->setValue(5);
            fit->testSplitBox()->setCurrentIndex(1);
            fit->freeScopeBox()->setCurrentIndex(1);
            fit->setLossWeights(0.5, 2.0);
            QVERIFY(window.isModified());  // a setting the project keeps is an edit
            saved = fit->setup();
            QVERIFY(window.saveProjectAs(path));
        }
        MainWindow reopened(test::windowOptions());
        QVERIFY(reopened.openProject(path));
        const FitSetup loaded = reopened.fitPanel()->setup();
        QCOMPARE(loaded.population, 37);
        QCOMPARE(loaded.epochs, 211);
        QCOMPARE(loaded.method, FitMethod::Robust);
        QCOMPARE(loaded.hops, 5);
        QCOMPARE(reopened.fitPanel()->options().robust.hopRounds, 5);
        QVERIFY(loaded.testSplit);
        QCOMPARE(loaded.scope, FreeScope::Everything);
        QCOMPARE(loaded.weightV, 0.5);
        QCOMPARE(loaded.weightCa, 2.0);
        QVERIFY(loaded.loadedTargets);
        QCOMPARE(*loaded.observed, *saved.observed);
        QCOMPARE(reopened.targetTraceCount(), 1);
        const Project p = reopened.currentProject();
        QCOMPARE(p.fit.targets.size(), size_t(1));
        const RecordedTarget& t = p.fit.targets[0];
        QCOMPARE(t.columns[0].neuron, std::string("AVA"));
        QVERIFY(t.columns[0].calcium);
        QVERIFY(std::isnan(t.columns[0].values[3]));
        QCOMPARE(t.columns[0].values[4], 0.25);
        QCOMPARE(t.currents[0].second[7], 1.5);
        QVERIFY(!reopened.isModified());
    }

    void targetTimesRoundTripExactly() {
        // Uniform times travel as {start, step, count}, others sample by sample; both come back exactly.
        FitSetup setup;
        for (const std::vector<double>& time :
             {std::vector<double>{0.25, 0.75, 1.25, 1.75}, std::vector<double>{0, 1, 3, 3.5}}) {
            RecordedTarget t;
            t.time = time;
            t.columns.push_back({"AVA", false, {1, 2, 3, 4}});
            setup.targets.push_back(t);
        }
        nlohmann::json fit = nlohmann::json::object();
        fitSetupToJson(setup, fit);
        QVERIFY(fit["targets"][0]["time"].is_object());
        QVERIFY(fit["targets"][1]["time"].is_array());
        const FitSetup back = fitSetupFromJson(nlohmann::json::parse(fit.dump()), "p.odynn.json");
        QCOMPARE(back.targets[0].time, setup.targets[0].time);
        QCOMPARE(back.targets[1].time, setup.targets[1].time);
    }

    void heldOutFractionIsKeptAndChecked() {
        FitSetup setup;
        setup.method = FitMethod::Robust;
        setup.validation = 0.25;
        nlohmann::json fit = nlohmann::json::object();
        fitSetupToJson(setup, fit);
        QCOMPARE(fitSetupFromJson(nlohmann::json::parse(fit.dump()), "p.odynn.json").validation, 0.25);
        // Projects saved before the setting existed get the method's default.
        fit.erase("validation");
        QCOMPARE(fitSetupFromJson(fit, "p.odynn.json").validation, RobustSettings{}.validation);
        for (const double bad : {-0.1, 0.6}) {
            fit["validation"] = bad;
            try {
                fitSetupFromJson(fit, "p.odynn.json");
                QFAIL(qPrintable(QStringLiteral("held-out fraction %1 was accepted").arg(bad)));
            } catch (const std::exception& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("fit.validation")), e.what());
            }
        }
    }

    void damagedSetupIsNamed() {
        nlohmann::json doc = projectToJson(exampleProject());
        doc["fit"]["epochs"] = "many";
        try {
            projectFromJson(doc, "bad.odynn.json");
            QFAIL("a text epoch count was accepted");
        } catch (const std::exception& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("bad.odynn.json")) &&
                         QString::fromUtf8(e.what()).contains(QStringLiteral("fit.epochs")),
                     e.what());
        }
    }
};

QTEST_MAIN(TestFitRuns)
#include "test_fit_runs.moc"
