// A user's path through the window, driven with QTest on the offscreen platform: select a
// neuron, edit a parameter in the inspector, undo it, draw a synapse with the mouse, delete
// it with the keyboard, move a neuron, add a stimulus entry and see the plots follow.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QListWidget>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <qcustomplot.h>

#include "editor/circuit_commands.hpp"
#include "fit/fit_panel.hpp"
#include "editor/circuit_graph_model.hpp"
#include "editor/circuit_items.hpp"
#include "editor/circuit_scene.hpp"
#include "editor/circuit_view.hpp"
#include "editor/inspector_panel.hpp"
#include "window/main_window.hpp"
#include "window/simulation_worker.hpp"
#include "editor/stimulus_editor.hpp"
#include "plots/trace_plots.hpp"
#include "window_test_support.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
// The shared test window, re-simulating after every edit as the app does.
MainWindow::Options testOptions() {
    MainWindow::Options o = test::windowOptions();
    o.autoSimulate = true;
    return o;
}
QPoint viewPoint(CircuitView* view, QPointF scenePos) { return view->mapFromScene(scenePos); }
}  // namespace

class TestUiFlow : public QObject {
    Q_OBJECT
private slots:
    void editSimulateUndoConnectDelete() {
        MainWindow window(testOptions());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        CircuitGraphModel* model = window.model();
        QCOMPARE(model->neuronCount(), 4);

        // The example is simulated in the background shortly after start.
        QSignalSpy simulated(window.simulationWorker(), &SimulationWorker::finished);
        QVERIFY(simulated.wait(60000));
        QVERIFY(window.lastOutput().has_value());
        QCOMPARE(window.lastOutput()->trajectory.neurons, 4);
        QTRY_VERIFY_WITH_TIMEOUT(window.tracePlots()->graphCount() > 0, 5000);

        // Click AVA in the diagram: the inspector shows it.
        CircuitView* view = window.view();
        view->fitContent();
        QApplication::processEvents();
        const NeuronId ava = model->neuronIdByLabel(QStringLiteral("AVA"));
        NeuronItem* avaItem = window.scene()->neuronItem(ava);
        QVERIFY(avaItem);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, viewPoint(view, avaItem->pos()));
        QCOMPARE(window.scene()->selectedNeurons(), QList<NeuronId>{ava});
        QCOMPARE(window.inspector()->shownNeuron(), ava);

        // Type a new membrane capacitance: one undo step, a re-simulation, and undo restores it.
        QDoubleSpinBox* cm = window.inspector()->spinBox(QStringLiteral("C_m"));
        QVERIFY(cm);
        const int cmIndex = modelSpec("celegans").paramIndex("C_m");
        const double before = model->neuron(ava).params[static_cast<size_t>(cmIndex)];
        simulated.clear();
        cm->setValue(5.0);
        QCOMPARE(model->neuron(ava).params[static_cast<size_t>(cmIndex)], 5.0);
        QCOMPARE(window.undoStack()->count(), 1);
        QVERIFY(window.isModified());
        QVERIFY(simulated.wait(60000));
        QCOMPARE(simulated.last().at(0).value<SimulationOutput>().circuit.neurons[2].params[static_cast<size_t>(cmIndex)], 5.0);
        window.undoStack()->undo();
        QCOMPARE(model->neuron(ava).params[static_cast<size_t>(cmIndex)], before);
        QCOMPARE(cm->value(), before);
        QVERIFY(!window.isModified());

        // Fixing a parameter for the fit is remembered by its layout name.
        window.inspector()->fixedBox(QStringLiteral("C_m"))->setChecked(true);
        QVERIFY(window.inspector()->fixedParameters().contains(QStringLiteral("AVA/C_m")));

        // With the inhibitory tool, drag from AVB to ASH: a new inhibitory synapse.
        const NeuronId avb = model->neuronIdByLabel(QStringLiteral("AVB"));
        const NeuronId ash = model->neuronIdByLabel(QStringLiteral("ASH"));
        window.scene()->setTool(CircuitScene::Tool::Inhibitory);
        const QPoint from = viewPoint(view, window.scene()->neuronItem(avb)->pos());
        const QPoint to = viewPoint(view, window.scene()->neuronItem(ash)->pos());
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
        QTest::mouseMove(view->viewport(), (from + to) / 2);
        QTest::mouseMove(view->viewport(), to);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
        const ConnectionId created = model->findConnection(ConnectionKind::Synapse, avb, ash);
        QVERIFY(created != 0);
        QVERIFY(!model->connection(created).excitatory());
        QVERIFY(window.scene()->connectionItem(created));
        QVERIFY(!model->neuronIsExcitatory(avb));  // its only outgoing synapse is inhibitory

