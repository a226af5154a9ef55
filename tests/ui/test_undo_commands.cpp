// Every undo command through a QUndoStack: redo, undo and redo again restore the exact
// circuit, and consecutive moves or slider changes merge into one step.
#include <QTest>
#include <QUndoStack>

#include "editor/circuit_commands.hpp"
#include "editor/circuit_graph_model.hpp"
#include "odynn/circuit_io.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
std::string dump(const CircuitGraphModel& model) { return circuitToJson(model.circuit()).dump(); }

Neuron makeNeuron(const char* label) {
    Neuron n;
    n.label = label;
    n.params = modelSpec("celegans").defaults();
    n.position = std::array<double, 2>{0.0, 0.0};
    return n;
}

// Pushes `command`, then checks undo restores `before` and redo restores the state after it.
void checkRoundTrip(QUndoStack& stack, CircuitGraphModel& model, QUndoCommand* command) {
    const std::string before = dump(model);
    stack.push(command);
    const std::string after = dump(model);
    QVERIFY2(before != after, "the command changed nothing");
    stack.undo();
    QCOMPARE(dump(model), before);
    stack.redo();
    QCOMPARE(dump(model), after);
}
}  // namespace

class TestUndoCommands : public QObject {
    Q_OBJECT
private slots:
    void lstmNeuronsAreAddedAndSwitchedUndoably() {
        // The editor's LSTM tool: a neuron whose parameters are a network's weights.
        CircuitGraphModel model;
        QUndoStack stack;
        auto* addA = new AddNeuronCommand(&model, makeNeuron("A"));
        checkRoundTrip(stack, model, addA);
        checkRoundTrip(stack, model, new SetModelCommand(&model, addA->neuronId(), "lstm"));
        const Neuron& n = model.neuron(addA->neuronId());
        QCOMPARE(n.model, std::string("lstm"));
        QVERIFY(n.params.size() > 1000);  // 50 units: ~10^4 TensorFlow-initialised weights
        model.circuit().validate();
        const Circuit back = circuitFromJson(circuitToJson(model.circuit()));
        QVERIFY(back.neurons[0].params == n.params);
    }

    void everyCommandUndoesAndRedoes() {
        CircuitGraphModel model;
        QUndoStack stack;
        auto* addA = new AddNeuronCommand(&model, makeNeuron("A"));
        checkRoundTrip(stack, model, addA);
        auto* addB = new AddNeuronCommand(&model, makeNeuron("B"));
        checkRoundTrip(stack, model, addB);
        const NeuronId a = addA->neuronId(), b = addB->neuronId();
        QVERIFY(model.hasNeuron(a) && model.hasNeuron(b));

        auto* syn = new AddConnectionCommand(&model, {ConnectionKind::Synapse, a, b, presets::inhibitory2, 0});
        checkRoundTrip(stack, model, syn);
        auto* gap = new AddConnectionCommand(&model, {ConnectionKind::Gap, a, b, {}, presets::gap});
        checkRoundTrip(stack, model, gap);
        QCOMPARE(model.circuit().synapses.at(0).p.E, presets::inhibitory2.E);

        checkRoundTrip(stack, model, new RenameNeuronCommand(&model, a, QStringLiteral("AVA")));
        QCOMPARE(model.label(a), QStringLiteral("AVA"));
        checkRoundTrip(stack, model, new SetRoleCommand(&model, a, Role::Sensory));
        QCOMPARE(model.neuron(a).role, Role::Sensory);
        checkRoundTrip(stack, model, new SetModelCommand(&model, b, "leaky"));
        QCOMPARE(model.neuron(b).params, modelSpec("leaky").defaults());
        checkRoundTrip(stack, model, new SetNeuronParamCommand(&model, a, 0, 12.5));
        QCOMPARE(model.neuron(a).params[0], 12.5);

        Connection changed = model.connection(syn->connectionId());
        changed.synapse.G = 0.123;
        checkRoundTrip(stack, model, new SetConnectionParamsCommand(&model, syn->connectionId(), changed));
        checkRoundTrip(stack, model, new SetDtCommand(&model, 0.25));
        QCOMPARE(model.dt(), 0.25);
        checkRoundTrip(stack, model, new RemoveConnectionCommand(&model, gap->connectionId()));

        // Removing a neuron takes its synapse along; undo brings both back under their ids.
        const ConnectionId synId = syn->connectionId();
        checkRoundTrip(stack, model, new RemoveNeuronCommand(&model, b));
        stack.undo();
        QVERIFY(model.hasNeuron(b));
        QVERIFY(model.hasConnection(synId));
        QCOMPARE(model.connection(synId).to, b);

        Circuit fitted = model.circuit();
        fitted.neurons[0].params[0] = 3.0;
        fitted.synapses[0].p.mdp = -42.0;
        checkRoundTrip(stack, model, new ApplyParametersCommand(&model, fitted, QStringLiteral("apply")));
        QCOMPARE(model.circuit().synapses[0].p.mdp, -42.0);

        // The whole history unwinds to an empty circuit and replays to the same end.
        const std::string end = dump(model);
        while (stack.canUndo()) stack.undo();
        QCOMPARE(model.neuronCount(), 0);
        while (stack.canRedo()) stack.redo();
        QCOMPARE(dump(model), end);
    }

