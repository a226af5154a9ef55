// First start: the welcome view stands in for the diagram and opens each example with one
// click: tap withdrawal (a connectome circuit touched front and back), the AVAL calcium fit
// (its recording bundled, 5 targets with their own input current) and the whole worm (302
// neurons, motor neurons with the motor role, no neuron covering another).
#include <QElapsedTimer>
#include <QPushButton>
#include <QLabel>
#include <QStatusBar>
#include <QTest>
#include <qcustomplot.h>

#include "editor/circuit_graph_model.hpp"
#include "editor/circuit_items.hpp"
#include "editor/circuit_scene.hpp"
#include "editor/circuit_view.hpp"
#include "editor/stimulus_editor.hpp"
#include "plots/trace_plots.hpp"
#include "window/main_window.hpp"
#include "window/welcome_view.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
MainWindow::Options welcomeOptions() {
    MainWindow::Options o;
    o.showDialogs = false;
    o.restoreSettings = false;
    o.offerRecovery = false;
    o.autoSimulate = false;
    o.showWelcome = true;
    return o;
}

// The whole circuit is inside the diagram's viewport, at a readable scale.
bool wholeCircuitInView(MainWindow& window) {
    CircuitView* view = window.view();
    const QRect shown = view->mapFromScene(window.scene()->contentRect()).boundingRect();
    return view->viewport()->rect().adjusted(-2, -2, 2, 2).contains(shown) &&
           (shown.width() > view->viewport()->width() / 4 || shown.height() > view->viewport()->height() / 4);
}

int roleCount(const Circuit& c, Role role) {
    int n = 0;
    for (const Neuron& neuron : c.neurons) n += neuron.role == role ? 1 : 0;
    return n;
}
}  // namespace

class TestWelcomeView : public QObject {
    Q_OBJECT
private slots:
    void shownAtStartUntilAProjectIsChosen() {
        MainWindow window(welcomeOptions());
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.welcomeShown());
        QVERIFY(window.welcomeView()->isVisible());
        for (const ExampleInfo& info : examples()) QVERIFY(window.welcomeView()->exampleButton(info.example)->isVisible());
        QTest::mouseClick(window.welcomeView()->emptyButton(), Qt::LeftButton);
        QVERIFY(!window.welcomeShown());
        QCOMPARE(window.model()->neuronCount(), 0);

