#include "editor/circuit_graph_model.hpp"

#include <algorithm>
#include <stdexcept>

namespace odynn::ui {

CircuitGraphModel::CircuitGraphModel(QObject* parent) : QObject(parent) {}

void CircuitGraphModel::setCircuit(const Circuit& circuit) {
    circuit_ = circuit;
    neuronIds_.clear();
    synapseIds_.clear();
    gapIds_.clear();
    for (size_t i = 0; i < circuit_.neurons.size(); ++i) neuronIds_.push_back(nextId_++);
    for (size_t i = 0; i < circuit_.synapses.size(); ++i) synapseIds_.push_back(nextId_++);
    for (size_t i = 0; i < circuit_.gaps.size(); ++i) gapIds_.push_back(nextId_++);
    emit modelReset();
    emit changed();
}

QList<NeuronId> CircuitGraphModel::neuronIds() const {
    return QList<NeuronId>(neuronIds_.begin(), neuronIds_.end());
}

QList<ConnectionId> CircuitGraphModel::connectionIds() const {
    QList<ConnectionId> ids(synapseIds_.begin(), synapseIds_.end());
    ids.append(QList<ConnectionId>(gapIds_.begin(), gapIds_.end()));
    return ids;
}

bool CircuitGraphModel::hasConnection(ConnectionId id) const {
    return synapseIndex(id) >= 0 || gapIndex(id) >= 0;
}

int CircuitGraphModel::neuronIndex(NeuronId id) const {
    auto it = std::find(neuronIds_.begin(), neuronIds_.end(), id);
    return it == neuronIds_.end() ? -1 : static_cast<int>(it - neuronIds_.begin());
}

int CircuitGraphModel::synapseIndex(ConnectionId id) const {
    auto it = std::find(synapseIds_.begin(), synapseIds_.end(), id);
    return it == synapseIds_.end() ? -1 : static_cast<int>(it - synapseIds_.begin());
}

int CircuitGraphModel::gapIndex(ConnectionId id) const {
    auto it = std::find(gapIds_.begin(), gapIds_.end(), id);
    return it == gapIds_.end() ? -1 : static_cast<int>(it - gapIds_.begin());
}

NeuronId CircuitGraphModel::neuronIdByLabel(const QString& label) const {
    const int index = circuit_.neuronIndex(label.toStdString());
    return index < 0 ? 0 : neuronIds_[static_cast<size_t>(index)];
}

const Neuron& CircuitGraphModel::neuron(NeuronId id) const {
    const int index = neuronIndex(id);
    if (index < 0) throw std::out_of_range("unknown neuron id");
    return circuit_.neurons[static_cast<size_t>(index)];
}

QString CircuitGraphModel::label(NeuronId id) const {
    return QString::fromStdString(neuron(id).label);
}

QPointF CircuitGraphModel::position(NeuronId id) const {
    const auto& pos = neuron(id).position;
    return pos ? QPointF((*pos)[0], (*pos)[1]) : QPointF();
}

Connection CircuitGraphModel::connection(ConnectionId id) const {
    Connection c;
    if (int s = synapseIndex(id); s >= 0) {
        const Synapse& syn = circuit_.synapses[static_cast<size_t>(s)];
        c.kind = ConnectionKind::Synapse;
        c.from = neuronIds_[static_cast<size_t>(syn.pre)];
        c.to = neuronIds_[static_cast<size_t>(syn.post)];
        c.synapse = syn.p;
        return c;
    }
    if (int g = gapIndex(id); g >= 0) {
        const Gap& gap = circuit_.gaps[static_cast<size_t>(g)];
        c.kind = ConnectionKind::Gap;
        c.from = neuronIds_[static_cast<size_t>(gap.a)];
        c.to = neuronIds_[static_cast<size_t>(gap.b)];
        c.gGap = gap.G_gap;
        return c;
    }
    throw std::out_of_range("unknown connection id");
}

QList<ConnectionId> CircuitGraphModel::connectionsOf(NeuronId id) const {
    const int index = neuronIndex(id);
    QList<ConnectionId> ids;
    for (size_t s = 0; s < circuit_.synapses.size(); ++s)
        if (circuit_.synapses[s].pre == index || circuit_.synapses[s].post == index)
            ids.append(synapseIds_[s]);
    for (size_t g = 0; g < circuit_.gaps.size(); ++g)
        if (circuit_.gaps[g].a == index || circuit_.gaps[g].b == index) ids.append(gapIds_[g]);
    return ids;
}

ConnectionId CircuitGraphModel::findConnection(ConnectionKind kind, NeuronId from, NeuronId to) const {
    const int a = neuronIndex(from), b = neuronIndex(to);
    if (kind == ConnectionKind::Synapse) {
        for (size_t s = 0; s < circuit_.synapses.size(); ++s)
            if (circuit_.synapses[s].pre == a && circuit_.synapses[s].post == b) return synapseIds_[s];
    } else {
        for (size_t g = 0; g < circuit_.gaps.size(); ++g) {
            const Gap& gap = circuit_.gaps[g];
            if ((gap.a == a && gap.b == b) || (gap.a == b && gap.b == a)) return gapIds_[g];
        }
    }
    return 0;
}

bool CircuitGraphModel::neuronIsExcitatory(NeuronId id) const {
    const int index = neuronIndex(id);
    int excitatory = 0, inhibitory = 0;
    for (const Synapse& s : circuit_.synapses) {
        if (s.pre != index) continue;
        (s.excitatory() ? excitatory : inhibitory)++;
    }
    return excitatory >= inhibitory;
}

QString CircuitGraphModel::uniqueLabel(const QString& base) const {
    for (int n = neuronCount();; ++n) {
        const QString candidate = base + QString::number(n);
        if (circuit_.neuronIndex(candidate.toStdString()) < 0) return candidate;
    }
}

QString CircuitGraphModel::connectionProblem(ConnectionKind kind, NeuronId from, NeuronId to) const {
    if (!hasNeuron(from) || !hasNeuron(to)) return tr("Unknown neuron.");
    if (kind == ConnectionKind::Gap && from == to)
        return tr("A gap junction needs two different neurons.");
    if (findConnection(kind, from, to) != 0)
        return kind == ConnectionKind::Gap ? tr("These neurons already share a gap junction.")
                                           : tr("This synapse already exists.");
    return {};
}

quint64 CircuitGraphModel::issue(quint64 requested) {
    if (requested == 0) return nextId_++;
    nextId_ = std::max(nextId_, requested + 1);
    return requested;
}

NeuronId CircuitGraphModel::insertNeuron(const Neuron& neuron, NeuronId id) {
    id = issue(id);
    circuit_.neurons.push_back(neuron);
    neuronIds_.push_back(id);
    emit neuronAdded(id);
    emit changed();
    return id;
}

void CircuitGraphModel::eraseNeuron(NeuronId id) {
    const int index = neuronIndex(id);
    if (index < 0) return;
    for (ConnectionId c : connectionsOf(id)) eraseConnection(c);
    circuit_.neurons.erase(circuit_.neurons.begin() + index);
    neuronIds_.erase(neuronIds_.begin() + index);
    // Edges address neurons by index: shift those above the removed one.
    for (Synapse& s : circuit_.synapses) {
        if (s.pre > index) --s.pre;
        if (s.post > index) --s.post;
    }
    for (Gap& g : circuit_.gaps) {
        if (g.a > index) --g.a;
        if (g.b > index) --g.b;
    }
    emit neuronRemoved(id);
    emit changed();
}

ConnectionId CircuitGraphModel::insertConnection(const Connection& c, ConnectionId id) {
    const int a = neuronIndex(c.from), b = neuronIndex(c.to);
    if (a < 0 || b < 0) throw std::out_of_range("connection to an unknown neuron");
    id = issue(id);
    if (c.kind == ConnectionKind::Synapse) {
        circuit_.synapses.push_back(Synapse{a, b, c.synapse});
        synapseIds_.push_back(id);
    } else {
        circuit_.gaps.push_back(Gap{a, b, c.gGap});
        gapIds_.push_back(id);
    }
    emit connectionAdded(id);
    emit changed();
    return id;
}

void CircuitGraphModel::eraseConnection(ConnectionId id) {
    if (int s = synapseIndex(id); s >= 0) {
        circuit_.synapses.erase(circuit_.synapses.begin() + s);
        synapseIds_.erase(synapseIds_.begin() + s);
    } else if (int g = gapIndex(id); g >= 0) {
        circuit_.gaps.erase(circuit_.gaps.begin() + g);
        gapIds_.erase(gapIds_.begin() + g);
    } else {
        return;
    }
    emit connectionRemoved(id);
    emit changed();
}

void CircuitGraphModel::setNeuron(NeuronId id, const Neuron& neuron) {
    const int index = neuronIndex(id);
    if (index < 0) return;
    circuit_.neurons[static_cast<size_t>(index)] = neuron;
    emit neuronChanged(id);
    emit changed();
}

void CircuitGraphModel::setPosition(NeuronId id, QPointF pos) {
    const int index = neuronIndex(id);
    if (index < 0) return;
    circuit_.neurons[static_cast<size_t>(index)].position = std::array<double, 2>{pos.x(), pos.y()};
    emit neuronMoved(id);
    emit changed();
}

void CircuitGraphModel::setConnection(ConnectionId id, const Connection& c) {
    if (int s = synapseIndex(id); s >= 0) {
        circuit_.synapses[static_cast<size_t>(s)].p = c.synapse;
    } else if (int g = gapIndex(id); g >= 0) {
        circuit_.gaps[static_cast<size_t>(g)].G_gap = c.gGap;
    } else {
        return;
    }
    emit connectionChanged(id);
    emit changed();
}

void CircuitGraphModel::setDt(double dt) {
    if (dt == circuit_.dt) return;
    circuit_.dt = dt;
    emit dtChanged(dt);
    emit changed();
}

}  // namespace odynn::ui
