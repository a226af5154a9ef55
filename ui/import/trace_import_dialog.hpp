#pragma once
// File > Import Calcium Trace: a calcium-imaging recording (columns trace, inputCurrent,
// timeVector; time in s, e.g. AVAL1.csv) turned into a fitting target the way ODYNN does it
// (odynn/trace_import.hpp): scaled, optionally through the Hill transform, cut to a training
// window and resampled to the model's dt with a smoothing spline. A preview overlays the
// recorded samples, the resampled target and the injected current and follows every setting.
// The ODYNN preparation (get_real_data) instead gives its 5 training windows, each a target.
#include <QDialog>
#include <QStringList>
#include <QTimer>
#include <optional>

#include "odynn/trace_import.hpp"
#include "import/target_trace.hpp"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace odynn::ui {

// True when the CSV's header names the recording columns timeVector and trace (the file is
// not read past its first line).
bool isCalciumRecording(const QString& path);

class TraceImportDialog : public QDialog {
    Q_OBJECT
public:
    // `neurons`: the circuit's labels (the recording becomes the calcium of one of them);
    // `neuron`: the one chosen at first (empty: AVAL-like name match, else the first);
    // `dt`: the circuit's time step (ms).
    TraceImportDialog(const QStringList& neurons, const QString& neuron, double dt, QWidget* parent = nullptr);

    // Reads the recording; false with errorText() when it cannot be used.
    bool setFile(const QString& path);
    QString file() const;
    TraceImportOptions options() const;
    QString neuron() const;
    QString errorText() const { return error_; }

    // The whole import at the chosen dt (run on accept; callers may call it themselves).
    // With the ODYNN preparation: its first training window.
    std::optional<TargetTrace> target() const;
    // Every target: one, or ODYNN's 5 training windows (each a batch entry).
    std::vector<TargetTrace> targets() const;
    bool odynnPreparation() const;
    const std::optional<RawTrace>& raw() const { return raw_; }

    // Preview data, for tests and screenshots: recorded samples on the scaled time axis and
    // the resampled target drawn at a coarser step where the chosen dt would give too many points.
    QCustomPlot* plot() const { return plot_; }
    void updatePreviewNow();
    QString infoText() const;  // samples, window and the number of steps the import gives

    QDoubleSpinBox* dtBox() const { return dt_; }
    QDoubleSpinBox* smoothingBox() const { return smoothing_; }
    QCheckBox* hillBox() const { return hill_; }
    QComboBox* windowBox() const { return window_; }
    QComboBox* preparationBox() const { return preparation_; }
    QDoubleSpinBox* windowStartBox() const { return start_; }
    QDoubleSpinBox* windowEndBox() const { return end_; }

    void accept() override;

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void browse();
    void windowPresetChanged();
    void preparationChanged();
    void previewOdynn();
    void schedulePreview();
    void setError(const QString& text);

    std::optional<RawTrace> raw_;
    QString error_;
    QTimer previewTimer_;
    std::vector<TargetTrace> accepted_;

    QLineEdit* path_;
    QComboBox* neuron_;
    QComboBox* preparation_;
    QDoubleSpinBox* timeScale_;
    QDoubleSpinBox* traceScale_;
    QDoubleSpinBox* currentScale_;
    QDoubleSpinBox* dt_;
    QDoubleSpinBox* smoothing_;
    QCheckBox* hill_;
    QComboBox* window_;
    QDoubleSpinBox* start_;
    QDoubleSpinBox* end_;
    QLabel* info_;
    QLabel* errorLabel_;
    QCustomPlot* plot_;
    QDialogButtonBox* buttons_;
};

}  // namespace odynn::ui