        MainWindow::Options plain = welcomeOptions();
        plain.showWelcome = false;
        MainWindow noWelcome(plain);
        QVERIFY(!noWelcome.welcomeShown());
    }

    void tapWithdrawalInOneClick() {
        MainWindow window(welcomeOptions());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::mouseClick(window.welcomeView()->exampleButton(Example::TapWithdrawal), Qt::LeftButton);
        QVERIFY(!window.welcomeShown());
        // The docks come back and the diagram, resized with them, still shows the whole circuit
        // at a readable scale.
        QTRY_VERIFY(window.view()->followsContent());
        QTRY_VERIFY(wholeCircuitInView(window));
        const Circuit& c = window.model()->circuit();
        QCOMPARE(int(c.neurons.size()), 14);
        QCOMPARE(c.neurons[size_t(c.neuronIndex("PLML"))].role, Role::Sensory);
        QCOMPARE(c.neurons[size_t(c.neuronIndex("AVAL"))].role, Role::Command);
        const StimulusSpec& spec = window.stimulusEditor()->spec();
        QCOMPARE(spec.entries.size(), 2);
        QCOMPARE(spec.entries[0].name, QStringLiteral("anterior touch"));
        QVERIFY(window.simulateNow());
        QCOMPARE(window.lastOutput()->trajectory.batch, 2);
        QCOMPARE(window.lastOutput()->trajectory.neurons, 14);
    }

    void avalCalciumFitInOneClick() {
        MainWindow window(welcomeOptions());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::mouseClick(window.welcomeView()->exampleButton(Example::AvalCalciumFit), Qt::LeftButton);
        QCOMPARE(window.model()->neuronCount(), 1);
        QCOMPARE(window.targetTraceCount(), 5);  // ODYNN's 5 training windows
        // One neuron is shown whole, at a capped zoom.
        QTRY_VERIFY(wholeCircuitInView(window));
        QVERIFY(window.simulateNow());
        // The plots offer each target beside its own recorded current; the first is shown.
        TracePlots* plots = window.tracePlots();
        int recorded = 0;
        for (int k = 0; k < plots->stimulusBox()->count(); ++k)
            recorded += plots->stimulusBox()->itemText(k).startsWith(QStringLiteral("recorded: ")) ? 1 : 0;
        QCOMPARE(recorded, 5);
        plots->redrawNow();
        QVERIFY(plots->stimulusBox()->currentText().startsWith(QStringLiteral("recorded: ")));
        bool target = false;
        for (int g = 0; g < plots->plot()->graphCount(); ++g)
            target |= plots->plot()->graph(g)->name() == QStringLiteral("target AVAL");
        QVERIFY(target);
    }

    void anotherExampleWhileNeuronsAreSelected() {
        // Clearing the diagram of a circuit with several neurons selected must not show the
        // last one left selected in the inspector: its id is gone with the circuit.
        MainWindow window(welcomeOptions());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openExample(Example::TapWithdrawal));
        window.scene()->neuronItem(window.model()->neuronIdAt(0))->setSelected(true);
        window.scene()->neuronItem(window.model()->neuronIdAt(1))->setSelected(true);
        QVERIFY2(window.openExample(Example::AvalCalciumFit), qPrintable(window.lastError()));
        QCOMPARE(window.model()->neuronCount(), 1);
    }

    void longStatusMessageLeavesThePermanentWidgetsTheirRoom() {
        // The example's description is longer than the room left of the simulation summary: it
        // is elided before the summary, with a gap, however wide the summary grows.
        MainWindow window(welcomeOptions());
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openExample(Example::AvalCalciumFit));
        QVERIFY(window.simulateNow());
        QStatusBar* bar = window.statusBar();
        auto summaryLeft = [bar] {
            int left = bar->width();
            for (const QLabel* l : bar->findChildren<QLabel*>())
                if (l->isVisible() && !l->text().isEmpty()) left = std::min(left, l->x());
            return left;
        };
        QTRY_VERIFY2(summaryLeft() < bar->width(), "no simulation summary in the status bar");
        QTRY_VERIFY2(6 + bar->fontMetrics().horizontalAdvance(bar->currentMessage()) + 8 < summaryLeft(),
                     qPrintable(bar->currentMessage()));
        QVERIFY2(bar->currentMessage().endsWith(QChar(0x2026)), qPrintable(bar->currentMessage()));
        QVERIFY(bar->toolTip().startsWith(QStringLiteral("Calcium fit: AVAL")));
    }

    void wholeWormInOneClick() {
        MainWindow window(welcomeOptions());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(window.welcomeView()->exampleButton(Example::WholeWorm), Qt::LeftButton);
        const qint64 openMs = clock.elapsed();
        const Circuit& c = window.model()->circuit();
        QCOMPARE(int(c.neurons.size()), 302);
        QVERIFY(roleCount(c, Role::Motor) >= 69);  // VA, VB, VD, DA, DB, DD, AS and more
        // No neuron's outline covers another's.
        QList<QRectF> outlines;
        for (int k = 0; k < window.model()->neuronCount(); ++k) {
            const NeuronItem* item = window.scene()->neuronItem(window.model()->neuronIdAt(k));
            outlines << item->mapToScene(item->shape()).boundingRect();
        }
        for (int a = 0; a < outlines.size(); ++a)
            for (int b = a + 1; b < outlines.size(); ++b) QVERIFY(!outlines[a].intersects(outlines[b]));
        clock.restart();
        QVERIFY(window.simulateNow());
        qInfo("whole worm: opened in %lld ms, simulated and drawn in %lld ms", openMs, clock.elapsed());
        QCOMPARE(window.lastOutput()->trajectory.neurons, 302);
        QCOMPARE(window.lastOutput()->trajectory.states, 2);  // V and Ca of all
        QCOMPARE(window.lastOutput()->detail.neurons, TracePlots::defaultNeuronCount);  // gates of those on screen
    }
};

QTEST_MAIN(TestWelcomeView)
#include "test_welcome_view.moc"
