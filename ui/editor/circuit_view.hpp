#pragma once
// The diagram's view: wheel zooms about the cursor, the middle button (or Space + drag) pans,
// a left drag on empty space selects with a rubber band. Once fitted to its circuit, the view
// keeps fitting it as it is resized (docks shown or moved) until the user zooms or pans.
#include <QGraphicsView>

namespace odynn::ui {

class CircuitView : public QGraphicsView {
    Q_OBJECT
public:
    explicit CircuitView(QGraphicsScene* scene, QWidget* parent = nullptr);

    void zoomBy(double factor);
    void fitContent();  // shows every item
    bool followsContent() const { return fitted_; }

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    bool fitted_ = false;  // fitContent() was the last change of the view
    bool panning_ = false;
    bool spaceHeld_ = false;
    QPoint lastPanPoint_;
};

}  // namespace odynn::ui
