#pragma once
// File > Import NWB Recording: the TimeSeries of a Neurodata Without Borders file shown as a
// tree of its groups (type, unit, timing, shape per series); the chosen series (one ROI of a
// RoiResponseSeries, or a CurrentClampSeries) with an optional stimulus is previewed and
// becomes a fitting target of one neuron (odynn/nwb_import.hpp does the reading).
#include <QDialog>
#include <optional>
#include <vector>

#include "import/target_trace.hpp"
#include "odynn/nwb_import.hpp"

class QComboBox;
class QCustomPlot;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QTreeWidget;

namespace odynn::ui {

class NwbImportDialog : public QDialog {
    Q_OBJECT
public:
    // `neurons`: the circuit's labels; `dt`: the circuit's time step (ms), the target's step.
    NwbImportDialog(const QStringList& neurons, double dt, QWidget* parent = nullptr);

    // Lists the file's series; false with errorText() when it cannot be read.
    bool setFile(const QString& path);
    // Selects a series by path; false when the file has none there.
    bool selectSeries(const QString& path);
    NwbImportOptions options() const;
    QString neuron() const;
    QString errorText() const { return error_; }
    // The import at the chosen dt (run on accept).
    std::optional<TargetTrace> target() const;

    QTreeWidget* tree() const { return tree_; }
    QComboBox* roiBox() const { return roi_; }
    QComboBox* stimulusBox() const { return stimulus_; }
    QCustomPlot* plot() const { return plot_; }

    void accept() override;

private:
    void seriesChanged();
    void updatePreview();
    void setError(const QString& text);
    const NwbSeriesInfo* current() const;

    QString file_, error_;
    std::vector<NwbSeriesInfo> series_;
    std::optional<TargetTrace> accepted_;

    QLabel* fileLabel_;
    QTreeWidget* tree_;
    QComboBox* neuron_;
    QComboBox* roi_;
    QComboBox* stimulus_;
    QDoubleSpinBox* dt_;
    QLabel* info_;
    QLabel* errorLabel_;
    QCustomPlot* plot_;
    QDialogButtonBox* buttons_;
};

}  // namespace odynn::ui
