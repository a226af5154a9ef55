// Inspector > Reset all > ODYNN DEFAULT_2: the named celegans parameter set in one undo step.
#include <QDoubleSpinBox>
#include <QTest>
#include <QUndoStack>

#include "editor/circuit_graph_model.hpp"
#include "editor/inspector_panel.hpp"
#include "odynn/parameter_presets.hpp"

using namespace odynn;
using namespace odynn::ui;

class TestInspectorPresets : public QObject {
    Q_OBJECT
private slots:
    void default2IsOneUndoStep() {
        Circuit c;
        c.addNeuron("AVA");
        c.addNeuron("H", "hhsimple");
        CircuitGraphModel model;
        model.setCircuit(c);
        QUndoStack undo;
        InspectorPanel panel(&model, &undo);
        const NeuronId ava = model.neuronIdByLabel(QStringLiteral("AVA"));
        panel.showNeuron(ava);
        QCOMPARE(panel.spinBox(QStringLiteral("g_Ks"))->value(), 10.0);
        panel.resetToPreset("default2");
        QCOMPARE(model.neuron(ava).params, *parameterPreset("celegans", "default2"));
        QCOMPARE(panel.spinBox(QStringLiteral("g_Ks"))->value(), 6.0);
        QCOMPARE(undo.count(), 1);
        undo.undo();
        QCOMPARE(model.neuron(ava).params, modelSpec("celegans").defaults());

        const NeuronId h = model.neuronIdByLabel(QStringLiteral("H"));
        panel.showNeuron(h);
        panel.resetToPreset("default2");  // hhsimple has no DEFAULT_2: nothing happens
        QCOMPARE(model.neuron(h).params, modelSpec("hhsimple").defaults());
    }
};

QTEST_MAIN(TestInspectorPresets)
#include "test_inspector_presets.moc"
