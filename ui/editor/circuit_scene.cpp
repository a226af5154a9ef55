#include "editor/circuit_scene.hpp"

#include <QGraphicsLineItem>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QUndoStack>
#include <QtMath>
#include <algorithm>

#include "editor/circuit_commands.hpp"
#include "editor/circuit_items.hpp"
#include "odynn/circuit_layout.hpp"

namespace odynn::ui {

namespace {
// Half the width and height a neuron takes in the diagram: its outline, its label and the model
// name under it, with a little air (scene units).
std::vector<Point2> neuronBoxes(size_t count) {
    return std::vector<Point2>(count, Point2{NeuronItem::radius * 1.25, NeuronItem::radius * 1.5});
}
}  // namespace

void layOutReadably(Circuit& circuit) {
    std::vector<Point2> at;
    const bool placed = std::all_of(circuit.neurons.begin(), circuit.neurons.end(), [](const Neuron& n) { return n.position.has_value(); });
    if (placed)
        for (const Neuron& n : circuit.neurons) at.push_back(*n.position);
    else
        at = forceLayout(circuit, 4 * NeuronItem::radius);
    const std::vector<Point2> apart = removeOverlaps(at, neuronBoxes(at.size()));
    for (size_t k = 0; k < apart.size(); ++k) circuit.neurons[k].position = apart[k];
}

CircuitScene::CircuitScene(CircuitGraphModel* model, QUndoStack* undoStack, QObject* parent)
    : QGraphicsScene(parent), model_(model), undoStack_(undoStack) {
    setSceneRect(-2000, -2000, 4000, 4000);
    connect(model_, &CircuitGraphModel::modelReset, this, &CircuitScene::rebuild);
    connect(model_, &CircuitGraphModel::neuronAdded, this, &CircuitScene::addNeuronItem);
    connect(model_, &CircuitGraphModel::neuronRemoved, this, &CircuitScene::removeNeuronItem);
    connect(model_, &CircuitGraphModel::neuronChanged, this, &CircuitScene::refreshNeuron);
    connect(model_, &CircuitGraphModel::neuronMoved, this, [this](NeuronId id) {
        if (NeuronItem* item = neurons_.value(id); item && item->pos() != model_->position(id))
            item->setPos(model_->position(id));
    });
    connect(model_, &CircuitGraphModel::connectionAdded, this, &CircuitScene::addConnectionItem);
    connect(model_, &CircuitGraphModel::connectionRemoved, this, &CircuitScene::removeConnectionItem);
    connect(model_, &CircuitGraphModel::connectionChanged, this, &CircuitScene::refreshConnection);
    rebuild();
}

void CircuitScene::setTool(Tool tool) {
    if (tool == tool_) return;
    tool_ = tool;
    emit toolChanged(tool);
}

void CircuitScene::rebuild() {
    dragSource_ = nullptr;
    rubberLine_ = nullptr;
    // Unselected first, at once: removing selected items one by one would announce selections
    // of items whose ids the new circuit no longer has.
    clearSelection();
    clear();
    neurons_.clear();
    connections_.clear();
    for (NeuronId id : model_->neuronIds()) addNeuronItem(id);
    for (ConnectionId id : model_->connectionIds()) addConnectionItem(id);
    growSceneRect();
}

void CircuitScene::growSceneRect() {
    // Room to pan around the widest circuit (the whole worm spans several thousand units).
    setSceneRect(sceneRect().united(itemsBoundingRect().adjusted(-1000, -1000, 1000, 1000)));
}

void CircuitScene::addNeuronItem(NeuronId id) {
    auto* item = new NeuronItem(id);
    neurons_.insert(id, item);
    addItem(item);
    item->setPos(model_->position(id));
    refreshNeuron(id);
}

void CircuitScene::removeNeuronItem(NeuronId id) {
    NeuronItem* item = neurons_.take(id);
    if (item == dragSource_) dragSource_ = nullptr;
    delete item;  // its connections were removed first by the model
}

void CircuitScene::refreshNeuron(NeuronId id) {
    NeuronItem* item = neurons_.value(id);
    if (!item) return;
    const Neuron& n = model_->neuron(id);
    item->setAppearance(QString::fromStdString(n.label), n.role, model_->neuronIsExcitatory(id),
                        QString::fromStdString(n.model));
}

void CircuitScene::addConnectionItem(ConnectionId id) {
    const Connection c = model_->connection(id);
    NeuronItem* from = neurons_.value(c.from);
    NeuronItem* to = neurons_.value(c.to);
    if (!from || !to) return;
    auto* item = new ConnectionItem(id, from, to);
    connections_.insert(id, item);
    addItem(item);
    item->setConnection(c);
    updateBends(c.from, c.to);
    refreshNeuron(c.from);  // its colour follows its outgoing synapses
}

void CircuitScene::removeConnectionItem(ConnectionId id) {
    ConnectionItem* item = connections_.take(id);
    if (!item) return;
    const NeuronId from = item->fromItem()->neuronId(), to = item->toItem()->neuronId();
    item->fromItem()->removeConnection(item);
    item->toItem()->removeConnection(item);
    delete item;
    updateBends(from, to);
    refreshNeuron(from);
}

void CircuitScene::refreshConnection(ConnectionId id) {
    ConnectionItem* item = connections_.value(id);
    if (!item) return;
    const Connection c = model_->connection(id);
    item->setConnection(c);
    refreshNeuron(c.from);
}

void CircuitScene::updateBends(NeuronId a, NeuronId b) {
    // Edges between the same two neurons fan out so each stays visible and clickable.
    QList<ConnectionItem*> between;
    for (ConnectionItem* item : std::as_const(connections_)) {
        const NeuronId f = item->fromItem()->neuronId(), t = item->toItem()->neuronId();
        if ((f == a && t == b) || (f == b && t == a)) between.append(item);
    }
    std::sort(between.begin(), between.end(),
              [](auto* x, auto* y) { return x->connectionId() < y->connectionId(); });
    const double spacing = 28.0;
    for (int k = 0; k < between.size(); ++k) {
        ConnectionItem* item = between[k];
        // Offsets are measured relative to the a->b direction; reversed edges flip sign.
        double offset = (k - (between.size() - 1) / 2.0) * spacing;
        if (item->fromItem()->neuronId() != a) offset = -offset;
        item->setBend(offset);
    }
}

QList<NeuronId> CircuitScene::selectedNeurons() const {
    QList<NeuronId> ids;
    for (QGraphicsItem* item : selectedItems())
        if (auto* n = qgraphicsitem_cast<NeuronItem*>(item)) ids.append(n->neuronId());
    return ids;
}

QList<ConnectionId> CircuitScene::selectedConnections() const {
    QList<ConnectionId> ids;
    for (QGraphicsItem* item : selectedItems())
        if (auto* c = qgraphicsitem_cast<ConnectionItem*>(item)) ids.append(c->connectionId());
    return ids;
}

void CircuitScene::selectNeuron(NeuronId id) {
    clearSelection();
    if (NeuronItem* item = neurons_.value(id)) item->setSelected(true);
}

void CircuitScene::deleteSelection() {
    const QList<NeuronId> neurons = selectedNeurons();
    QList<ConnectionId> connections;
    for (ConnectionId c : selectedConnections()) {
        const Connection conn = model_->connection(c);
        // Connections of removed neurons go with them (and come back with them on undo).
        if (!neurons.contains(conn.from) && !neurons.contains(conn.to)) connections.append(c);
    }
    if (neurons.isEmpty() && connections.isEmpty()) return;
    undoStack_->beginMacro(tr("delete %n item(s)", nullptr, int(neurons.size() + connections.size())));
    for (ConnectionId c : connections) undoStack_->push(new RemoveConnectionCommand(model_, c));
    for (NeuronId n : neurons) undoStack_->push(new RemoveNeuronCommand(model_, n));
    undoStack_->endMacro();
}

void CircuitScene::autoLayout(Layout layout) {
    const QList<NeuronId> ids = model_->neuronIds();
    if (ids.isEmpty()) return;
    QHash<NeuronId, QPointF> from, to;
    if (layout == Layout::Circle) {
        const double r = std::max(120.0, ids.size() * 90.0 / (2 * M_PI));
        for (int k = 0; k < ids.size(); ++k) {
            const double a = 2 * M_PI * k / ids.size() - M_PI / 2;
            to.insert(ids[k], QPointF(r * std::cos(a), r * std::sin(a)));
        }
    } else if (layout == Layout::Force || layout == Layout::Spread) {
        std::vector<Point2> at;
        if (layout == Layout::Force) {
            at = forceLayout(model_->circuit(), 4 * NeuronItem::radius);
        } else {
            for (NeuronId id : ids) at.push_back({model_->position(id).x(), model_->position(id).y()});
        }
        const std::vector<Point2> apart = removeOverlaps(at, neuronBoxes(size_t(ids.size())));
        for (int k = 0; k < ids.size(); ++k) to.insert(ids[k], QPointF(apart[size_t(k)][0], apart[size_t(k)][1]));
    } else {
        // Sensory neurons on the left, then interneurons, command neurons and motor neurons on
        // the right: signals flow left to right, as in wiring diagrams of C. elegans.
        const Role order[] = {Role::Sensory, Role::Inter, Role::Command, Role::Motor};
        for (int column = 0; column < 4; ++column) {
            QList<NeuronId> members;
            for (NeuronId id : ids)
                if (model_->neuron(id).role == order[column]) members.append(id);
            for (int k = 0; k < members.size(); ++k)
                to.insert(members[k], QPointF((column - 1.5) * 220.0, (k - (members.size() - 1) / 2.0) * 130.0));
        }
    }
    for (NeuronId id : ids) from.insert(id, model_->position(id));
    undoStack_->push(new MoveNeuronsCommand(model_, from, to));
    growSceneRect();
}

ConnectionId CircuitScene::connectNeurons(NeuronId from, NeuronId to, Tool kind, QString* problem) {
    Connection c;
    c.from = from;
    c.to = to;
    c.kind = kind == Tool::Gap ? ConnectionKind::Gap : ConnectionKind::Synapse;
    c.synapse = kind == Tool::Inhibitory ? presets::inhibitory1 : presets::excitatory1;
    c.gGap = presets::gap;
    const QString why = model_->connectionProblem(c.kind, from, to);
    if (!why.isEmpty()) {
        if (problem) *problem = why;
        return 0;
    }
    auto* command = new AddConnectionCommand(model_, c);
    undoStack_->push(command);
    return command->connectionId();
}

NeuronId CircuitScene::addNeuronAt(QPointF pos, const std::string& modelName) {
    Neuron n;
    n.label = model_->uniqueLabel().toStdString();
    n.model = modelName;
    n.params = initialParams(n.model, n.lstm, std::hash<std::string>{}(n.label));
    n.position = std::array<double, 2>{pos.x(), pos.y()};
    auto* command = new AddNeuronCommand(model_, n);
    undoStack_->push(command);
    return command->neuronId();
}

QRectF CircuitScene::contentRect() const {
    QRectF r;
    for (QGraphicsItem* item : items()) r = r.united(item->sceneBoundingRect());
    if (r.isNull()) r = QRectF(-200, -150, 400, 300);
    return r.adjusted(-30, -30, 30, 30);
}

NeuronItem* CircuitScene::neuronAt(QPointF scenePos) const {
    for (QGraphicsItem* item : items(scenePos))
        if (auto* n = qgraphicsitem_cast<NeuronItem*>(item); n && n->contains(n->mapFromScene(scenePos)))
            return n;
    return nullptr;
}

void CircuitScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    if (event->button() != Qt::LeftButton) {
        QGraphicsScene::mousePressEvent(event);
        return;
    }
    NeuronItem* under = neuronAt(event->scenePos());
    Tool kind = tool_;
    if (tool_ == Tool::Select && (event->modifiers() & Qt::ShiftModifier))
        kind = (event->modifiers() & Qt::AltModifier) ? Tool::Gap : Tool::Excitatory;

