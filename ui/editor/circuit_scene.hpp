#pragma once
// Draws a CircuitGraphModel and turns mouse gestures into undo commands. It keeps no circuit
// state of its own: every item is created, updated or deleted in answer to a model signal.
#include <QGraphicsScene>
#include <QHash>
#include <QPointer>

#include "editor/circuit_graph_model.hpp"

class QUndoStack;
class QGraphicsLineItem;

namespace odynn::ui {

class NeuronItem;
class ConnectionItem;

class CircuitScene : public QGraphicsScene {
    Q_OBJECT
public:
    // What a left-button gesture does. In Select mode, Shift+drag from one neuron to another
    // creates an excitatory synapse (and Alt+Shift+drag a gap junction).
    enum class Tool { Select, AddNeuron, AddLstmNeuron, Excitatory, Inhibitory, Gap };
    Q_ENUM(Tool)
    // Layered: columns by role. Circle. Force: connections as springs (circuits without
    // positions). Spread: the current positions moved apart until no neuron covers another.
    enum class Layout { Layered, Circle, Force, Spread };

    CircuitScene(CircuitGraphModel* model, QUndoStack* undoStack, QObject* parent = nullptr);

    Tool tool() const { return tool_; }
    void setTool(Tool tool);

    NeuronItem* neuronItem(NeuronId id) const { return neurons_.value(id); }
    ConnectionItem* connectionItem(ConnectionId id) const { return connections_.value(id); }
    QList<NeuronId> selectedNeurons() const;
    QList<ConnectionId> selectedConnections() const;
    void selectNeuron(NeuronId id);

    // Undoable edits started from the diagram.
    void deleteSelection();
    void autoLayout(Layout layout);
    // Creates a connection as the tools do; returns its id, or 0 with the reason in `problem`.
    ConnectionId connectNeurons(NeuronId from, NeuronId to, Tool kind, QString* problem = nullptr);
    NeuronId addNeuronAt(QPointF pos, const std::string& modelName = "celegans");

    // Bounding box of every item, with a margin; for fitting the view and exporting.
    QRectF contentRect() const;

signals:
    void toolChanged(odynn::ui::CircuitScene::Tool tool);
    void message(const QString& text);  // for the status bar

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;

private:
    void growSceneRect();
    void rebuild();
    void addNeuronItem(NeuronId id);
    void removeNeuronItem(NeuronId id);
    void refreshNeuron(NeuronId id);
    void addConnectionItem(ConnectionId id);
    void removeConnectionItem(ConnectionId id);
    void refreshConnection(ConnectionId id);
    void updateBends(NeuronId a, NeuronId b);
    NeuronItem* neuronAt(QPointF scenePos) const;
    bool placeUnpositioned();

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    Tool tool_ = Tool::Select;
    QHash<NeuronId, NeuronItem*> neurons_;
    QHash<ConnectionId, ConnectionItem*> connections_;

    // Gesture state.
    Tool dragKind_ = Tool::Select;
    NeuronItem* dragSource_ = nullptr;
    QGraphicsLineItem* rubberLine_ = nullptr;
    QHash<NeuronId, QPointF> pressPositions_;
};

// Positions that make a large circuit readable: its own positions (the connectome's soma
// positions) spread until no neuron covers another, or, when some neuron has none, a force
// layout spread the same way.
void layOutReadably(Circuit& circuit);

}  // namespace odynn::ui
