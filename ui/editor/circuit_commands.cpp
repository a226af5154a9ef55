#include "editor/circuit_commands.hpp"

#include <QCoreApplication>
#include <QSet>

#include "odynn/model.hpp"

namespace odynn::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("CircuitCommands", text); }
}  // namespace

AddNeuronCommand::AddNeuronCommand(CircuitGraphModel* model, Neuron neuron, QUndoCommand* parent)
    : QUndoCommand(parent), model_(model), neuron_(std::move(neuron)) {
    setText(tr("add neuron %1").arg(QString::fromStdString(neuron_.label)));
}

void AddNeuronCommand::redo() { id_ = model_->insertNeuron(neuron_, id_); }

void AddNeuronCommand::undo() { model_->eraseNeuron(id_); }

RemoveNeuronCommand::RemoveNeuronCommand(CircuitGraphModel* model, NeuronId id, QUndoCommand* parent)
    : QUndoCommand(parent), model_(model), id_(id), neuron_(model->neuron(id)) {
    for (ConnectionId c : model->connectionsOf(id)) connections_.emplace_back(c, model->connection(c));
    setText(tr("remove neuron %1").arg(QString::fromStdString(neuron_.label)));
}

void RemoveNeuronCommand::redo() { model_->eraseNeuron(id_); }

void RemoveNeuronCommand::undo() {
    model_->insertNeuron(neuron_, id_);
    for (const auto& [cid, connection] : connections_) model_->insertConnection(connection, cid);
}

AddConnectionCommand::AddConnectionCommand(CircuitGraphModel* model, Connection connection,
                                           QUndoCommand* parent)
    : QUndoCommand(parent), model_(model), connection_(connection) {
    if (connection_.kind == ConnectionKind::Gap)
        setText(tr("add gap junction"));
    else
        setText(connection_.excitatory() ? tr("add excitatory synapse") : tr("add inhibitory synapse"));
}

void AddConnectionCommand::redo() { id_ = model_->insertConnection(connection_, id_); }

void AddConnectionCommand::undo() { model_->eraseConnection(id_); }

RemoveConnectionCommand::RemoveConnectionCommand(CircuitGraphModel* model, ConnectionId id,
                                                 QUndoCommand* parent)
    : QUndoCommand(parent), model_(model), id_(id), connection_(model->connection(id)) {
    setText(connection_.kind == ConnectionKind::Gap ? tr("remove gap junction") : tr("remove synapse"));
}

void RemoveConnectionCommand::redo() { model_->eraseConnection(id_); }

void RemoveConnectionCommand::undo() { model_->insertConnection(connection_, id_); }

EditNeuronCommand::EditNeuronCommand(CircuitGraphModel* model, NeuronId id, Neuron after,
                                     const QString& text, QUndoCommand* parent)
    : QUndoCommand(text, parent), model_(model), id_(id), before_(model->neuron(id)),
      after_(std::move(after)) {}

void EditNeuronCommand::redo() {
    Neuron n = after_;
    n.position = model_->neuron(id_).position;  // moves are separate commands
    model_->setNeuron(id_, n);
}

void EditNeuronCommand::undo() {
    Neuron n = before_;
    n.position = model_->neuron(id_).position;
    model_->setNeuron(id_, n);
}

namespace {
Neuron renamed(const CircuitGraphModel* model, NeuronId id, const QString& label) {
    Neuron n = model->neuron(id);
    n.label = label.toStdString();
    return n;
}
Neuron withRole(const CircuitGraphModel* model, NeuronId id, Role role) {
    Neuron n = model->neuron(id);
    n.role = role;
    return n;
}
Neuron withModel(const CircuitGraphModel* model, NeuronId id, const std::string& modelName) {
    Neuron n = model->neuron(id);
    n.model = modelName;
    n.params = initialParams(modelName, n.lstm, std::hash<std::string>{}(n.label));
    return n;
}
Neuron withParam(const CircuitGraphModel* model, NeuronId id, int index, double value) {
    Neuron n = model->neuron(id);
    n.params.at(static_cast<size_t>(index)) = value;
    return n;
}
}  // namespace

RenameNeuronCommand::RenameNeuronCommand(CircuitGraphModel* model, NeuronId id, const QString& label)
    : EditNeuronCommand(model, id, renamed(model, id, label),
                        tr("rename %1 to %2").arg(model->label(id), label)) {}

SetRoleCommand::SetRoleCommand(CircuitGraphModel* model, NeuronId id, Role role)
    : EditNeuronCommand(model, id, withRole(model, id, role),
                        tr("make %1 %2").arg(model->label(id), QString::fromLatin1(roleName(role)))) {}

SetModelCommand::SetModelCommand(CircuitGraphModel* model, NeuronId id, const std::string& modelName)
    : EditNeuronCommand(model, id, withModel(model, id, modelName),
                        tr("set model of %1 to %2").arg(model->label(id), QString::fromStdString(modelName))) {}