    if (kind == Tool::AddNeuron || kind == Tool::AddLstmNeuron) {
        if (!under) addNeuronAt(event->scenePos(), kind == Tool::AddLstmNeuron ? "lstm" : "celegans");
        event->accept();
        return;
    }
    if (kind != Tool::Select) {
        if (under) {
            dragKind_ = kind;
            dragSource_ = under;
            rubberLine_ = new QGraphicsLineItem(QLineF(under->pos(), event->scenePos()));
            QPen pen(kind == Tool::Inhibitory ? QColor(200, 40, 40) : kind == Tool::Gap ? QColor(70, 90, 160)
                                                                                        : QColor(30, 140, 60),
                     2.0, Qt::DashLine);
            rubberLine_->setPen(pen);
            rubberLine_->setZValue(2.0);
            addItem(rubberLine_);
        }
        event->accept();
        return;
    }
    QGraphicsScene::mousePressEvent(event);
    pressPositions_.clear();
    for (NeuronId id : selectedNeurons()) pressPositions_.insert(id, neurons_.value(id)->pos());
}

void CircuitScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
    if (rubberLine_) {
        rubberLine_->setLine(QLineF(dragSource_ ? dragSource_->pos() : event->scenePos(), event->scenePos()));
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void CircuitScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
    if (rubberLine_) {
        delete rubberLine_;
        rubberLine_ = nullptr;
        NeuronItem* target = neuronAt(event->scenePos());
        if (dragSource_ && target) {
            QString problem;
            if (!connectNeurons(dragSource_->neuronId(), target->neuronId(), dragKind_, &problem))
                emit message(problem);
        }
        dragSource_ = nullptr;
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || pressPositions_.isEmpty()) return;
    QHash<NeuronId, QPointF> from, to;
    for (auto it = pressPositions_.cbegin(); it != pressPositions_.cend(); ++it) {
        NeuronItem* item = neurons_.value(it.key());
        if (item && item->pos() != it.value()) {
            from.insert(it.key(), it.value());
            to.insert(it.key(), item->pos());
        }
    }
    pressPositions_.clear();
    if (!to.isEmpty()) undoStack_->push(new MoveNeuronsCommand(model_, from, to));
}

void CircuitScene::drawBackground(QPainter* painter, const QRectF& rect) {
    painter->fillRect(rect, QColor(250, 250, 247));
    // A light grid (40 scene units) helps when arranging neurons.
    const double step = 40.0;
    painter->setPen(QPen(QColor(232, 232, 228), 0));
    for (double x = std::floor(rect.left() / step) * step; x < rect.right(); x += step)
        painter->drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()));
    for (double y = std::floor(rect.top() / step) * step; y < rect.bottom(); y += step)
        painter->drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y));
}

}  // namespace odynn::ui
