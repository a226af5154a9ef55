#include "editor/circuit_view.hpp"

#include <QKeyEvent>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "editor/circuit_scene.hpp"

namespace odynn::ui {

CircuitView::CircuitView(QGraphicsScene* scene, QWidget* parent) : QGraphicsView(scene, parent) {
    setRenderHint(QPainter::Antialiasing);
    setDragMode(RubberBandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setViewportUpdateMode(BoundingRectViewportUpdate);
    setMinimumSize(200, 150);
}

void CircuitView::zoomBy(double factor) {
    // Keep the zoom within 5%..800% so the diagram never vanishes or explodes.
    const double current = transform().m11();
    factor = std::clamp(current * factor, 0.05, 8.0) / current;
    scale(factor, factor);
    fitted_ = false;
}

void CircuitView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (fitted_) fitContent();
}

void CircuitView::fitContent() {
    if (auto* s = qobject_cast<CircuitScene*>(scene())) {
        fitInView(s->contentRect(), Qt::KeepAspectRatio);
        if (transform().m11() > 1.5) {  // a small circuit should not fill the screen
            const double f = 1.5 / transform().m11();
            scale(f, f);
            centerOn(s->contentRect().center());  // scale() anchors at the mouse when it is over the view
        }
        fitted_ = true;
    }
}

void CircuitView::wheelEvent(QWheelEvent* event) {
    // One wheel notch (120 units) zooms by 15%.
    zoomBy(std::pow(1.15, event->angleDelta().y() / 120.0));
    event->accept();
}

void CircuitView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_)) {
        panning_ = true;
        fitted_ = false;
        lastPanPoint_ = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void CircuitView::mouseMoveEvent(QMouseEvent* event) {
    if (panning_) {
        const QPoint delta = event->position().toPoint() - lastPanPoint_;
        lastPanPoint_ = event->position().toPoint();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void CircuitView::mouseReleaseEvent(QMouseEvent* event) {
    if (panning_) {
        panning_ = false;
        viewport()->setCursor(spaceHeld_ ? Qt::OpenHandCursor : Qt::ArrowCursor);
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void CircuitView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = true;
        viewport()->setCursor(Qt::OpenHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void CircuitView::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = false;
        viewport()->setCursor(Qt::ArrowCursor);
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

}  // namespace odynn::ui
