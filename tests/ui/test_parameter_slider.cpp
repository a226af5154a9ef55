// The inspector's sliders: conductances move on a logarithmic scale, other parameters on a
// linear one; Shift makes dragging and arrow keys ten times finer; a drag edits the circuit.
#include <QApplication>
#include <QMouseEvent>
#include <QTest>
#include <QUndoStack>
#include <cmath>

#include "editor/circuit_graph_model.hpp"
#include "editor/inspector_panel.hpp"
#include "editor/parameter_slider.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {

void sendMouse(QWidget* w, QEvent::Type type, double x, Qt::KeyboardModifiers modifiers) {
    const QPointF local(x, w->height() / 2.0);
    QMouseEvent event(type, local, w->mapToGlobal(local), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton,
                      type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton, modifiers);
    QApplication::sendEvent(w, &event);
}

// Positions the handle moves for a drag of `pixels` from the middle of the slider.
int dragDistance(ParameterSlider& s, double pixels, Qt::KeyboardModifiers modifiers) {
    const double x = s.width() / 2.0;
    sendMouse(&s, QEvent::MouseButtonPress, x, modifiers);
    const int start = s.value();
    for (int k = 1; k <= 4; ++k) sendMouse(&s, QEvent::MouseMove, x + pixels * k / 4, modifiers);
    const int moved = s.value() - start;
    sendMouse(&s, QEvent::MouseButtonRelease, x + pixels, modifiers);
    return moved;
}

}  // namespace

class TestParameterSlider : public QObject {
    Q_OBJECT
private slots:
    void scales() {
        const SliderScale g = SliderScale::forRange(1e-7, 0.5);
        QVERIFY(g.logarithmic);
        QVERIFY(std::abs(g.valueAt(0.5) - std::sqrt(1e-7 * 0.5)) < 1e-12);  // the geometric middle
        QVERIFY(std::abs(g.fractionOf(1e-4) - std::log(1e-4 / 1e-7) / std::log(0.5 / 1e-7)) < 1e-12);
        QCOMPARE(g.fractionOf(0.0), 0.0);  // below the range: the left end, never NaN
        const SliderScale decay = SliderScale::forRange(10, 500);
        QVERIFY(!decay.logarithmic);
        QCOMPARE(decay.valueAt(0.5), 255.0);
        QVERIFY(!SliderScale::forRange(-90, 20).logarithmic);
    }

    void conductancesAreLogarithmic() {
        Circuit c;
        c.addNeuron("A");
        c.addNeuron("B");
        c.synapses.push_back({0, 1, presets::excitatory1});
        CircuitGraphModel model;
        model.setCircuit(c);
        QUndoStack undo;
        InspectorPanel panel(&model, &undo);
        panel.showNeuron(model.neuronIdByLabel(QStringLiteral("A")));
        for (const char* name : {"g_Ca", "g_Kf", "g_Ks", "g_L"}) QVERIFY2(panel.slider(name)->scale().logarithmic, name);
        QVERIFY(!panel.slider(QStringLiteral("decay_ca"))->scale().logarithmic);
        panel.showConnection(model.connectionIds().first());
        ParameterSlider* g = panel.slider(QStringLiteral("G"));
        QVERIFY(g && g->scale().logarithmic);
        QVERIFY(!panel.slider(QStringLiteral("mdp"))->scale().logarithmic);
        // The handle sits where the value is on the log scale (G 0.5 of [1e-7, 0.5]: the right end).
        QCOMPARE(g->value(), ParameterSlider::positions);
        // Moving it to the middle edits the synapse to the geometric middle, one undo step.
        g->setValue(ParameterSlider::positions / 2);
        QVERIFY(std::abs(model.circuit().synapses[0].p.G - std::sqrt(1e-7 * 0.5)) < 1e-12);
        QCOMPARE(undo.count(), 1);
    }

    void shiftIsTenTimesFiner() {
        ParameterSlider s(SliderScale::forRange(0, 1));
        s.resize(400, 24);
        s.show();
        QVERIFY(QTest::qWaitForWindowExposed(&s));
        const int coarse = dragDistance(s, 40, Qt::NoModifier);
        s.setParameterValue(0.5);
        const int fine = dragDistance(s, 40, Qt::ShiftModifier);
        QVERIFY2(coarse > 500, qPrintable(QString::number(coarse)));  // 40 of about 380 px: a tenth of the range
        QVERIFY2(std::abs(fine * ParameterSlider::fineFactor - coarse) <= ParameterSlider::fineFactor * 2,
                 qPrintable(QStringLiteral("%1 vs %2").arg(fine).arg(coarse)));
        // A Shift click does not jump the handle to the pointer.
        s.setParameterValue(0.5);
        sendMouse(&s, QEvent::MouseButtonPress, 5, Qt::ShiftModifier);
        sendMouse(&s, QEvent::MouseButtonRelease, 5, Qt::ShiftModifier);
        QCOMPARE(s.value(), ParameterSlider::positions / 2);

        const int before = s.value();
        QTest::keyClick(&s, Qt::Key_Right);
        QCOMPARE(s.value() - before, s.singleStep());
        QTest::keyClick(&s, Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(s.value() - before, s.singleStep() + s.singleStep() / ParameterSlider::fineFactor);
    }
};

QTEST_MAIN(TestParameterSlider)
#include "test_parameter_slider.moc"
