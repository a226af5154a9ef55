#pragma once
// The inspector's parameter slider. Its positions map to values linearly, or logarithmically
// where the range spans two decades or more (conductances such as G, g_Ca and g_L, whose useful
// values lie anywhere from 1e-7 to 0.5). Holding Shift gives fine control: dragging moves the
// handle a tenth as fast, and the arrow keys step by a tenth.
#include <QSlider>

namespace odynn::ui {

struct SliderScale {
    double low = 0, high = 1;
    bool logarithmic = false;

    // Logarithmic when 0 < low and high / low >= 100.
    static SliderScale forRange(double low, double high);
    double valueAt(double fraction) const;  // fraction of the slider's length, 0..1
    double fractionOf(double value) const;  // clamped to 0..1
};

class ParameterSlider : public QSlider {
    Q_OBJECT
public:
    static constexpr int positions = 10000;  // slider steps over the whole range
    static constexpr int fineFactor = 10;    // Shift: this many times finer

    explicit ParameterSlider(SliderScale scale, QWidget* parent = nullptr);

    const SliderScale& scale() const { return scale_; }
    double parameterValue() const;
    void setParameterValue(double value);  // moves the handle without emitting parameterChanged
    int pixelsPerRange() const;            // groove length the handle travels (px)

signals:
    void parameterChanged(double value);  // the user moved the handle

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    int positionAtPixel(double x) const;
    void anchorAt(double x, bool fine);

    SliderScale scale_;
    bool settingValue_ = false;
    bool fine_ = false;       // the current drag's mode
    double anchorX_ = 0;      // px where the current drag mode began
    int anchorPosition_ = 0;  // slider position there
};

}  // namespace odynn::ui
