#pragma once
// The desktop window: the circuit diagram in the centre; inspector, stimuli, plots and
// fitting in docks the user can rearrange (remembered between sessions); project files,
// undo/redo, autosave with recovery, and CSV traces dropped onto the window.
#include <QDeadlineTimer>
#include <QMainWindow>
#include <QTimer>
#include <functional>
#include <optional>
#include <vector>

#include "import/column_mapping.hpp"

#include "plots/figure_export.hpp"
#include "project/project_file.hpp"
#include "window/simulation_worker.hpp"
#include "import/target_trace.hpp"
#include "project/examples.hpp"

class QUndoStack;
class QProgressBar;
class QLabel;
class QMenu;
class QToolButton;
class QAction;
class QStackedWidget;

namespace odynn::ui {

class CircuitGraphModel;
class CircuitScene;
class CircuitView;
class InspectorPanel;
class StimulusEditor;
class TracePlots;
class VoltageHeatmap;
class FitPanel;
class ComparePanel;
class ProjectController;
class WelcomeView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        bool restoreSettings = true;   // window layout and recent files from QSettings
        bool offerRecovery = true;     // ask to restore an autosave left by a crash
        bool autoSimulate = true;      // re-simulate after every edit
        // Errors and questions in message boxes. Off (tests, screenshots): errors go to the
        // status bar and lastError(), unknown CSV layouts are refused, unsaved work is discarded.
        bool showDialogs = true;
        bool showWelcome = false;      // the welcome view (examples) until a project is chosen
        // Fits write run folders beside the project file (or in the app's data folder). Off
        // (screenshots): a fit leaves no files.
        bool writeFitRuns = true;
    };
    explicit MainWindow(Options options, QWidget* parent = nullptr);
    MainWindow() : MainWindow(Options{}) {}
    ~MainWindow() override;

    // Project handling; errors are shown to the user and reported by the return value.
    bool openProject(const QString& path);
    bool saveProjectAs(const QString& path);
    void setProject(const Project& project, const QString& path);
    Project currentProject() const;
    QString projectPath() const;
    bool isModified() const;

    // A CSV of recorded traces, added to the fitting targets (one batch entry each). When
    // its header is not a known format the mapping chooser (by default a dialog) says what
    // the columns mean; errors are shown to the user and reported by the return value.
    bool loadTargetTrace(const QString& path);
    using MappingChooser = std::function<std::optional<std::vector<ColumnMapping>>(
        const CsvTable& table, const std::vector<ColumnMapping>& guess)>;
    void setMappingChooser(MappingChooser chooser) { chooseMapping_ = std::move(chooser); }
    void clearTargetTraces();
    // File > Open Fit Run: a run folder of the app or of odynn-cli fit, shown in the Fit panel.
    bool openFitRun(const QString& dir);
    // A calcium recording (trace, inputCurrent, timeVector; File > Import Calcium Trace or
    // dropped): the import dialog, then a calcium target with loss weights V 0, Ca 1 (ODYNN's
    // choice for AVAL). `path` empty: the dialog asks for the file.
    bool importCalciumTrace(const QString& path = {});
    // An NWB file (File > Import NWB Recording or a dropped .nwb): the chosen series becomes a target.
    bool importNwbRecording(const QString& path);
    void addTargetTrace(const TargetTrace& trace);
    // File > New Circuit from Connectome: a new untitled project with the chosen real wiring.
    bool newCircuitFromConnectome();
    // One of the bundled examples (examples.hpp) with its targets; false (and lastError()) when
    // its data are missing or the user keeps the current project.
    bool openExample(Example example);
    void showWelcome();  // the welcome view in place of the diagram until a project is chosen
    WelcomeView* welcomeView() const { return welcome_; }
    bool welcomeShown() const;
    int targetTraceCount() const { return static_cast<int>(targets_.size()); }
    QString lastError() const { return lastError_; }
    void requestSimulation();                   // debounced, in the background
    bool simulateNow();                         // on this thread; used for screenshots
    const std::optional<SimulationOutput>& lastOutput() const { return lastOutput_; }

    // Parts, for tests and the screenshot mode.
    CircuitGraphModel* model() const { return model_; }
    QUndoStack* undoStack() const { return undoStack_; }
    CircuitScene* scene() const { return scene_; }
    CircuitView* view() const { return view_; }
    InspectorPanel* inspector() const { return inspector_; }
    StimulusEditor* stimulusEditor() const { return stimulus_; }
    TracePlots* tracePlots() const { return traces_; }
    VoltageHeatmap* heatmap() const { return heatmap_; }
    FitPanel* fitPanel() const { return fit_; }
    ComparePanel* comparePanel() const { return compare_; }
    void showFitView();   // raises the fit dock (the screenshot mode uses it)
    SimulationWorker* simulationWorker() const { return worker_; }
    QProgressBar* progressBar() const { return progress_; }

    ProjectController* projectController() const { return project_; }

    // Figures that can be exported now (the diagram first, after-fit figures once a fit has
    // finished) and the export of one of them; returns an error message or an empty string.
    QStringList exportableFigures() const;
    QString exportFigure(int figure, const QString& path, const FigureSettings& settings);

