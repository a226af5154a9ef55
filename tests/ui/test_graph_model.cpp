// Signals of CircuitGraphModel, checked without any view.
#include <QSignalSpy>
#include <QTest>

#include "editor/circuit_graph_model.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
Neuron makeNeuron(const char* label, Role role = Role::Inter) {
    Neuron n;
    n.label = label;
    n.role = role;
    n.params = modelSpec("celegans").defaults();
    return n;
}
}  // namespace

class TestGraphModel : public QObject {
    Q_OBJECT
private slots:
    void addNeuronEmitsSignalWithNewId() {
        CircuitGraphModel model;
        QSignalSpy added(&model, &CircuitGraphModel::neuronAdded);
        QSignalSpy changed(&model, &CircuitGraphModel::changed);
        const NeuronId a = model.insertNeuron(makeNeuron("A"));
        const NeuronId b = model.insertNeuron(makeNeuron("B"));
        QCOMPARE(added.count(), 2);
        QCOMPARE(added.at(0).at(0).value<NeuronId>(), a);
        QCOMPARE(added.at(1).at(0).value<NeuronId>(), b);
        QVERIFY(a != b);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(model.neuronCount(), 2);
        QCOMPARE(model.label(b), QStringLiteral("B"));
    }

    void connectionsSignalAndMapToCircuitIndices() {
        CircuitGraphModel model;
        const NeuronId a = model.insertNeuron(makeNeuron("A"));
        const NeuronId b = model.insertNeuron(makeNeuron("B"));
        QSignalSpy added(&model, &CircuitGraphModel::connectionAdded);
        Connection syn{ConnectionKind::Synapse, a, b, presets::inhibitory1, 0};
        Connection gap{ConnectionKind::Gap, a, b, {}, 0.3};
        const ConnectionId s = model.insertConnection(syn);
        const ConnectionId g = model.insertConnection(gap);
        QCOMPARE(added.count(), 2);
        QCOMPARE(model.circuit().synapses.size(), size_t(1));
        QCOMPARE(model.circuit().synapses[0].pre, 0);
        QCOMPARE(model.circuit().synapses[0].post, 1);
        QCOMPARE(model.circuit().synapses[0].p.E, -70.0);
        QCOMPARE(model.circuit().gaps[0].G_gap, 0.3);
        QCOMPARE(model.connection(g).kind, ConnectionKind::Gap);
        QCOMPARE(model.connectionsOf(a).size(), 2);
        // A gap junction is undirected: B--A is the same junction.
        QCOMPARE(model.findConnection(ConnectionKind::Gap, b, a), g);
        QVERIFY(!model.connectionProblem(ConnectionKind::Gap, b, a).isEmpty());
        QVERIFY(!model.connectionProblem(ConnectionKind::Synapse, a, b).isEmpty());
        QVERIFY(model.connectionProblem(ConnectionKind::Synapse, b, a).isEmpty());
        QVERIFY(!model.connectionProblem(ConnectionKind::Gap, a, a).isEmpty());
        QCOMPARE(model.synapseIndex(s), 0);
        QCOMPARE(model.gapIndex(s), -1);
    }

    void removingANeuronRemovesItsConnectionsFirstAndShiftsIndices() {
        CircuitGraphModel model;
        const NeuronId a = model.insertNeuron(makeNeuron("A"));
        const NeuronId b = model.insertNeuron(makeNeuron("B"));
        const NeuronId c = model.insertNeuron(makeNeuron("C"));
        const ConnectionId ab = model.insertConnection({ConnectionKind::Synapse, a, b, presets::excitatory1, 0});
        const ConnectionId bc = model.insertConnection({ConnectionKind::Synapse, b, c, presets::excitatory1, 0});
        const ConnectionId ac = model.insertConnection({ConnectionKind::Gap, a, c, {}, 0.2});

        QStringList order;
        connect(&model, &CircuitGraphModel::connectionRemoved, this, [&](ConnectionId id) {
            order << QStringLiteral("c%1").arg(id);
        });
        connect(&model, &CircuitGraphModel::neuronRemoved, this, [&](NeuronId id) { order << QStringLiteral("n%1").arg(id); });
        model.eraseNeuron(b);
        QCOMPARE(order, (QStringList{QStringLiteral("c%1").arg(ab), QStringLiteral("c%1").arg(bc), QStringLiteral("n%1").arg(b)}));
        QVERIFY(!model.hasConnection(ab));
        QVERIFY(model.hasConnection(ac));
        // C moved from index 2 to 1; the gap junction follows it.
        QCOMPARE(model.neuronIndex(c), 1);
        QCOMPARE(model.circuit().gaps[0].b, 1);
        QCOMPARE(model.connection(ac).to, c);
    }

