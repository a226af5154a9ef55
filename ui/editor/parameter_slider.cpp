#include "editor/parameter_slider.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QStyle>
#include <QStyleOptionSlider>
#include <algorithm>
#include <cmath>

namespace odynn::ui {

SliderScale SliderScale::forRange(double low, double high) {
    SliderScale s;
    s.low = low;
    s.high = high;
    s.logarithmic = low > 0 && high / low >= 100.0;
    return s;
}

double SliderScale::valueAt(double fraction) const {
    const double f = std::clamp(fraction, 0.0, 1.0);
    if (logarithmic) return low * std::pow(high / low, f);
    return low + (high - low) * f;
}

double SliderScale::fractionOf(double value) const {
    double f = 0;
    if (logarithmic) f = value > 0 ? std::log(value / low) / std::log(high / low) : 0.0;
    else if (high > low) f = (value - low) / (high - low);
    return std::isfinite(f) ? std::clamp(f, 0.0, 1.0) : 0.0;
}

ParameterSlider::ParameterSlider(SliderScale scale, QWidget* parent) : QSlider(Qt::Horizontal, parent), scale_(scale) {
    setRange(0, positions);
    setSingleStep(positions / 1000);
    setPageStep(positions / 20);
    connect(this, &QSlider::valueChanged, this, [this](int) {
        if (!settingValue_) emit parameterChanged(parameterValue());
    });
}

double ParameterSlider::parameterValue() const { return scale_.valueAt(double(value()) / positions); }

void ParameterSlider::setParameterValue(double v) {
    settingValue_ = true;
    setValue(static_cast<int>(std::lround(scale_.fractionOf(v) * positions)));
    settingValue_ = false;
}

int ParameterSlider::pixelsPerRange() const {
    QStyleOptionSlider option;
    initStyleOption(&option);
    const int handle = style()->pixelMetric(QStyle::PM_SliderLength, &option, this);
    return std::max(1, width() - handle);
}

int ParameterSlider::positionAtPixel(double x) const {
    QStyleOptionSlider option;
    initStyleOption(&option);
    const int handle = style()->pixelMetric(QStyle::PM_SliderLength, &option, this);
    return QStyle::sliderValueFromPosition(minimum(), maximum(), static_cast<int>(std::lround(x)) - handle / 2,
                                           pixelsPerRange());
}

void ParameterSlider::anchorAt(double x, bool fine) {
    fine_ = fine;
    anchorX_ = x;
    anchorPosition_ = sliderPosition();
}

void ParameterSlider::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) {
        QSlider::mousePressEvent(event);
        return;
    }
    const bool fine = event->modifiers() & Qt::ShiftModifier;
    // A plain click puts the handle under the pointer; a Shift click leaves it where it is.
    if (!fine) setSliderPosition(positionAtPixel(event->position().x()));
    anchorAt(event->position().x(), fine);
    setSliderDown(true);
    event->accept();
}

void ParameterSlider::mouseMoveEvent(QMouseEvent* event) {
    if (!isSliderDown()) {
        QSlider::mouseMoveEvent(event);
        return;
    }
    const bool fine = event->modifiers() & Qt::ShiftModifier;
    // Pressing or releasing Shift mid-drag continues from where the handle is.
    if (fine != fine_) anchorAt(event->position().x(), fine);
    const double perPixel = double(maximum() - minimum()) / pixelsPerRange() / (fine ? fineFactor : 1);
    setSliderPosition(anchorPosition_ + static_cast<int>(std::lround((event->position().x() - anchorX_) * perPixel)));
    event->accept();
}

void ParameterSlider::mouseReleaseEvent(QMouseEvent* event) {
    if (isSliderDown() && event->button() == Qt::LeftButton) {
        setSliderDown(false);
        event->accept();
        return;
    }
    QSlider::mouseReleaseEvent(event);
}

void ParameterSlider::keyPressEvent(QKeyEvent* event) {
    const bool fine = event->modifiers() & Qt::ShiftModifier;
    int direction = 0;
    if (event->key() == Qt::Key_Right || event->key() == Qt::Key_Up) direction = 1;
    if (event->key() == Qt::Key_Left || event->key() == Qt::Key_Down) direction = -1;
    if (direction == 0 || !fine) {
        QSlider::keyPressEvent(event);
        return;
    }
    setValue(value() + direction * std::max(1, singleStep() / fineFactor));
    event->accept();
}

}  // namespace odynn::ui
