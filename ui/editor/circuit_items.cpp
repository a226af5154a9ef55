#include "editor/circuit_items.hpp"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

namespace odynn::ui {

namespace palette {
QColor excitatory() { return QColor(30, 140, 60); }
QColor inhibitory() { return QColor(200, 40, 40); }
QColor excitatoryFill() { return QColor(170, 225, 180); }
QColor inhibitoryFill() { return QColor(245, 175, 170); }
QColor gap() { return QColor(70, 90, 160); }
}  // namespace palette

NeuronItem::NeuronItem(NeuronId id) : id_(id) {
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setZValue(1.0);  // above the connections
    setAcceptHoverEvents(true);
}

void NeuronItem::setAppearance(const QString& label, Role role, bool excitatory, const QString& modelName) {
    prepareGeometryChange();
    label_ = label;
    role_ = role;
    excitatory_ = excitatory;
    model_ = modelName;
    const ModelSpec* spec = findModel(modelName.toStdString());
    network_ = spec && spec->networkWeights;
    setToolTip(QStringLiteral("%1 (%2, %3 model)").arg(label, QString::fromLatin1(roleName(role)), modelName));
    for (ConnectionItem* c : connections_) c->adjust();
    update();
}

QPainterPath NeuronItem::outline() const {
    QPainterPath path;
    const double r = radius;
    switch (role_) {
    case Role::Sensory: {
        // Upward triangle whose circumradius is a little larger so its area matches a circle.
        const double R = r * 1.25;
        QPolygonF tri;
        for (int k = 0; k < 3; ++k) {
            const double a = qDegreesToRadians(-90.0 + 120.0 * k);
            tri << QPointF(R * std::cos(a), R * std::sin(a) + R * 0.15);
        }
        tri << tri.first();
        path.addPolygon(tri);
        break;
    }
    case Role::Command: {
        QPolygonF hex;
        const double R = r * 1.08;
        for (int k = 0; k < 6; ++k) {
            const double a = qDegreesToRadians(60.0 * k);
            hex << QPointF(R * std::cos(a), R * std::sin(a));
        }
        hex << hex.first();
        path.addPolygon(hex);
        break;
    }
    case Role::Motor: {
        // A square of the circle's area, corners rounded.
        const double half = r * 0.886;
        path.addRoundedRect(QRectF(-half, -half, 2 * half, 2 * half), r * 0.2, r * 0.2);
        break;
    }
    case Role::Inter:
        path.addEllipse(QPointF(0, 0), r, r);
        break;
    }
    return path;
}

QRectF NeuronItem::boundingRect() const {
    // Room for the outline, its pen and the label below it.
    const double m = radius * 1.4;
    return QRectF(-m * 1.6, -m, m * 3.2, m * 2 + 18.0);
}

QPainterPath NeuronItem::shape() const { return outline(); }

void NeuronItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option->state & QStyle::State_Selected;
    const QColor line = excitatory_ ? palette::excitatory() : palette::inhibitory();
    painter->setPen(QPen(selected ? QColor(30, 110, 230) : line, selected ? 4.0 : 2.0));
    painter->setBrush(excitatory_ ? palette::excitatoryFill() : palette::inhibitoryFill());
    painter->drawPath(outline());
    if (network_) {
        // An LSTM neuron: an inner dashed ring marks the recurrent network inside.
        painter->save();
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(line, 1.5, Qt::DashLine));
        painter->scale(0.78, 0.78);
        painter->drawPath(outline());
        painter->restore();
    }

    QFont font = painter->font();
    font.setBold(true);
    font.setPointSizeF(9.0);
    painter->setFont(font);
    painter->setPen(Qt::black);
    painter->drawText(QRectF(-radius, -radius, 2 * radius, 2 * radius), Qt::AlignCenter, label_);

    font.setBold(false);
    font.setPointSizeF(7.0);
    painter->setFont(font);
    painter->setPen(QColor(90, 90, 90));
    painter->drawText(QRectF(-radius * 2, radius * 1.15, radius * 4, 16.0), Qt::AlignCenter, model_);
}