    void consecutiveMovesMergeIntoOneStep() {
        CircuitGraphModel model;
        QUndoStack stack;
        const NeuronId a = model.insertNeuron(makeNeuron("A"));
        const NeuronId b = model.insertNeuron(makeNeuron("B"));
        stack.push(new MoveNeuronsCommand(&model, {{a, QPointF(0, 0)}}, {{a, QPointF(10, 0)}}));
        stack.push(new MoveNeuronsCommand(&model, {{a, QPointF(10, 0)}}, {{a, QPointF(20, 5)}}));
        stack.push(new MoveNeuronsCommand(&model, {{a, QPointF(20, 5)}}, {{a, QPointF(30, 9)}}));
        QCOMPARE(stack.count(), 1);
        QCOMPARE(model.position(a), QPointF(30, 9));
        stack.undo();
        QCOMPARE(model.position(a), QPointF(0, 0));
        stack.redo();
        QCOMPARE(model.position(a), QPointF(30, 9));

        // Moving another neuron is a new step; so is moving both together.
        stack.push(new MoveNeuronsCommand(&model, {{b, QPointF(0, 0)}}, {{b, QPointF(1, 1)}}));
        QCOMPARE(stack.count(), 2);
        stack.push(new MoveNeuronsCommand(&model, {{a, QPointF(30, 9)}, {b, QPointF(1, 1)}},
                                          {{a, QPointF(31, 9)}, {b, QPointF(2, 1)}}));
        stack.push(new MoveNeuronsCommand(&model, {{b, QPointF(2, 1)}, {a, QPointF(31, 9)}},
                                          {{b, QPointF(3, 1)}, {a, QPointF(32, 9)}}));
        QCOMPARE(stack.count(), 3);
        stack.undo();
        QCOMPARE(model.position(a), QPointF(30, 9));
        QCOMPARE(model.position(b), QPointF(1, 1));
    }

    void sliderChangesOfOneParameterMerge() {
        CircuitGraphModel model;
        QUndoStack stack;
        const NeuronId a = model.insertNeuron(makeNeuron("A"));
        const double original = model.neuron(a).params[1];
        for (double v : {1.0, 2.0, 3.0}) stack.push(new SetNeuronParamCommand(&model, a, 1, v));
        QCOMPARE(stack.count(), 1);
        stack.push(new SetNeuronParamCommand(&model, a, 2, 0.5));  // another parameter: new step
        QCOMPARE(stack.count(), 2);
        stack.undo();
        stack.undo();
        QCOMPARE(model.neuron(a).params[1], original);
    }
};

QTEST_GUILESS_MAIN(TestUndoCommands)
#include "test_undo_commands.moc"
