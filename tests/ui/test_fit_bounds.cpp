// Fit bounds from the inspector: a parameter's "Fit bounds" dialog refuses bad bounds with a
// reason, sets good ones as one undo step, marks the row, the project file keeps them, and a
// fit started in the app passes them to the core, so the run folder's settings.json has them
// as `odynn-cli fit --bounds` would write them.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>

#include <nlohmann/json.hpp>

#include "editor/circuit_graph_model.hpp"
#include "editor/fit_bound_dialog.hpp"
#include "editor/inspector_panel.hpp"
#include "editor/stimulus_editor.hpp"
#include "fit/fit_panel.hpp"
#include "fit/run_folder_place.hpp"
#include "odynn/parameters.hpp"
#include "project/project_file.hpp"
#include "window/main_window.hpp"
#include "window_test_support.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {

// Clicks the row's bounds button and returns the dialog it opened.
FitBoundDialog* openBounds(InspectorPanel* inspector, const QString& name) {
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);  // dialogs closed before
    QToolButton* button = inspector->boundsButton(name);
    if (!button) return nullptr;
    button->click();
    const auto dialogs = inspector->findChildren<FitBoundDialog*>();
    return dialogs.size() == 1 && dialogs[0]->isVisible() ? dialogs[0] : nullptr;
}

// Types the bounds and presses OK; the dialog's complaint, empty when it accepted them.
QString enter(FitBoundDialog* dialog, const QString& lower, const QString& upper) {
    dialog->lowerEdit()->setText(lower);
    dialog->upperEdit()->setText(upper);
    dialog->accept();
    return dialog->isVisible() ? dialog->problemText() : QString();
}

const nlohmann::json* settingsBounds(const nlohmann::json& settings) {
    if (!settings.contains("options") || !settings["options"].contains("bounds")) return nullptr;
    return &settings["options"]["bounds"];
}
}  // namespace