QPointF NeuronItem::boundaryPoint(QPointF target) const {
    // Bisect along the ray from the centre: inside at 0, outside at 2 radii.
    const QPointF centre = pos();
    QPointF dir = target - centre;
    const double len = std::hypot(dir.x(), dir.y());
    if (len < 1e-9) return centre;
    dir /= len;
    const QPainterPath path = outline();
    double inside = 0.0, outside = radius * 2.0;
    for (int i = 0; i < 20; ++i) {
        const double mid = 0.5 * (inside + outside);
        (path.contains(dir * mid) ? inside : outside) = mid;
    }
    return centre + dir * outside;
}

QVariant NeuronItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged)
        for (ConnectionItem* c : connections_) c->adjust();
    return QGraphicsItem::itemChange(change, value);
}

ConnectionItem::ConnectionItem(ConnectionId id, NeuronItem* from, NeuronItem* to)
    : id_(id), from_(from), to_(to) {
    setFlags(ItemIsSelectable);
    setZValue(0.0);
    from_->addConnection(this);
    if (to_ != from_) to_->addConnection(this);
}

void ConnectionItem::setConnection(const Connection& connection) {
    connection_ = connection;
    if (connection.kind == ConnectionKind::Gap)
        setToolTip(QStringLiteral("gap junction, G_gap = %1 mS/cm²").arg(connection.gGap));
    else
        setToolTip(QStringLiteral("%1 synapse: G = %2 mS/cm², mdp = %3 mV, scale = %4 mV, E = %5 mV")
                       .arg(connection.excitatory() ? QStringLiteral("excitatory") : QStringLiteral("inhibitory"))
                       .arg(connection.synapse.G)
                       .arg(connection.synapse.mdp)
                       .arg(connection.synapse.scale)
                       .arg(connection.synapse.E));
    adjust();
}

void ConnectionItem::setBend(double bend) {
    bend_ = bend;
    adjust();
}

QColor ConnectionItem::colour() const {
    if (connection_.kind == ConnectionKind::Gap) return palette::gap();
    return connection_.excitatory() ? palette::excitatory() : palette::inhibitory();
}

void ConnectionItem::adjust() {
    prepareGeometryChange();
    path_ = QPainterPath();
    head_.clear();
    const QPointF a = from_->pos(), b = to_->pos();

    if (from_ == to_) {
        // Autapse: a loop above the neuron.
        const double r = NeuronItem::radius;
        path_.moveTo(a + QPointF(-r * 0.5, -r * 0.8));
        path_.cubicTo(a + QPointF(-r * 1.5, -r * 3.0), a + QPointF(r * 1.5, -r * 3.0), a + QPointF(r * 0.5, -r * 0.8));
    } else {
        const QPointF d = b - a;
        const double len = std::hypot(d.x(), d.y());
        if (len < 1e-6) return;
        const QPointF normal(-d.y() / len, d.x() / len);
        const QPointF control = (a + b) / 2 + normal * bend_;
        const QPointF start = from_->boundaryPoint(control);
        const QPointF end = to_->boundaryPoint(control);
        path_.moveTo(start);
        path_.quadTo(control, end);
    }

    if (connection_.kind == ConnectionKind::Synapse) {
        const QPointF tip = path_.pointAtPercent(1.0);
        const QPointF back = path_.pointAtPercent(0.9);
        QPointF dir = tip - back;
        const double len = std::hypot(dir.x(), dir.y());
        if (len > 1e-9) {
            dir /= len;
            const QPointF normal(-dir.y(), dir.x());
            const double size = 11.0;
            head_ << tip << tip - dir * size + normal * size * 0.5 << tip - dir * size - normal * size * 0.5;
        }
    }
    update();
}

QRectF ConnectionItem::boundingRect() const {
    return path_.boundingRect().united(head_.boundingRect()).adjusted(-8, -8, 8, 8);
}

QPainterPath ConnectionItem::shape() const {
    QPainterPathStroker stroker;
    stroker.setWidth(10.0);
    QPainterPath s = stroker.createStroke(path_);
    s.addPolygon(head_);
    return s;
}

void ConnectionItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option->state & QStyle::State_Selected;
    QPen pen(selected ? QColor(30, 110, 230) : colour(), selected ? 3.5 : 2.0);
    if (connection_.kind == ConnectionKind::Gap) pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path_);
    if (!head_.isEmpty()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(pen.color());
        painter->drawPolygon(head_);
    }
}

}  // namespace odynn::ui