SetNeuronParamCommand::SetNeuronParamCommand(CircuitGraphModel* model, NeuronId id, int paramIndex,
                                             double value)
    : EditNeuronCommand(model, id, withParam(model, id, paramIndex, value), QString()),
      paramIndex_(paramIndex) {
    const ModelSpec& spec = modelSpec(before_.model);
    setText(tr("set %1 of %2").arg(QString::fromStdString(spec.params.at(static_cast<size_t>(paramIndex)).name),
                                   model->label(id)));
}

bool SetNeuronParamCommand::mergeWith(const QUndoCommand* other) {
    const auto* o = static_cast<const SetNeuronParamCommand*>(other);
    if (o->id_ != id_ || o->paramIndex_ != paramIndex_) return false;
    after_ = o->after_;
    return true;
}

SetConnectionParamsCommand::SetConnectionParamsCommand(CircuitGraphModel* model, ConnectionId id,
                                                       Connection after, QUndoCommand* parent)
    : QUndoCommand(parent), model_(model), id_(id), before_(model->connection(id)), after_(after) {
    setText(before_.kind == ConnectionKind::Gap ? tr("edit gap junction") : tr("edit synapse"));
}

void SetConnectionParamsCommand::redo() { model_->setConnection(id_, after_); }

void SetConnectionParamsCommand::undo() { model_->setConnection(id_, before_); }

bool SetConnectionParamsCommand::mergeWith(const QUndoCommand* other) {
    const auto* o = static_cast<const SetConnectionParamsCommand*>(other);
    if (o->id_ != id_) return false;
    after_ = o->after_;
    return true;
}

MoveNeuronsCommand::MoveNeuronsCommand(CircuitGraphModel* model, QHash<NeuronId, QPointF> from,
                                       QHash<NeuronId, QPointF> to, QUndoCommand* parent)
    : QUndoCommand(parent), model_(model), from_(std::move(from)), to_(std::move(to)) {
    setText(to_.size() == 1 ? tr("move %1").arg(model->label(to_.begin().key()))
                            : tr("move %1 neurons").arg(to_.size()));
}

void MoveNeuronsCommand::redo() {
    for (auto it = to_.cbegin(); it != to_.cend(); ++it) model_->setPosition(it.key(), it.value());
}

void MoveNeuronsCommand::undo() {
    for (auto it = from_.cbegin(); it != from_.cend(); ++it) model_->setPosition(it.key(), it.value());
}

bool MoveNeuronsCommand::mergeWith(const QUndoCommand* other) {
    const auto* o = static_cast<const MoveNeuronsCommand*>(other);
    const QList<NeuronId> mine = to_.keys(), theirs = o->to_.keys();
    if (QSet<NeuronId>(mine.begin(), mine.end()) != QSet<NeuronId>(theirs.begin(), theirs.end()))
        return false;
    to_ = o->to_;
    return true;
}

SetDtCommand::SetDtCommand(CircuitGraphModel* model, double dt, QUndoCommand* parent)
    : QUndoCommand(parent), model_(model), before_(model->dt()), after_(dt) {
    setText(tr("set time step to %1 ms").arg(dt));
}

void SetDtCommand::redo() { model_->setDt(after_); }

void SetDtCommand::undo() { model_->setDt(before_); }

ApplyParametersCommand::ApplyParametersCommand(CircuitGraphModel* model, const Circuit& fitted,
                                               const QString& text, QUndoCommand* parent)
    : QUndoCommand(text, parent), model_(model), before_(model->circuit()), after_(fitted) {}

void ApplyParametersCommand::redo() { write(after_); }

void ApplyParametersCommand::undo() { write(before_); }

void ApplyParametersCommand::write(const Circuit& source) {
    const Circuit& current = model_->circuit();
    if (source.neurons.size() != current.neurons.size() || source.synapses.size() != current.synapses.size() ||
        source.gaps.size() != current.gaps.size())
        return;  // the topology changed since; parameters no longer line up
    for (size_t i = 0; i < source.neurons.size(); ++i) {
        const NeuronId id = model_->neuronIdAt(static_cast<int>(i));
        Neuron n = model_->neuron(id);
        n.params = source.neurons[i].params;
        model_->setNeuron(id, n);
    }
    // connectionIds() lists synapses then gap junctions, each in circuit order.
    const QList<ConnectionId> ids = model_->connectionIds();
    for (size_t s = 0; s < source.synapses.size(); ++s) {
        Connection c = model_->connection(ids[static_cast<qsizetype>(s)]);
        c.synapse = source.synapses[s].p;
        model_->setConnection(ids[static_cast<qsizetype>(s)], c);
    }
    for (size_t g = 0; g < source.gaps.size(); ++g) {
        const ConnectionId id = ids[static_cast<qsizetype>(source.synapses.size() + g)];
        Connection c = model_->connection(id);
        c.gGap = source.gaps[g].G_gap;
        model_->setConnection(id, c);
    }
}

}  // namespace odynn::ui
