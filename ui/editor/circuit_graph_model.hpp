#pragma once
// The editable circuit: an odynn::Circuit plus stable ids for its neurons and connections.
// Circuit indices shift when a neuron is removed, so the editor, the undo commands and the
// scene address everything by id. The model signals every change and knows nothing of views.
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>
#include <vector>

#include "odynn/circuit.hpp"

namespace odynn::ui {

using NeuronId = quint64;
using ConnectionId = quint64;

enum class ConnectionKind { Synapse, Gap };

// A chemical synapse (from = pre, to = post) or a gap junction (from = a, to = b).
struct Connection {
    ConnectionKind kind = ConnectionKind::Synapse;
    NeuronId from = 0, to = 0;
    SynapseParams synapse;           // used when kind == Synapse
    double gGap = presets::gap;      // mS/cm2, used when kind == Gap

    bool excitatory() const { return kind == ConnectionKind::Synapse && synapse.E > -60.0; }
};

class CircuitGraphModel : public QObject {
    Q_OBJECT
public:
    explicit CircuitGraphModel(QObject* parent = nullptr);

    const Circuit& circuit() const { return circuit_; }
    // Replaces everything; ids are reissued. Emits modelReset.
    void setCircuit(const Circuit& circuit);

    QList<NeuronId> neuronIds() const;
    QList<ConnectionId> connectionIds() const;
    int neuronCount() const { return static_cast<int>(circuit_.neurons.size()); }
    bool hasNeuron(NeuronId id) const { return neuronIndex(id) >= 0; }
    bool hasConnection(ConnectionId id) const;
    int neuronIndex(NeuronId id) const;  // -1 when unknown
    NeuronId neuronIdAt(int index) const { return neuronIds_.at(static_cast<size_t>(index)); }
    NeuronId neuronIdByLabel(const QString& label) const;  // 0 when unknown
    const Neuron& neuron(NeuronId id) const;
    QString label(NeuronId id) const;
    QPointF position(NeuronId id) const;  // origin when the neuron has none yet
    Connection connection(ConnectionId id) const;
    QList<ConnectionId> connectionsOf(NeuronId id) const;
    ConnectionId findConnection(ConnectionKind kind, NeuronId from, NeuronId to) const;  // 0: none

    // SPEC 2: a neuron is excitatory when most of its outgoing synapses are (ties and
    // neurons without outgoing synapses count as excitatory).
    bool neuronIsExcitatory(NeuronId id) const;
    // A label not used yet, e.g. "N3".
    QString uniqueLabel(const QString& base = QStringLiteral("N")) const;
    // Empty when the connection may be added, else why not.
    QString connectionProblem(ConnectionKind kind, NeuronId from, NeuronId to) const;

    double dt() const { return circuit_.dt; }

    // Index in circuit().synapses or circuit().gaps; -1 when the id is not of that kind.
    int synapseIndex(ConnectionId id) const;
    int gapIndex(ConnectionId id) const;

    // Raw edits, without undo; the undo commands call these. `id` 0 issues a new id;
    // a given id restores a removed item under its old id.
    NeuronId insertNeuron(const Neuron& neuron, NeuronId id = 0);
    void eraseNeuron(NeuronId id);  // also erases its connections
    ConnectionId insertConnection(const Connection& connection, ConnectionId id = 0);
    void eraseConnection(ConnectionId id);
    void setNeuron(NeuronId id, const Neuron& neuron);
    void setPosition(NeuronId id, QPointF pos);
    void setConnection(ConnectionId id, const Connection& connection);
    void setDt(double dt);

signals:
    void neuronAdded(odynn::ui::NeuronId id);
    void neuronRemoved(odynn::ui::NeuronId id);
    void neuronChanged(odynn::ui::NeuronId id);
    void neuronMoved(odynn::ui::NeuronId id);
    void connectionAdded(odynn::ui::ConnectionId id);
    void connectionRemoved(odynn::ui::ConnectionId id);
    void connectionChanged(odynn::ui::ConnectionId id);
    void dtChanged(double dt);
    void modelReset();
    // Any of the above; for "unsaved changes" and re-simulation.
    void changed();

private:
    quint64 issue(quint64 requested);

    Circuit circuit_;
    std::vector<NeuronId> neuronIds_;      // parallel to circuit_.neurons
    std::vector<ConnectionId> synapseIds_; // parallel to circuit_.synapses
    std::vector<ConnectionId> gapIds_;     // parallel to circuit_.gaps
    quint64 nextId_ = 1;
};

}  // namespace odynn::ui