class TestFitBounds : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanupTestCase() { QDir(runFolderRoot({})).removeRecursively(); }

    void badBoundsAreRefused() {
        MainWindow window(test::windowOptions());  // the example: celegans neurons, C_m in [0.5, inf) uF/cm2
        InspectorPanel* inspector = window.inspector();
        inspector->showNeuron(window.model()->neuronIdByLabel(QStringLiteral("AVA")));
        FitBoundDialog* dialog = openBounds(inspector, QStringLiteral("C_m"));
        QVERIFY(dialog);
        QVERIFY2(dialog->lowerEdit()->toolTip().contains(QStringLiteral("uF/cm2")), qPrintable(dialog->lowerEdit()->toolTip()));
        QString why = enter(dialog, QStringLiteral("30"), QStringLiteral("10"));
        QVERIFY2(why.contains(QStringLiteral("must be below")), qPrintable(why));
        why = enter(dialog, QStringLiteral("0.1"), QStringLiteral("10"));
        QVERIFY2(why.contains(QStringLiteral("leave the model's bounds")), qPrintable(why));
        why = enter(dialog, QStringLiteral("1"), QString());  // the model has no upper bound to fall back on
        QVERIFY2(why.contains(QStringLiteral("Give the upper bound")), qPrintable(why));
        why = enter(dialog, QStringLiteral("one"), QStringLiteral("10"));
        QVERIFY2(why.contains(QStringLiteral("not a number")), qPrintable(why));
        dialog->reject();
        QVERIFY(inspector->fitBounds().empty());
        QCOMPARE(window.undoStack()->count(), 0);
    }

    void boundsTravelFromTheInspectorToTheRunFolder() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bounds.odynn.json"));
        const QString full = QStringLiteral("AVA/C_m");
        {
            MainWindow window(test::windowOptions());
            QVERIFY(ParameterLayout(window.model()->circuit()).find(full.toStdString()) >= 0);
            InspectorPanel* inspector = window.inspector();
            inspector->showNeuron(window.model()->neuronIdByLabel(QStringLiteral("AVA")));
            FitBoundDialog* dialog = openBounds(inspector, QStringLiteral("C_m"));
            QVERIFY(dialog);
            QCOMPARE(enter(dialog, QStringLiteral("1"), QStringLiteral("30")), QString());
            QCOMPARE(inspector->fitBound(full), std::make_optional(std::make_pair(1.0, 30.0)));
            QVERIFY2(inspector->nameLabel(QStringLiteral("C_m"))->text().contains(QStringLiteral("fit [1, 30]")),
                     qPrintable(inspector->nameLabel(QStringLiteral("C_m"))->text()));
            QVERIFY(window.isModified());
            // One undo step, undone and redone.
            QCOMPARE(window.undoStack()->count(), 1);
            window.undoStack()->undo();
            QVERIFY(!inspector->fitBound(full));
            QVERIFY(!inspector->nameLabel(QStringLiteral("C_m"))->text().contains(QStringLiteral("fit [")));
            QVERIFY(window.fitPanel()->options().bounds.empty());
            window.undoStack()->redo();
            QCOMPARE(window.fitPanel()->options().bounds.size(), size_t(1));
            // Emptying both fields goes back to the model's bounds.
            dialog = openBounds(inspector, QStringLiteral("E_L"));
            QVERIFY(dialog);
            QCOMPARE(enter(dialog, QStringLiteral("-70"), QStringLiteral("-50")), QString());
            dialog = openBounds(inspector, QStringLiteral("E_L"));
            QVERIFY(dialog);
            QCOMPARE(dialog->lowerEdit()->text(), QStringLiteral("-70"));
            QCOMPARE(enter(dialog, QString(), QString()), QString());
            QVERIFY(!inspector->fitBound(QStringLiteral("AVA/E_L")));
            QVERIFY(window.saveProjectAs(path));
        }
        // The project file keeps them in the form of settings.json.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const nlohmann::json doc = nlohmann::json::parse(file.readAll().toStdString());
        QCOMPARE(doc["fit"]["bounds"].dump(), std::string(R"({"AVA/C_m":[1.0,30.0]})"));

        MainWindow reopened(test::windowOptions());
        QVERIFY(reopened.openProject(path));
        QCOMPARE(reopened.inspector()->fitBound(full), std::make_optional(std::make_pair(1.0, 30.0)));
        reopened.inspector()->showNeuron(reopened.model()->neuronIdByLabel(QStringLiteral("AVA")));
        QVERIFY(reopened.inspector()->nameLabel(QStringLiteral("C_m"))->text().contains(QStringLiteral("fit [1, 30]")));
        FitPanel* fit = reopened.fitPanel();
        QVERIFY2(fit->freeParameterText().contains(QStringLiteral("1 with fit bounds")), qPrintable(fit->freeParameterText()));
        const FitOptions o = fit->options();
        QCOMPARE(o.bounds.size(), size_t(1));
        QCOMPARE(o.bounds[0].name, full.toStdString());
        QCOMPARE(o.bounds[0].lower, 1.0);
        QCOMPARE(o.bounds[0].upper, 30.0);

        // A fit started in the app writes them into its run folder's settings.json.
        test::shortenStimulus(reopened, 50.0, 10.0, 40.0);
        QVERIFY(reopened.simulateNow());
        fit->populationBox()->setValue(2);
        fit->epochsBox()->setValue(1);
        QSignalSpy finished(fit->worker(), &FitWorker::finished);
        fit->startFit();
        QVERIFY2(fit->worker()->isRunning(), qPrintable(fit->statusText()));
        QVERIFY(finished.wait(120000));
        QFile settingsFile(QDir(fit->runFolder()).filePath(QStringLiteral("settings.json")));
        QVERIFY2(settingsFile.open(QIODevice::ReadOnly), qPrintable(fit->runFolder()));
        const nlohmann::json settings = nlohmann::json::parse(settingsFile.readAll().toStdString());
        const nlohmann::json* bounds = settingsBounds(settings);
        QVERIFY(bounds);
        QCOMPARE(bounds->dump(), std::string(R"({"AVA/C_m":[1.0,30.0]})"));
    }

    void damagedBoundsAreNamed() {
        nlohmann::json doc = projectToJson(exampleProject());
        doc["fit"]["bounds"] = {{"AVA/C_m", {30.0, 1.0}}};
        try {
            projectFromJson(doc, "p.json");
            QFAIL("reversed bounds were accepted");
        } catch (const std::exception& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("fit.bounds.AVA/C_m")), e.what());
        }
    }
};

QTEST_MAIN(TestFitBounds)
#include "test_fit_bounds.moc"