        // Select the new synapse and press Delete in the diagram.
        window.scene()->setTool(CircuitScene::Tool::Select);
        window.scene()->clearSelection();
        window.scene()->connectionItem(created)->setSelected(true);
        QCOMPARE(window.inspector()->shownConnection(), created);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Delete);
        QVERIFY(!model->hasConnection(created));
        window.undoStack()->undo();
        QVERIFY(model->hasConnection(created));
        window.undoStack()->redo();

        // Drag ASH 80 px to the right: one merged move command.
        const int stepsBefore = window.undoStack()->count();
        window.scene()->clearSelection();
        const QPointF ashStart = model->position(ash);
        const QPoint p0 = viewPoint(view, ashStart);
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, p0);
        for (int dx = 10; dx <= 80; dx += 10) QTest::mouseMove(view->viewport(), p0 + QPoint(dx, 0));
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, p0 + QPoint(80, 0));
        QCOMPARE(window.undoStack()->count(), stepsBefore + 1);
        QVERIFY(model->position(ash).x() > ashStart.x() + 20);
        window.undoStack()->undo();
        QCOMPARE(model->position(ash), ashStart);

        // A fourth stimulus entry shows up in the next simulation's batch.
        simulated.clear();
        const int entries = static_cast<int>(window.stimulusEditor()->spec().entries.size());
        window.stimulusEditor()->addEntry();
        QVERIFY(simulated.wait(60000));
        QCOMPARE(simulated.last().at(0).value<SimulationOutput>().trajectory.batch, entries + 1);
    }

    void projectSaveAndReopenThroughTheWindow() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("saved.json"));
        MainWindow window(testOptions());
        const NeuronId aib = window.model()->neuronIdByLabel(QStringLiteral("AIB"));
        window.scene()->selectNeuron(aib);
        window.scene()->deleteSelection();
        QCOMPARE(window.model()->neuronCount(), 3);
        QVERIFY(window.isModified());
        QVERIFY(window.saveProjectAs(path));
        QVERIFY(!window.isModified());
        QVERIFY(window.windowTitle().contains(QStringLiteral("saved.json")));

        MainWindow other(testOptions());
        QVERIFY(other.openProject(path));
        QCOMPARE(other.model()->neuronCount(), 3);
        QCOMPARE(other.model()->neuronIdByLabel(QStringLiteral("AIB")), NeuronId(0));
        QVERIFY(!other.openProject(dir.filePath(QStringLiteral("missing.json"))));
        QCOMPARE(other.model()->neuronCount(), 3);  // a failed open leaves the project alone
    }

    void droppedCsvBecomesTheTarget() {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("trace.csv"));
        {
            QFile f(good);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("t,V_AVA,i_ASH\n");
            for (int k = 0; k <= 100; ++k) f.write(QByteArray::number(k * 1.0) + "," + QByteArray::number(-60.0 + k * 0.1) + ",5\n");
        }
        const QString bad = dir.filePath(QStringLiteral("bad.csv"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("time,value\n1,2\n3,4\n");
        }
        MainWindow window(testOptions());
        QVERIFY(window.loadTargetTrace(good));
        QVERIFY(!window.loadTargetTrace(bad));
        QVERIFY(!window.loadTargetTrace(dir.filePath(QStringLiteral("absent.csv"))));
        window.simulateNow();
        TracePlots* plots = window.tracePlots();
        plots->redrawNow();
        auto graph = [plots](const QString& name, int nth = 0) -> QCPGraph* {
            for (int g = 0; g < plots->plot()->graphCount(); ++g)
                if (plots->plot()->graph(g)->name() == name && nth-- == 0) return plots->plot()->graph(g);
            return nullptr;
        };
        // The target is shown beside the current it was recorded with (the file's i_ASH = 5,
        // not the example's own stimulus), and only on AVA.
        QCOMPARE(plots->stimulusBox()->currentText(), QStringLiteral("recorded: trace.csv"));
        QVERIFY(graph(QStringLiteral("target AVA")));
        int targets = 0;
        for (int g = 0; g < plots->plot()->graphCount(); ++g)
            targets += plots->plot()->graph(g)->name().startsWith(QStringLiteral("target")) ? 1 : 0;
        QCOMPARE(targets, 1);
        QCPGraph* injected = graph(QStringLiteral("ASH"), 2);  // V, Ca, then I inj
        QVERIFY(injected);
        QCOMPARE(injected->data()->at(50)->value, 5.0);
        // The circuit's own stimulus entries show no target.
        plots->stimulusBox()->setCurrentIndex(0);
        plots->redrawNow();
        QVERIFY(!graph(QStringLiteral("target AVA")));
        QVERIFY(graph(QStringLiteral("ASH"), 2)->data()->at(50)->value != 5.0);
    }

    // A target file without an input current is loaded with a warning: the circuit is driven
    // by the Stimuli panel's first entry instead.
    void targetWithoutCurrentWarns() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v_only.csv"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("t,V_AVA\n");
            for (int k = 0; k <= 50; ++k) f.write(QByteArray::number(k * 1.0) + ",-60\n");
        }
        MainWindow window(testOptions());
        QVERIFY(window.loadTargetTrace(path));
        QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("no input current")),
                 qPrintable(window.statusBar()->currentMessage()));
    }

    // Renaming the selected neuron keeps its curves; a target on one neuron makes it the only
    // observed one.
    void renameKeepsCurvesAndTargetsPickObservedNeurons() {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("ava.csv"));
        {
            QFile f(good);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("t,V_AVA\n0,-60\n0.1,-59\n0.2,-58\n0.3,-57\n0.4,-56\n");
        }
        MainWindow window(testOptions());
        QVERIFY(window.simulateNow());
        const NeuronId ava = window.model()->neuronIdByLabel(QStringLiteral("AVA"));
        window.scene()->neuronItem(ava)->setSelected(true);
        window.tracePlots()->redrawNow();
        const int curves = window.tracePlots()->graphCount();
        QVERIFY(curves > 0);
        window.undoStack()->push(new RenameNeuronCommand(window.model(), ava, QStringLiteral("AVAX")));
        QVERIFY(window.simulateNow());
        window.tracePlots()->redrawNow();
        QCOMPARE(window.tracePlots()->graphCount(), curves);
        window.undoStack()->undo();

        QVERIFY(window.loadTargetTrace(good));
        QListWidget* observed = window.fitPanel()->observedList();
        for (int k = 0; k < observed->count(); ++k)
            QCOMPARE(observed->item(k)->checkState() == Qt::Checked, observed->item(k)->text() == QStringLiteral("AVA"));
    }
};

QTEST_MAIN(TestUiFlow)
#include "test_ui_flow.moc"
