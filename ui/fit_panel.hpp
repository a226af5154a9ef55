#pragma once
// Fitting: population size, epochs, learning-rate schedule, loss weights and fixed
// parameters; the loss of every parameter set is drawn live on a log axis while a worker
// runs the fit; the best set can be applied to the circuit as one undoable edit.
#include <QSet>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <optional>

#include "circuit_graph_model.hpp"
#include "fit_worker.hpp"

class QUndoStack;
class QSpinBox;
class QDoubleSpinBox;
class QPushButton;
class QLabel;
class QComboBox;
class QCustomPlot;

namespace odynn::ui {

class FitPanel : public QWidget {
    Q_OBJECT
public:
    enum class TargetSource { LoadedTrace, CurrentSimulation };
    // Builds the data set for the chosen target source; returns nullopt with a message.
    using DatasetProvider = std::function<std::optional<FitDataset>(TargetSource, QString*)>;

    FitPanel(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent = nullptr);

    void setDatasetProvider(DatasetProvider provider) { dataset_ = std::move(provider); }
    void setFixedParameters(const QSet<QString>& names);
    void setTargetDescription(const QString& text);  // what a loaded trace is

    FitOptions options() const;
    FitWorker* worker() { return &worker_; }
    QCustomPlot* plot() const { return plot_; }
    bool hasBest() const { return best_.has_value(); }

    void startFit();
    void stopFit();
    void applyBest();

signals:
    void message(const QString& text);

private:
    void onEpoch(const EpochSummary& summary);
    void onFinished(const FitOutcome& outcome);
    void setRunning(bool running);
    void resetLearningRate();

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    DatasetProvider dataset_;
    QSet<QString> fixed_;
    FitWorker worker_;
    std::optional<Circuit> best_;

    QComboBox* target_;
    QLabel* targetInfo_;
    QSpinBox* population_;
    QSpinBox* epochs_;
    QDoubleSpinBox* lr0_;
    QSpinBox* decaySteps_;
    QDoubleSpinBox* decayRate_;
    QDoubleSpinBox* weightV_;
    QDoubleSpinBox* weightCa_;
    QSpinBox* seed_;
    QLabel* fixedInfo_;
    QPushButton* start_;
    QPushButton* stop_;
    QPushButton* apply_;
    QLabel* status_;
    QCustomPlot* plot_;
    QTimer redrawTimer_;
    bool dirty_ = false;
};

}  // namespace odynn::ui
