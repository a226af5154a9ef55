#pragma once
// Every edit of the circuit is one of these undo commands, pushed on the window's QUndoStack.
// They address neurons and connections by the model's stable ids, so undoing a removal
// brings items back under their old ids and later commands on the stack stay valid.
#include <QHash>
#include <QPointF>
#include <QUndoCommand>
#include <vector>

#include "editor/circuit_graph_model.hpp"

namespace odynn::ui {

// Ids for mergeWith(): commands of the same id may merge when their targets match.
enum CommandId { MoveCommandId = 1, NeuronParamCommandId, ConnectionParamCommandId };

class AddNeuronCommand : public QUndoCommand {
public:
    AddNeuronCommand(CircuitGraphModel* model, Neuron neuron, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    NeuronId neuronId() const { return id_; }

private:
    CircuitGraphModel* model_;
    Neuron neuron_;
    NeuronId id_ = 0;
};

class RemoveNeuronCommand : public QUndoCommand {
public:
    RemoveNeuronCommand(CircuitGraphModel* model, NeuronId id, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    CircuitGraphModel* model_;
    NeuronId id_;
    Neuron neuron_;
    std::vector<std::pair<ConnectionId, Connection>> connections_;
};

class AddConnectionCommand : public QUndoCommand {
public:
    AddConnectionCommand(CircuitGraphModel* model, Connection connection, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    ConnectionId connectionId() const { return id_; }

private:
    CircuitGraphModel* model_;
    Connection connection_;
    ConnectionId id_ = 0;
};

class RemoveConnectionCommand : public QUndoCommand {
public:
    RemoveConnectionCommand(CircuitGraphModel* model, ConnectionId id, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    CircuitGraphModel* model_;
    ConnectionId id_;
    Connection connection_;
};

// Replaces a neuron's description (label, role, model, parameters) and restores it on undo.
class EditNeuronCommand : public QUndoCommand {
public:
    EditNeuronCommand(CircuitGraphModel* model, NeuronId id, Neuron after, const QString& text,
                      QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

protected:
    CircuitGraphModel* model_;
    NeuronId id_;
    Neuron before_, after_;
};

class RenameNeuronCommand : public EditNeuronCommand {
public:
    RenameNeuronCommand(CircuitGraphModel* model, NeuronId id, const QString& label);
};

class SetRoleCommand : public EditNeuronCommand {
public:
    SetRoleCommand(CircuitGraphModel* model, NeuronId id, Role role);
};

// Switches the neuron model; parameters become the new model's defaults.
class SetModelCommand : public EditNeuronCommand {
public:
    SetModelCommand(CircuitGraphModel* model, NeuronId id, const std::string& modelName);
};

// One neuron parameter (by ParamSpec index). Consecutive changes of the same parameter
// (a slider being dragged) merge into one step.
class SetNeuronParamCommand : public EditNeuronCommand {
public:
    SetNeuronParamCommand(CircuitGraphModel* model, NeuronId id, int paramIndex, double value);
    int id() const override { return NeuronParamCommandId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    int paramIndex_;
};

// A synapse's G/mdp/scale/E or a gap junction's G_gap. Consecutive changes of the same
// connection merge.
class SetConnectionParamsCommand : public QUndoCommand {
public:
    SetConnectionParamsCommand(CircuitGraphModel* model, ConnectionId id, Connection after,
                               QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return ConnectionParamCommandId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    CircuitGraphModel* model_;
    ConnectionId id_;
    Connection before_, after_;
};

// Moves one or more neurons (scene units). Consecutive moves of the same neurons merge.
class MoveNeuronsCommand : public QUndoCommand {
public:
    MoveNeuronsCommand(CircuitGraphModel* model, QHash<NeuronId, QPointF> from,
                       QHash<NeuronId, QPointF> to, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return MoveCommandId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    CircuitGraphModel* model_;
    QHash<NeuronId, QPointF> from_, to_;
};

class SetDtCommand : public QUndoCommand {
public:
    SetDtCommand(CircuitGraphModel* model, double dt, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    CircuitGraphModel* model_;
    double before_, after_;
};

// Writes every parameter of `fitted` (same neurons and edges, in the same order) into the
// model, e.g. the best set of a fit; neuron positions are kept.
class ApplyParametersCommand : public QUndoCommand {
public:
    ApplyParametersCommand(CircuitGraphModel* model, const Circuit& fitted, const QString& text,
                           QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    void write(const Circuit& source);
    CircuitGraphModel* model_;
    Circuit before_, after_;
};

}  // namespace odynn::ui