protected:
    void showEvent(QShowEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createDocks();
    void createFitActions();
    void createHelpMenu();
    void showQuickStart();
    void resetLayout();
    void applyDefaultDockSizes();
    void newProject();
    void applyProject(const Project& project);  // shows a loaded project in every part
    void onSelectionChanged();
    void showSelectedTraces();   // the selected neurons' curves (the first few when none)
    void resimulateAfterEdit();  // unless the last run was slow: then F5 runs it
    void onSimulationFinished(const SimulationOutput& result);
    void showError(const QString& title, const QString& text);
    void showStatus(const QString& text, int timeoutMs);  // a temporary message, elided before the permanent widgets
    void fitStatusMessage();  // elides the message shown to the room the permanent widgets leave it
    bool eventFilter(QObject* watched, QEvent* event) override;
    void exportFigureDialog(int preselected);
    int visibleFigure() const;  // index in exportableFigures() of the plot in view
    std::optional<FitDataset> fitDataset(int source, QString* why) const;
    Stimulus currentStimulus() const;
    std::vector<int> neuronsOnScreen() const;  // circuit indices whose every state the next run records
    // The loaded targets as one fitting data set (each with its own input current); none when
    // no target is loaded or one names a neuron the circuit lacks (`why` says which).
    std::optional<FitDataset> recordedDataset(QString* why = nullptr) const;
    void runSimulation();                      // in the background, recording what is shown

    Options options_;
    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    ProjectController* project_;
    CircuitScene* scene_;
    CircuitView* view_;
    WelcomeView* welcome_;
    QStackedWidget* centre_;  // the welcome view or the diagram
    InspectorPanel* inspector_ = nullptr;
    StimulusEditor* stimulus_ = nullptr;
    TracePlots* traces_ = nullptr;
    VoltageHeatmap* heatmap_ = nullptr;
    FitPanel* fit_ = nullptr;
    ComparePanel* compare_ = nullptr;
    class QTabWidget* plotTabs_ = nullptr;
    class QDockWidget* inspectorDock_ = nullptr;
    class QDockWidget* plotsDock_ = nullptr;
    class QDockWidget* fitDock_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    SimulationWorker* worker_;
    QProgressBar* progress_;
    QToolButton* cancelButton_;
    QLabel* simInfo_;
    QAction* autoSimulate_ = nullptr;

    QTimer simulateTimer_;
    std::optional<SimulationOutput> lastOutput_;
    double lastSimulationSeconds_ = 0;
    static constexpr double slowSimulationSeconds = 1.0;  // s: slower circuits do not re-simulate on each edit
    std::vector<TargetTrace> targets_;   // every loaded trace: the fit's batch entries
    MappingChooser chooseMapping_;
    QString lastError_;
    QString statusText_;          // the temporary message, whole
    QDeadlineTimer statusUntil_;  // when it goes
    std::vector<std::string> projectModels_;  // the project's model files, by name
    QByteArray stateBeforeWelcome_;  // the dock layout the welcome view hid
    bool savedLayout_ = false;       // the dock layout came from QSettings
    QByteArray defaultState_;       // the dock layout before any restore, for View > Reset Layout
    bool layoutRestored_ = false;  // dock layout came from QSettings (or defaults applied)  // changes outside the undo stack (stimuli, fixed flags)
};

}  // namespace odynn::ui
