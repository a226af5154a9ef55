#pragma once
// File > Export Figure: which figure (diagram, traces, heatmap, compare, live fit, the
// after-fit figures), the file and its format, size in mm or px, DPI and font size. The
// choices are remembered for the next export in this session.
#include <QDialog>
#include <QStringList>

#include "plots/figure_export.hpp"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QLineEdit;
class QLabel;

namespace odynn::ui {

class FigureExportDialog : public QDialog {
    Q_OBJECT
public:
    // `figures`: the names of the figures that can be exported now; `current` is preselected.
    FigureExportDialog(const QStringList& figures, int current, QWidget* parent = nullptr);

    int figure() const;
    QString path() const;  // with the format's suffix
    FigureSettings settings() const;
    void setPath(const QString& path);
    void setSettings(const FigureSettings& settings);

private:
    void browse();
    void onUnitChanged();
    void updateSummary();
    void accept() override;

    QComboBox* figure_;
    QLineEdit* path_;
    QComboBox* format_;
    QDoubleSpinBox* width_;
    QDoubleSpinBox* height_;
    QComboBox* unit_;
    QSpinBox* dpi_;
    QDoubleSpinBox* font_;
    QLabel* summary_;
    FigureSettings::Unit shownUnit_ = FigureSettings::Unit::Millimetres;
};

}  // namespace odynn::ui
