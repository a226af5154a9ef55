#pragma once
// Graphics items of the circuit diagram. They draw what the scene tells them and keep their
// attached connection items in place while they move; they never edit the model.
#include <QGraphicsItem>
#include <QList>

#include "editor/circuit_graph_model.hpp"

namespace odynn::ui {

class ConnectionItem;

// Colours shared by the diagram and its legend.
namespace palette {
QColor excitatory();       // green: excitatory synapse / neuron
QColor inhibitory();       // red
QColor excitatoryFill();
QColor inhibitoryFill();
QColor gap();
}  // namespace palette

class NeuronItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };
    static constexpr double radius = 26.0;  // scene units

    explicit NeuronItem(NeuronId id);
    int type() const override { return Type; }
    NeuronId neuronId() const { return id_; }

    void setAppearance(const QString& label, Role role, bool excitatory, const QString& modelName);
    Role role() const { return role_; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;  // the exact outline: circle, triangle or hexagon
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    void addConnection(ConnectionItem* item) { connections_.append(item); }
    void removeConnection(ConnectionItem* item) { connections_.removeAll(item); }
    // Where a ray from the centre towards `target` (scene coordinates) leaves the outline.
    QPointF boundaryPoint(QPointF target) const;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    QPainterPath outline() const;
    NeuronId id_;
    QString label_, model_;
    bool network_ = false;  // an LSTM neuron: drawn with an inner dashed ring
    Role role_ = Role::Inter;
    bool excitatory_ = true;
    QList<ConnectionItem*> connections_;
};

class ConnectionItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };

    ConnectionItem(ConnectionId id, NeuronItem* from, NeuronItem* to);
    int type() const override { return Type; }
    ConnectionId connectionId() const { return id_; }
    NeuronItem* fromItem() const { return from_; }
    NeuronItem* toItem() const { return to_; }

    void setConnection(const Connection& connection);
    // Bends the edge sideways (scene units) so that A->B and B->A do not overlap.
    void setBend(double bend);
    void adjust();  // recompute the path after an endpoint moved

    QRectF boundingRect() const override;
    QPainterPath shape() const override;  // a thin band around the drawn path
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QColor colour() const;
    ConnectionId id_;
    NeuronItem* from_;
    NeuronItem* to_;
    Connection connection_;
    double bend_ = 0.0;
    QPainterPath path_;
    QPolygonF head_;  // arrow head of a synapse
};

}  // namespace odynn::ui
