#pragma once
// Fitting: population size, epochs, learning-rate schedule, loss weights, observed neurons,
// the train/test split and the fixed parameters (ticked in the inspector). While a worker
// runs the fit the live plots show every set's loss, the learning rate, the best set's trace
// against the target and its parameters; the run can be paused, stopped and continued, and
// the best set applied to the circuit as one undoable edit. After the run: ODYNN's figures.
//
// Every fit writes a run folder, the same as `odynn-cli fit --out` (the window says where:
// beside the project file), so `odynn-cli fit --resume` continues it after the app is closed;
// Open Fit Run shows any run folder, the CLI's too, and Continue goes on from its checkpoint.
// Two sets are kept: ODYNN's choice (the lowest loss of the final sets, best.json) and the
// lowest loss seen at any epoch (best_iterate.json); Apply says which one it writes.
#include <QSet>
#include <QWidget>
#include <functional>
#include <memory>
#include <optional>

#include "editor/circuit_graph_model.hpp"
#include "fit/fit_setup.hpp"
#include "fit/fit_worker.hpp"
#include "odynn/run_lock.hpp"

class QUndoStack;
class QSpinBox;
class QDoubleSpinBox;
class QPushButton;
class QLabel;
class QComboBox;
class QCustomPlot;
class QListWidget;
class QTabWidget;
class QFormLayout;

namespace odynn::ui {

class FitLivePlots;
class FitResultPlots;

class FitPanel : public QWidget {
    Q_OBJECT
public:
    enum class TargetSource { LoadedTrace, CurrentSimulation };
    // Final: ODYNN's choice, the lowest loss of the final sets. Iterate: the lowest loss seen.
    enum class BestChoice { Final, Iterate };
    // A new, empty folder for the next fit's run folder; empty: the fit writes none.
    using RunFolderChooser = std::function<QString()>;
    // Builds the data set (one batch entry per stimulus or loaded trace) for the chosen
    // source; returns nullopt with a message.
    using DatasetProvider = std::function<std::optional<FitDataset>(TargetSource, QString*)>;

    FitPanel(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent = nullptr);

    void setDatasetProvider(DatasetProvider provider) { dataset_ = std::move(provider); }
    void setRunFolderChooser(RunFolderChooser chooser) { runFolderChooser_ = std::move(chooser); }
    QString runFolder() const { return runFolder_; }  // of the fit shown; empty when none
    // File > Open Fit Run: shows the run of `dir` (any run folder of a circuit fit) and makes
    // it the one Continue goes on with. False, with a message, when it cannot be read or is in use.
    bool openRunFolder(const QString& dir);
    void setFixedParameters(const QSet<QString>& names);
    // The inspector's fit bounds; a fit passes those the circuit still has as FitOptions::bounds.
    void setFitBounds(const std::vector<ParameterBound>& bounds);
    void setTargetDescription(const QString& text);  // what the loaded traces are
    void setLossWeights(double v, double ca);         // w_V and w_Ca of the loss
    void setObservedNeurons(const QSet<QString>& labels);  // ticks exactly these neurons
    // Neurons the loaded targets have data for: the observed neurons while the target is the
    // loaded traces (ticked now).
    void setTargetNeurons(const QSet<QString>& labels);
    FreeParameters freeParameterSummary() const;
    QString freeParameterText() const;
    // The settings as a project keeps them (targets are the window's) and back.
    FitSetup setup() const;
    void applySetup(const FitSetup& setup);
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
    QSpinBox* hopsBox() const { return hops_; }  // the robust method's basin hops; hidden for ODYNN's
    QDoubleSpinBox* validationBox() const { return validation_; }  // the robust method's held-out part, in %
    QComboBox* targetBox() const { return target_; }
    QString statusText() const;
    bool hasBest() const { return best_.has_value() || bestIterate_.exists(); }
    const std::optional<Circuit>& best() const { return best_; }  // ODYNN's choice, once the run has ended
    const BestIterate& bestIterate() const { return bestIterate_; }
    std::optional<Circuit> bestCircuit(BestChoice choice) const;
    QPushButton* applyButton() const { return apply_; }
    QPushButton* continueButton() const { return continue_; }
    QComboBox* freeScopeBox() const { return freeScope_; }

    void startFit();
    void stopFit();
    void togglePause();
    void continueFit();  // a stopped or finished run, for as many epochs again
    void applyBest();  // ODYNN's choice once the run has ended, else the lowest loss seen so far
    void applyBest(BestChoice choice);

signals:
    void message(const QString& text);
    void bestAvailable(const odynn::Circuit& best);
    void setupChanged();  // the user changed a setting the project keeps

private:
    void onEpoch(const FitProgress& progress);
    void onFinished(const FitOutcome& outcome);
    void setRunning(bool running);
    void resetLearningRate();
    void refreshObserved();
    void refreshFreeInfo();
    void showMethodSettings();  // the robust method's own settings only while it is chosen
    std::vector<bool> observedFlags() const;
    bool claimRunFolder(const QString& dir);  // false with a message when another process uses it

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    DatasetProvider dataset_;
    RunFolderChooser runFolderChooser_;
    QString runFolder_;
    std::unique_ptr<RunFolderLock> runLock_;
    QSet<QString> fixed_;
    std::vector<ParameterBound> bounds_;
    QSet<QString> targetNeurons_;
    BestIterate bestIterate_;
    double totalSeconds_ = 0;           // s of every epoch of the run shown
    bool applyingSetup_ = false;        // settings set from a project: not the user's change
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
    QSpinBox* hops_;
    QDoubleSpinBox* validation_;
    QWidget* robustRow_;  // hops and held-out part: shown for the robust method only
    QSpinBox* population_;
    QSpinBox* epochs_;
    QDoubleSpinBox* lr0_;
    QSpinBox* decaySteps_;
    QDoubleSpinBox* decayRate_;
    QDoubleSpinBox* weightV_;
    QDoubleSpinBox* weightCa_;
    QSpinBox* seed_;
    QSpinBox* threads_;
    QComboBox* freeScope_;
    QLabel* fixedInfo_;
    QPushButton* start_;
    QPushButton* pause_;
    QPushButton* stop_;
    QPushButton* continue_;
    QPushButton* apply_;
    QLabel* status_;
    QFormLayout* form_;
    QTabWidget* views_;
    FitLivePlots* live_;
    FitResultPlots* results_;
};

}  // namespace odynn::ui