    void editsEmitChangedSignalsForTheRightIds() {
        CircuitGraphModel model;
        const NeuronId a = model.insertNeuron(makeNeuron("A"));
        const NeuronId b = model.insertNeuron(makeNeuron("B"));
        const ConnectionId s = model.insertConnection({ConnectionKind::Synapse, a, b, presets::excitatory1, 0});
        QSignalSpy neuronChanged(&model, &CircuitGraphModel::neuronChanged);
        QSignalSpy moved(&model, &CircuitGraphModel::neuronMoved);
        QSignalSpy connectionChanged(&model, &CircuitGraphModel::connectionChanged);
        QSignalSpy dt(&model, &CircuitGraphModel::dtChanged);

        Neuron n = model.neuron(b);
        n.role = Role::Command;
        model.setNeuron(b, n);
        model.setPosition(a, QPointF(12, -7));
        Connection c = model.connection(s);
        c.synapse.G = 0.25;
        model.setConnection(s, c);
        model.setDt(0.05);
        model.setDt(0.05);  // unchanged: no signal

        QCOMPARE(neuronChanged.count(), 1);
        QCOMPARE(neuronChanged.at(0).at(0).value<NeuronId>(), b);
        QCOMPARE(moved.count(), 1);
        QCOMPARE(model.position(a), QPointF(12, -7));
        QCOMPARE(connectionChanged.count(), 1);
        QCOMPARE(model.circuit().synapses[0].p.G, 0.25);
        QCOMPARE(dt.count(), 1);
        QCOMPARE(model.circuit().neurons[1].role, Role::Command);
    }

    void neuronColourFollowsMajorityOfOutgoingSynapses() {
        CircuitGraphModel model;
        const NeuronId a = model.insertNeuron(makeNeuron("A"));
        const NeuronId b = model.insertNeuron(makeNeuron("B"));
        const NeuronId c = model.insertNeuron(makeNeuron("C"));
        QVERIFY(model.neuronIsExcitatory(a));  // no outgoing synapse
        model.insertConnection({ConnectionKind::Synapse, a, b, presets::inhibitory1, 0});
        QVERIFY(!model.neuronIsExcitatory(a));
        model.insertConnection({ConnectionKind::Synapse, a, c, presets::excitatory2, 0});
        QVERIFY(model.neuronIsExcitatory(a));  // a tie counts as excitatory
        model.insertConnection({ConnectionKind::Synapse, a, a, presets::inhibitory2, 0});
        QVERIFY(!model.neuronIsExcitatory(a));
        // E = -60 mV is the boundary: not excitatory.
        Connection edge{ConnectionKind::Synapse, b, c, {0.5, -20, 5, -60.0}, 0};
        QVERIFY(!edge.excitatory());
    }

    void setCircuitResetsAndReissuesIds() {
        CircuitGraphModel model;
        const NeuronId old = model.insertNeuron(makeNeuron("A"));
        QSignalSpy reset(&model, &CircuitGraphModel::modelReset);
        Circuit circuit;
        circuit.addNeuron("X");
        circuit.addNeuron("Y", "leaky", Role::Sensory);
        circuit.synapses.push_back({0, 1, presets::excitatory1});
        model.setCircuit(circuit);
        QCOMPARE(reset.count(), 1);
        QVERIFY(!model.hasNeuron(old));
        QCOMPARE(model.neuronIds().size(), 2);
        QCOMPARE(model.connectionIds().size(), 1);
        QCOMPARE(model.neuronIdByLabel(QStringLiteral("Y")), model.neuronIdAt(1));
        QCOMPARE(model.uniqueLabel(), QStringLiteral("N2"));
    }
};

QTEST_GUILESS_MAIN(TestGraphModel)
#include "test_graph_model.moc"
