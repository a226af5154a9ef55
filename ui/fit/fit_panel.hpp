#pragma once
// Fitting: population size, epochs, learning-rate schedule, loss weights, observed neurons,
// the train/test split and the fixed parameters (ticked in the inspector). While a worker
// runs the fit the live plots show every set's loss, the learning rate, the best set's trace
// against the target and its parameters; the run can be paused, stopped and continued, and
// the best set applied to the circuit as one undoable edit. After the run: ODYNN's figures.
#include <QSet>
#include <QWidget>
#include <functional>
#include <optional>

#include "editor/circuit_graph_model.hpp"
#include "fit/fit_worker.hpp"

class QUndoStack;
class QSpinBox;
class QDoubleSpinBox;
class QPushButton;
class QLabel;
class QComboBox;
class QCustomPlot;
class QListWidget;
class QTabWidget;

namespace odynn::ui {

class FitLivePlots;
class FitResultPlots;

class FitPanel : public QWidget {
    Q_OBJECT
public:
    enum class TargetSource { LoadedTrace, CurrentSimulation };
    // Builds the data set (one batch entry per stimulus or loaded trace) for the chosen
    // source; returns nullopt with a message.
    using DatasetProvider = std::function<std::optional<FitDataset>(TargetSource, QString*)>;

    FitPanel(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent = nullptr);

    void setDatasetProvider(DatasetProvider provider) { dataset_ = std::move(provider); }
    void setFixedParameters(const QSet<QString>& names);
    void setTargetDescription(const QString& text);  // what the loaded traces are
    void setLossWeights(double v, double ca);         // w_V and w_Ca of the loss
    void setObservedNeurons(const QSet<QString>& labels);  // ticks exactly these neurons
    double lossWeightV() const;
    double lossWeightCa() const;
    QPushButton* startButton() const { return start_; }

    FitOptions options() const;
    FitWorker* worker() { return &worker_; }
    QCustomPlot* plot() const;                 // the live plots
    FitLivePlots* livePlots() const { return live_; }
    FitResultPlots* resultPlots() const { return results_; }
    QSpinBox* populationBox() const { return population_; }
    QSpinBox* epochsBox() const { return epochs_; }
    QListWidget* observedList() const { return observed_; }
    QComboBox* testSplitBox() const { return testSplit_; }
    QComboBox* methodBox() const { return method_; }
    QComboBox* targetBox() const { return target_; }
    QString statusText() const;
    bool hasBest() const { return best_.has_value(); }
    const std::optional<Circuit>& best() const { return best_; }

    void startFit();
    void stopFit();
    void togglePause();
    void continueFit();  // a stopped or finished run, for as many epochs again
    void applyBest();

signals:
    void message(const QString& text);
    void bestAvailable(const odynn::Circuit& best);

private:
    void onEpoch(const FitProgress& progress);
    void onFinished(const FitOutcome& outcome);
    void setRunning(bool running);
    void resetLearningRate();
    void refreshObserved();
    std::vector<bool> observedFlags() const;

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    DatasetProvider dataset_;
    QSet<QString> fixed_;
    FitWorker worker_;
    std::optional<Circuit> best_;
    Circuit fitCircuit_;                   // as it was when the fit started
    FitDataset train_;
    std::optional<FitDataset> test_;

    QComboBox* target_;
    QLabel* targetInfo_;
    QListWidget* observed_;
    QComboBox* testSplit_;
    QComboBox* method_;
    QSpinBox* population_;
    QSpinBox* epochs_;
    QDoubleSpinBox* lr0_;
    QSpinBox* decaySteps_;
    QDoubleSpinBox* decayRate_;
    QDoubleSpinBox* weightV_;
    QDoubleSpinBox* weightCa_;
    QSpinBox* seed_;
    QSpinBox* threads_;
    QLabel* fixedInfo_;
    QPushButton* start_;
    QPushButton* pause_;
    QPushButton* stop_;
    QPushButton* continue_;
    QPushButton* apply_;
    QLabel* status_;
    QTabWidget* views_;
    FitLivePlots* live_;
    FitResultPlots* results_;
};

}  // namespace odynn::ui
