#include "window/main_window.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollArea>
#include <QStackedWidget>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QDeadlineTimer>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <qcustomplot.h>

#include "editor/circuit_graph_model.hpp"
#include "editor/circuit_scene.hpp"
#include "models/model_editor.hpp"
#include "editor/circuit_view.hpp"
#include "import/column_mapping_dialog.hpp"
#include "plots/compare_panel.hpp"
#include "import/connectome_dialog.hpp"
#include "plots/figure_export.hpp"
#include "plots/figure_export_dialog.hpp"
#include "project/project_controller.hpp"
#include "fit/fit_panel.hpp"
#include "fit/fit_result_plots.hpp"
#include "fit/run_folder_place.hpp"
#include "editor/inspector_panel.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "editor/stimulus_editor.hpp"
#include "import/nwb_import_dialog.hpp"
#include "import/trace_import_dialog.hpp"
#include "plots/trace_plots.hpp"
#include "plots/voltage_heatmap.hpp"
#include "window/welcome_view.hpp"

namespace odynn::ui {

namespace {
constexpr int maxRecent = 8;

// Neurons without a position are placed in columns by role (sensory, inter, command, motor); a
// large circuit without any positions, whose columns would be thousands of units tall, by a
// force layout.
void placeMissing(Circuit& circuit) {
    constexpr size_t largeCircuit = 30;  // neurons
    const bool none = std::none_of(circuit.neurons.begin(), circuit.neurons.end(), [](const Neuron& n) { return n.position.has_value(); });
    if (none && circuit.neurons.size() > largeCircuit) {
        layOutReadably(circuit);
        return;
    }
    int column[4] = {0, 0, 0, 0};
    for (Neuron& n : circuit.neurons) {
        if (n.position) continue;
        const int c = static_cast<int>(n.role);
        n.position = std::array<double, 2>{(c - 1.5) * 220.0, column[c]++ * 130.0};
    }
}
}  // namespace

MainWindow::MainWindow(Options options, QWidget* parent) : QMainWindow(parent), options_(options) {
    setWindowIcon(QIcon(QStringLiteral(":/icons/odynn.png")));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    model_ = new CircuitGraphModel(this);
    undoStack_ = new QUndoStack(this);
    ProjectController::Options projectOptions;
    projectOptions.showDialogs = options_.showDialogs;
    projectOptions.rememberRecent = options_.restoreSettings;
    project_ = new ProjectController(undoStack_, this, projectOptions, [this] { return currentProject(); },
                                     [this](const Project& p) { applyProject(p); });
    scene_ = new CircuitScene(model_, undoStack_, this);
    view_ = new CircuitView(scene_, this);
    welcome_ = new WelcomeView(this);
    centre_ = new QStackedWidget(this);
    centre_->addWidget(view_);
    centre_->addWidget(welcome_);
    setCentralWidget(centre_);
    connect(welcome_, &WelcomeView::exampleChosen, this, &MainWindow::openExample);
    connect(welcome_, &WelcomeView::emptyCircuitChosen, this, &MainWindow::newProject);
    connect(welcome_, &WelcomeView::openProjectChosen, project_, &ProjectController::openDialog);
    worker_ = new SimulationWorker(this);

    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setMaximumWidth(180);
    progress_->setTextVisible(false);
    cancelButton_ = new QToolButton(this);
    cancelButton_->setText(tr("Cancel"));
    cancelButton_->setEnabled(false);
    simInfo_ = new QLabel(this);
    statusBar()->addPermanentWidget(simInfo_);
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(cancelButton_);
    connect(statusBar(), &QStatusBar::messageChanged, this, [this](const QString& text) {
        if (!text.isEmpty()) return;
        statusText_.clear();
        statusBar()->setToolTip(QString());
    });
    simInfo_->installEventFilter(this);  // a wider summary leaves less room to the message

    createDocks();
    createActions();
    createFitActions();
    createHelpMenu();
    defaultState_ = saveState();

    simulateTimer_.setSingleShot(true);
    simulateTimer_.setInterval(150);  // ms of quiet after an edit before re-simulating
    connect(&simulateTimer_, &QTimer::timeout, this, [this] {
        if (model_->neuronCount() == 0) return;  // an empty circuit has nothing to simulate yet
        runSimulation();
    });
    connect(model_, &CircuitGraphModel::changed, this, [this] {
        resimulateAfterEdit();
    });
    connect(stimulus_, &StimulusEditor::stimulusChanged, this, [this] {
        project_->markModified();
        resimulateAfterEdit();
    });
    connect(inspector_, &InspectorPanel::fixedParametersChanged, this, [this] {
        project_->markModified();
        fit_->setFixedParameters(inspector_->fixedParameters());
    });
    connect(inspector_, &InspectorPanel::fitBoundsChanged, this, [this] {
        project_->markModified();
        fit_->setFitBounds(inspector_->fitBounds());
    });
    connect(project_, &ProjectController::titleChanged, this, [this](const QString& title) {
        setWindowTitle(title);
        setWindowModified(project_->isModified());
    });
    connect(project_, &ProjectController::message, this,
            [this](const QString& text, int ms) { showStatus(text, ms); });
    connect(project_, &ProjectController::error, this, &MainWindow::showError);
    connect(scene_, &QGraphicsScene::selectionChanged, this, &MainWindow::onSelectionChanged);
    // A renamed neuron keeps its curves (the plots follow neurons by label).
    connect(model_, &CircuitGraphModel::neuronChanged, this, &MainWindow::showSelectedTraces);
    connect(scene_, &CircuitScene::message, this, [this](const QString& text) { showStatus(text, 5000); });
    connect(fit_, &FitPanel::message, this, [this](const QString& text) { showStatus(text, 8000); });

    connect(traces_, &TracePlots::statesNotRecorded, this, [this] {
        if (worker_->isRunning() || simulateTimer_.isActive()) return;  // the coming result has them
        if (lastSimulationSeconds_ > slowSimulationSeconds)
            simInfo_->setText(tr("press F5 to record the gates of the selected neurons (the last run took %1 s)")
                                  .arg(lastSimulationSeconds_, 0, 'f', 1));
        else if (autoSimulate_->isChecked())
            requestSimulation();
    });
    connect(worker_, &SimulationWorker::started, this, [this] {
        // A slow run would leave stale curves (of other parameters, or another circuit) on screen for seconds.
        const bool otherCircuit = lastOutput_ && lastOutput_->circuit.neurons.size() != model_->circuit().neurons.size();
        if (lastSimulationSeconds_ > slowSimulationSeconds || otherCircuit) {
            traces_->setOutput(SimulationOutput{});
            heatmap_->setOutput(SimulationOutput{});
            simInfo_->setText(tr("simulating…"));
        }
        progress_->setValue(0);
        cancelButton_->setEnabled(true);
    });
    connect(worker_, &SimulationWorker::progress, this,
            [this](double f) { progress_->setValue(static_cast<int>(std::lround(f * 1000))); });
    connect(worker_, &SimulationWorker::finished, this, &MainWindow::onSimulationFinished);
    connect(worker_, &SimulationWorker::failed, this, [this](const QString& why) {
        cancelButton_->setEnabled(false);
        progress_->setValue(0);
        simInfo_->setText(tr("simulation failed"));
        showStatus(tr("Simulation failed: %1").arg(why), 10000);
    });
    connect(worker_, &SimulationWorker::cancelled, this, [this] {
        cancelButton_->setEnabled(false);
        progress_->setValue(0);
        simInfo_->setText(tr("cancelled"));
    });
    connect(cancelButton_, &QToolButton::clicked, worker_, &SimulationWorker::cancel);

    fit_->setDatasetProvider([this](FitPanel::TargetSource source, QString* why) {
        return fitDataset(static_cast<int>(source), why);
    });
    if (options_.writeFitRuns) fit_->setRunFolderChooser([this] { return newRunFolder(project_->path()); });
    connect(fit_, &FitPanel::setupChanged, project_, &ProjectController::markModified);
    compare_->setStimulusBuilder([this](const Circuit& circuit) { return stimulus_->spec().build(circuit); });
    connect(compare_, &ComparePanel::requestCurrentCircuit, this, [this] {
        compare_->addSet(tr("circuit %1").arg(compare_->setCount() + 1), model_->circuit());
    });
    connect(compare_, &ComparePanel::requestBestFit, this, [this] {
        if (fit_->best()) compare_->addSet(tr("best fit %1").arg(compare_->setCount() + 1), *fit_->best());
        else showStatus(tr("No fit has finished yet."), 5000);
    });
    connect(stimulus_, &StimulusEditor::stimulusChanged, compare_, &ComparePanel::refresh);
    chooseMapping_ = [this](const CsvTable& table, const std::vector<ColumnMapping>& guess)
        -> std::optional<std::vector<ColumnMapping>> {
        if (!options_.showDialogs) {
            showError(tr("Load target trace"),
                      tr("%1: the columns are not named in a known way (t, V, cac, V_<neuron>, …)")
                          .arg(QString::fromStdString(table.source)));
            return std::nullopt;
        }
        QStringList neurons;
        for (const Neuron& n : model_->circuit().neurons) neurons << QString::fromStdString(n.label);
        ColumnMappingDialog dialog(table, neurons, guess, this);
        if (dialog.exec() != QDialog::Accepted) return std::nullopt;
        return dialog.mapping();
    };


    // 1400 x 900 px where the screen has room; on small screens (1366 x 768, 1280 x 720) the
    // window starts as large as the screen's available area.
    const QRect available = screen()->availableGeometry();
    resize(std::min(1400, available.width()), std::min(900, available.height()));
    if (options_.restoreSettings) {
        QSettings settings;
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
        layoutRestored_ = restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
        savedLayout_ = layoutRestored_;
    }

    if (options_.showWelcome) {
        Project empty;  // no project until one is chosen in the welcome view
        empty.circuit.dt = 0.1;
        setProject(empty, QString());
        showWelcome();
    } else {
        try {
            setProject(exampleProject(), QString());
        } catch (const std::exception& e) {
            showError(tr("Example"), tr("The bundled example could not be loaded:\n%1").arg(QString::fromUtf8(e.what())));
        }
    }
    if (options_.offerRecovery) QTimer::singleShot(0, project_, &ProjectController::offerRecovery);
}

MainWindow::~MainWindow() {
    // Children die after this body: stop them from calling back into a half-destroyed window.
    undoStack_->disconnect(this);
    undoStack_->disconnect(project_);
    project_->disconnect(this);
    model_->disconnect();
    scene_->disconnect(this);
    worker_->disconnect(this);
    worker_->cancel();
}

void MainWindow::createDocks() {
    auto dock = [this](const QString& title, const QString& name, QWidget* widget, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);  // saveState() needs a name for each dock
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };
    inspector_ = new InspectorPanel(model_, undoStack_, this);
    stimulus_ = new StimulusEditor(model_, undoStack_, this);
    traces_ = new TracePlots(this);
    heatmap_ = new VoltageHeatmap(this);
    fit_ = new FitPanel(model_, undoStack_, this);
    plotTabs_ = new QTabWidget(this);
    plotTabs_->addTab(traces_, tr("Traces"));
    plotTabs_->addTab(heatmap_, tr("Heatmap"));
    compare_ = new ComparePanel(this);
    plotTabs_->addTab(compare_, tr("Compare"));
    plotTabs_->setTabToolTip(2, tr("Overlay the traces of several parameter sets on one stimulus"));

    inspectorDock_ = dock(tr("Inspector"), QStringLiteral("inspectorDock"), inspector_, Qt::RightDockWidgetArea);
    // The stimulus table and preview scroll rather than setting the window's minimum height.
    auto* stimulusScroll = new QScrollArea(this);
    stimulusScroll->setWidget(stimulus_);
    stimulusScroll->setWidgetResizable(true);
    stimulusScroll->setFrameShape(QFrame::NoFrame);
    QDockWidget* stimulusDock = dock(tr("Stimuli"), QStringLiteral("stimulusDock"), stimulusScroll, Qt::RightDockWidgetArea);
    plotsDock_ = dock(tr("Plots"), QStringLiteral("plotsDock"), plotTabs_, Qt::BottomDockWidgetArea);
    fitDock_ = dock(tr("Fit"), QStringLiteral("fitDock"), fit_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(inspectorDock_, stimulusDock);
    inspectorDock_->raise();
    tabifyDockWidget(plotsDock_, fitDock_);
    plotsDock_->raise();
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New"), QKeySequence::New, this, &MainWindow::newProject);
    file->addAction(tr("New Circuit from &Connectome…"), this, &MainWindow::newCircuitFromConnectome)
        ->setToolTip(tr("Build a circuit from the real C. elegans wiring (Cook 2019 or Varshney 2011)"));
    file->addAction(tr("&Open…"), QKeySequence::Open, project_, &ProjectController::openDialog);
    QMenu* examplesMenu = file->addMenu(tr("Open &Example"));
    for (const ExampleInfo& info : examples())
        examplesMenu->addAction(info.title, this, [this, e = info.example] { openExample(e); })->setToolTip(info.description);
    project_->attachRecentMenu(file->addMenu(tr("Open &Recent")));
    file->addAction(tr("&Save"), QKeySequence::Save, project_, &ProjectController::save);
    file->addAction(tr("Save &As…"), QKeySequence::SaveAs, project_, &ProjectController::saveAsDialog);
    file->addSeparator();
    file->addAction(tr("Load &Target Trace (CSV)…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load target trace"), QString(), tr("CSV tables (*.csv)"));
        if (!path.isEmpty()) loadTargetTrace(path);
    });
    file->addAction(tr("Import &Calcium Trace…"), this, [this] { importCalciumTrace(); })
        ->setToolTip(tr("A calcium-imaging recording (trace, inputCurrent, timeVector) as a fitting target, resampled "
                        "with a smoothing spline"));
    file->addAction(tr("Import &NWB Recording…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import NWB recording"), QString(),
                                                          tr("Neurodata Without Borders (*.nwb);;All files (*)"));
        if (!path.isEmpty()) importNwbRecording(path);
    })->setToolTip(tr("A series of an NWB file (current clamp or calcium imaging) as a fitting target"));
    file->addAction(tr("Open F&it Run…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open fit run folder"), runFolderRoot(project_->path()));
        if (!dir.isEmpty()) openFitRun(dir);
    })->setToolTip(tr("A run folder of a fit made here or by odynn-cli fit: its loss history, parameters and fitted "
                      "traces; Continue goes on from its checkpoint"));
    file->addAction(tr("Export &Diagram…"), this, [this] { exportFigureDialog(0); });
    file->addAction(tr("Export &Figure…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this,
                    [this] { exportFigureDialog(visibleFigure()); })
        ->setToolTip(tr("Any plot or the diagram at a chosen size, resolution and font size (PNG, PDF, SVG)"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = undoStack_->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = undoStack_->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction* del = edit->addAction(tr("&Delete"), QKeySequence::Delete, scene_, &CircuitScene::deleteSelection);
    del->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view_->addAction(del);  // only while the diagram has focus, so Delete still edits text fields
    edit->addAction(tr("Select &All"), QKeySequence::SelectAll, this, [this] {
        for (QGraphicsItem* item : scene_->items()) item->setSelected(true);
    });

    QMenu* circuit = menuBar()->addMenu(tr("&Circuit"));
    QToolBar* tools = addToolBar(tr("Tools"));
    tools->setObjectName(QStringLiteral("toolsToolbar"));
    auto* group = new QActionGroup(this);
    struct ToolDef {
        QString text;
        QKeySequence key;
        CircuitScene::Tool tool;
        QString tip;
    };
    const ToolDef defs[] = {
        {tr("Select"), QKeySequence(Qt::Key_S), CircuitScene::Tool::Select,
         tr("Select and move; Shift+drag between neurons adds an excitatory synapse, Alt+Shift+drag a gap junction")},
        {tr("Add neuron"), QKeySequence(Qt::Key_N), CircuitScene::Tool::AddNeuron, tr("Click on empty space to add a neuron")},
        {tr("Add LSTM neuron"), QKeySequence(Qt::Key_L), CircuitScene::Tool::AddLstmNeuron,
         tr("Click on empty space to add an LSTM neuron (a recurrent network of 50 units standing in for a neuron)")},
        {tr("Excitatory"), QKeySequence(Qt::Key_E), CircuitScene::Tool::Excitatory, tr("Drag from one neuron to another: excitatory synapse")},
        {tr("Inhibitory"), QKeySequence(Qt::Key_I), CircuitScene::Tool::Inhibitory, tr("Drag from one neuron to another: inhibitory synapse")},
        {tr("Gap junction"), QKeySequence(Qt::Key_G), CircuitScene::Tool::Gap, tr("Drag between two neurons: gap junction")},
    };
    for (const ToolDef& d : defs) {
        QAction* a = group->addAction(d.text);
        a->setCheckable(true);
        a->setShortcut(d.key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        view_->addAction(a);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(d.tip, d.key.toString()));
        a->setChecked(d.tool == CircuitScene::Tool::Select);
        const CircuitScene::Tool tool = d.tool;
        connect(a, &QAction::triggered, this, [this, tool] { scene_->setTool(tool); });
        connect(scene_, &CircuitScene::toolChanged, a, [a, tool](CircuitScene::Tool t) { a->setChecked(t == tool); });
        circuit->addAction(a);
        tools->addAction(a);
    }
    circuit->addSeparator();
    circuit->addAction(tr("&Models..."), this, [this] {
        auto* editor = new ModelEditor(model_, undoStack_, &projectModels_, [this] { return scene_->selectedNeurons(); }, this);
        editor->setAttribute(Qt::WA_DeleteOnClose);
        connect(editor, &QDialog::finished, this, [this, before = projectModels_] {
            if (projectModels_ != before) project_->markModified();  // a model joined the project
        });
        editor->show();
    })->setToolTip(tr("Write neuron models as equations, try them and assign them to the selected neurons"));
    tools->addSeparator();
    QAction* layout = circuit->addAction(tr("Auto &Layout"), QKeySequence(Qt::CTRL | Qt::Key_L), this,
                                         [this] { scene_->autoLayout(CircuitScene::Layout::Layered); });
    layout->setToolTip(tr("Columns by role: sensory neurons left, then interneurons, command neurons and motor neurons"));
    circuit->addAction(tr("&Circle Layout"), this, [this] { scene_->autoLayout(CircuitScene::Layout::Circle); });
    circuit->addAction(tr("&Force Layout"), this, [this] { scene_->autoLayout(CircuitScene::Layout::Force); })
        ->setToolTip(tr("Connected neurons near each other, no neuron covering another"));
    circuit->addAction(tr("&Spread Overlapping Neurons"), this, [this] { scene_->autoLayout(CircuitScene::Layout::Spread); })
        ->setToolTip(tr("Keep the layout, moving neurons apart until every one can be read"));
    QAction* fitView = circuit->addAction(tr("&Fit View"), QKeySequence(Qt::CTRL | Qt::Key_0), view_, &CircuitView::fitContent);
    circuit->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, this, [this] { view_->zoomBy(1.25); });
    circuit->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, this, [this] { view_->zoomBy(0.8); });
    tools->addAction(layout);
    tools->addAction(fitView);

    QMenu* sim = menuBar()->addMenu(tr("&Simulate"));
    QAction* run = sim->addAction(tr("&Run"), QKeySequence(Qt::Key_F5), this, &MainWindow::runSimulation);
    sim->addAction(tr("&Cancel"), QKeySequence(Qt::Key_Escape), worker_, &SimulationWorker::cancel);
    autoSimulate_ = sim->addAction(tr("Re-simulate After &Edits"));
    autoSimulate_->setCheckable(true);
    autoSimulate_->setChecked(options_.autoSimulate);
    tools->addSeparator();
    tools->addAction(run);

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* d : findChildren<QDockWidget*>()) viewMenu_->addAction(d->toggleViewAction());
    viewMenu_->addAction(tools->toggleViewAction());
}

Stimulus MainWindow::currentStimulus() const { return stimulus_->spec().build(model_->circuit()); }

std::vector<int> MainWindow::neuronsOnScreen() const {
    const Circuit& circuit = model_->circuit();
    std::vector<int> indices;
    for (NeuronId id : scene_->selectedNeurons()) indices.push_back(circuit.neuronIndex(model_->label(id).toStdString()));
    if (indices.empty())  // the plots show the first few neurons
        for (int k = 0; k < static_cast<int>(circuit.neurons.size()) && k < TracePlots::defaultNeuronCount; ++k)
            indices.push_back(k);
    std::erase(indices, -1);
    return indices;
}

void MainWindow::runSimulation() {
    worker_->start(model_->circuit(), currentStimulus(), neuronsOnScreen(), recordedDataset());
}

std::optional<FitDataset> MainWindow::recordedDataset(QString* why) const {
    if (targets_.empty()) return std::nullopt;
    try {
        // Each loaded trace is one batch entry; all are cut to the shortest (as the fit sees them).
        std::vector<FitDataset> parts;
        const Stimulus fallback = currentStimulus();
        for (const TargetTrace& t : targets_) parts.push_back(toDataset(t, model_->circuit(), fallback));
        return stackBatch(parts);
    } catch (const std::exception& e) {
        if (why) *why = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

void MainWindow::requestSimulation() { simulateTimer_.start(); }

void MainWindow::resimulateAfterEdit() {
    if (!autoSimulate_->isChecked()) return;
    if (lastSimulationSeconds_ > slowSimulationSeconds) {
        // Large circuits: every edit would wait for a long run; the user runs it when ready.
        simInfo_->setText(tr("edited: press F5 to simulate (the last run took %1 s)").arg(lastSimulationSeconds_, 0, 'f', 1));
        return;
    }
    requestSimulation();
}

bool MainWindow::simulateNow() {
    simulateTimer_.stop();
    const std::optional<FitDataset> recorded = recordedDataset();
    const SimulationOutput out = SimulationWorker::runNow(model_->circuit(), currentStimulus(), neuronsOnScreen(), nullptr,
                                                          {}, nullptr, recorded ? &*recorded : nullptr);
    if (!out.error.isEmpty()) {
        simInfo_->setText(tr("simulation failed: %1").arg(out.error));
        return false;
    }
    onSimulationFinished(out);
    traces_->redrawNow();
    return true;
}

void MainWindow::onSimulationFinished(const SimulationOutput& result) {
    SimulationOutput output = result;
    for (const BatchEntry& e : stimulus_->spec().entries) output.batchNames << e.name;
    for (const TargetTrace& t : targets_) output.recordedNames << QFileInfo(t.source).fileName();
    lastOutput_ = output;
    lastSimulationSeconds_ = output.seconds;
    cancelButton_->setEnabled(false);
    progress_->setValue(1000);
    const QString recorded = output.recordedTrajectory.batch > 0
                                 ? tr(" + %1 recorded × %2 steps").arg(output.recordedTrajectory.batch).arg(output.recordedTrajectory.steps)
                                 : QString();
    simInfo_->setText(tr("%1 steps × %2 stimuli%4 in %3 ms")
                          .arg(output.trajectory.steps)
                          .arg(output.trajectory.batch)
                          .arg(output.seconds * 1000.0, 0, 'f', 0)
                          .arg(recorded));
    traces_->setOutput(output);
    heatmap_->setOutput(output);
}

void MainWindow::onSelectionChanged() {
    const QList<NeuronId> neurons = scene_->selectedNeurons();
    const QList<ConnectionId> connections = scene_->selectedConnections();
    if (neurons.size() == 1 && connections.isEmpty())
        inspector_->showNeuron(neurons.first());
    else if (connections.size() == 1 && neurons.isEmpty())
        inspector_->showConnection(connections.first());
    else if (neurons.isEmpty() && connections.isEmpty())
        inspector_->showNothing();
    showSelectedTraces();
}

void MainWindow::showSelectedTraces() {
    QStringList labels;
    for (NeuronId id : scene_->selectedNeurons()) labels << model_->label(id);
    traces_->setNeurons(labels);
}

Project MainWindow::currentProject() const {
    Project p;
    p.circuit = model_->circuit();
    p.stimulus = stimulus_->spec();
    p.fixedParameters = inspector_->fixedParameters();
    p.fitBounds = inspector_->fitBounds();
    p.models = projectModels_;
    p.fit = fit_->setup();
    for (const TargetTrace& t : targets_) p.fit.targets.push_back(toCore(t));
    return p;
}

void MainWindow::setProject(const Project& project, const QString& path) { project_->setProject(project, path); }

void MainWindow::applyProject(const Project& project) {
    Project p = project;
    placeMissing(p.circuit);
    worker_->cancel();
    model_->setCircuit(p.circuit);
    undoStack_->clear();
    inspector_->setFixedParameters(p.fixedParameters);
    fit_->setFixedParameters(p.fixedParameters);
    inspector_->setFitBounds(p.fitBounds);
    fit_->setFitBounds(p.fitBounds);
    stimulus_->setSpec(p.stimulus);
    projectModels_ = p.models;
    clearTargetTraces();
    for (const RecordedTarget& t : p.fit.targets) addTargetTrace(fromCore(t));
    fit_->applySetup(p.fit);
    lastOutput_.reset();
    traces_->setOutput(SimulationOutput{});  // no stale traces of the previous circuit
    heatmap_->setOutput(SimulationOutput{});
    simInfo_->clear();
    lastSimulationSeconds_ = 0;  // a new circuit is simulated once whatever its size
    if (welcomeShown()) {  // a project is chosen: the diagram and the docks replace the welcome view
        restoreState(stateBeforeWelcome_);
        centre_->setCurrentWidget(view_);
        // Once the docks have their sizes (the next turns of the event loop), the diagram fits its circuit.
        QTimer::singleShot(0, this, [this] {
            if (!savedLayout_) applyDefaultDockSizes();
            QTimer::singleShot(0, view_, &CircuitView::fitContent);
        });
    }
    QTimer::singleShot(0, view_, &CircuitView::fitContent);
    requestSimulation();
}

void MainWindow::showWelcome() {
    if (welcomeShown()) return;
    // The welcome view takes the whole window; the docks come back with the chosen project.
    stateBeforeWelcome_ = saveState();
    for (QDockWidget* dock : findChildren<QDockWidget*>()) dock->hide();
    centre_->setCurrentWidget(welcome_);
}

bool MainWindow::welcomeShown() const { return centre_->currentWidget() == welcome_; }

bool MainWindow::openExample(Example example) {
    if (!project_->confirmDiscard()) return false;
    QApplication::setOverrideCursor(Qt::WaitCursor);  // the whole worm takes a moment to lay out
    try {
        const Project p = exampleProject(example);
        const std::vector<TargetTrace> targets = exampleTargets(example, p.circuit.dt);
        setProject(p, QString());
        clearTargetTraces();
        for (const TargetTrace& t : targets) addTargetTrace(t);
        if (!targets.empty()) {
            fit_->setLossWeights(0.0, 1.0);  // a calcium recording: the loss compares calcium only
            showFitView();
        }
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        showError(tr("Open example"), tr("The example could not be opened:\n%1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    QApplication::restoreOverrideCursor();
    for (const ExampleInfo& info : examples())
        if (info.example == example) showStatus(info.title + QStringLiteral(": ") + info.description, 15000);
    return true;
}

void MainWindow::showStatus(const QString& text, int timeoutMs) {
    statusText_ = text;
    statusUntil_ = QDeadlineTimer(timeoutMs);
    fitStatusMessage();
}

void MainWindow::fitStatusMessage() {
    // Qt cuts a long message against the first permanent widget, mid-word and touching its text:
    // it is elided before them instead, with a gap, and again whenever they move (a simulation's
    // summary widens them); the whole text is the bar's tooltip.
    QStatusBar* bar = statusBar();
    if (statusText_.isEmpty() || statusUntil_.hasExpired()) return;
    constexpr int gapPx = 16;
    int right = bar->width() - 12;
    for (const QWidget* w : {static_cast<QWidget*>(simInfo_), static_cast<QWidget*>(progress_),
                             static_cast<QWidget*>(cancelButton_)})
        if (w->isVisible()) right = std::min(right, w->x());
    const int room = std::max(0, right - 6 - gapPx);
    const QString shown = bar->fontMetrics().elidedText(statusText_, Qt::ElideRight, room);
    if (shown == bar->currentMessage()) return;
    bar->setToolTip(shown == statusText_ ? QString() : statusText_);
    bar->showMessage(shown, static_cast<int>(std::max<qint64>(1, statusUntil_.remainingTime())));
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (watched == simInfo_ && (event->type() == QEvent::Move || event->type() == QEvent::Resize)) fitStatusMessage();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::showError(const QString& title, const QString& text) {
    lastError_ = text;
    showStatus(text, 10000);
    if (!options_.showDialogs) return;
    QMessageBox::warning(this, title, text);
}

bool MainWindow::isModified() const { return project_->isModified(); }

QString MainWindow::projectPath() const { return project_->path(); }

bool MainWindow::openProject(const QString& path) { return project_->open(path); }

bool MainWindow::saveProjectAs(const QString& path) { return project_->saveAs(path); }

void MainWindow::newProject() {
    if (!project_->confirmDiscard()) return;
    Project p;
    p.circuit.dt = 0.1;
    setProject(p, QString());
    showStatus(tr("New circuit: choose Add neuron (N) and click in the diagram; Shift+drag from one neuron "
                                "to another adds a synapse; F5 simulates. Help > Quick Start has more."),
                             20000);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (layoutRestored_) return;
    // Dock sizes only take effect once the window has its real size.
    layoutRestored_ = true;
    QTimer::singleShot(0, this, &MainWindow::applyDefaultDockSizes);
}

void MainWindow::applyDefaultDockSizes() {
    resizeDocks({inspectorDock_}, {width() * 3 / 10}, Qt::Horizontal);
    resizeDocks({plotsDock_}, {height() * 11 / 20}, Qt::Vertical);  // plots get the larger share
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!project_->confirmDiscard()) {
        event->ignore();
        return;
    }
    worker_->cancel();
    fit_->stopFit();
    if (options_.restoreSettings) {
        QSettings settings;
        settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
        settings.setValue(QStringLiteral("window/state"), welcomeShown() ? stateBeforeWelcome_ : saveState());
    }
    project_->closing();  // a normal exit: nothing to recover
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        const QString suffix = QFileInfo(url.toLocalFile()).suffix().toLower();
        if (suffix == QLatin1String("csv") || suffix == QLatin1String("json")) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        const QString suffix = QFileInfo(path).suffix().toLower();
        if (suffix == QLatin1String("nwb"))
            importNwbRecording(path);  // series, ROI and stimulus to choose: the NWB dialog
        else if (suffix == QLatin1String("csv") && isCalciumRecording(path))
            importCalciumTrace(path);  // needs scales, window and smoothing: the import dialog
        else if (suffix == QLatin1String("csv"))
            loadTargetTrace(path);
        else if (suffix == QLatin1String("json") && project_->confirmDiscard())
            openProject(path);
    }
    event->acceptProposedAction();
}

bool MainWindow::loadTargetTrace(const QString& path) {
    // Columns that name no neuron belong to the selected neuron, else to the first one.
    QString neuron;
    if (const QList<NeuronId> selected = scene_->selectedNeurons(); !selected.isEmpty())
        neuron = model_->label(selected.first());
    else if (model_->neuronCount() > 0)
        neuron = model_->label(model_->neuronIdAt(0));
    try {
        const CsvTable table = readCsv(path.toStdString());
        TargetTrace trace;
        if (headerIsKnown(table)) {
            trace = loadTargetCsv(path, neuron);
        } else {
            const std::optional<std::vector<ColumnMapping>> mapping =
                chooseMapping_ ? chooseMapping_(table, guessMapping(table, neuron)) : std::nullopt;
            if (!mapping) {
                showStatus(tr("Import of %1 cancelled").arg(QFileInfo(path).fileName()), 5000);
                return false;
            }
            trace = traceFromMapping(table, *mapping);
        }
        addTargetTrace(trace);
        return true;
    } catch (const std::exception& e) {
        showError(tr("Load target trace"), tr("Could not read the trace.\n\n%1").arg(QString::fromUtf8(e.what())));
        return false;
    }
}

bool MainWindow::importCalciumTrace(const QString& path) {
    QStringList neurons;
    for (const Neuron& n : model_->circuit().neurons) neurons << QString::fromStdString(n.label);
    if (neurons.isEmpty()) {
        showError(tr("Import calcium trace"), tr("The circuit has no neuron to attach the recording to."));
        return false;
    }
    QString neuron;
    if (const QList<NeuronId> selected = scene_->selectedNeurons(); !selected.isEmpty()) neuron = model_->label(selected.first());
    TraceImportDialog dialog(neurons, neuron, model_->dt(), this);
    if (!path.isEmpty()) dialog.setFile(path);
    if (dialog.exec() != QDialog::Accepted) return false;
    const std::vector<TargetTrace> traces = dialog.targets();
    if (traces.empty()) return false;
    for (const TargetTrace& trace : traces) addTargetTrace(trace);  // ODYNN's preparation: 5 batch entries
    // A calcium target: the loss compares calcium only, as ODYNN did for AVAL (weights 0, 1).
    fit_->setLossWeights(0.0, 1.0);
    return true;
}

bool MainWindow::importNwbRecording(const QString& path) {
    QStringList neurons;
    for (const Neuron& n : model_->circuit().neurons) neurons << QString::fromStdString(n.label);
    if (neurons.isEmpty()) {
        showError(tr("Import NWB recording"), tr("The circuit has no neuron to attach the recording to."));
        return false;
    }
    NwbImportDialog dialog(neurons, model_->dt(), this);
    if (!dialog.setFile(path)) {
        showError(tr("Import NWB recording"), dialog.errorText());
        return false;
    }
    if (dialog.exec() != QDialog::Accepted) return false;
    const std::optional<TargetTrace> trace = dialog.target();
    if (!trace) return false;
    addTargetTrace(*trace);
    return true;
}

void MainWindow::addTargetTrace(const TargetTrace& trace) {
    targets_.push_back(trace);
    compare_->setTarget(trace);
    QStringList what;
    for (const TargetColumn& c : trace.columns) what << (c.calcium ? tr("Ca of %1") : tr("V of %1")).arg(c.neuron);
    const QString text = tr("%1: %2 (%L3 steps, %4–%5 ms)")
                             .arg(QFileInfo(trace.source).fileName(), what.join(QStringLiteral(", ")))
                             .arg(trace.steps())
                             .arg(trace.time.front(), 0, 'f', 1)
                             .arg(trace.time.back(), 0, 'f', 1);
    const QString warning =
        trace.currents.empty()
            ? tr("Warning: %1 has no input current; the fit and the plots drive the circuit with the Stimuli panel's "
                 "first entry instead of the current the recording was made with")
                  .arg(QFileInfo(trace.source).fileName())
            : QString();
    const QString description = targets_.size() == 1 ? text : tr("%1 traces; latest %2").arg(targets_.size()).arg(text);
    fit_->setTargetDescription(warning.isEmpty() ? description : description + QStringLiteral("\n") + warning);
    // Neurons with data are the observed ones; the others would only add unconstrained terms.
    QSet<QString> withData;
    for (const TargetTrace& t : targets_)
        for (const TargetColumn& c : t.columns) withData << c.neuron;
    fit_->setTargetNeurons(withData);
    if (!warning.isEmpty()) {
        showStatus(warning, 20000);
        if (options_.showDialogs) QMessageBox::warning(this, tr("Target without input current"), warning);
    } else {
        showStatus(tr("Loaded target trace %1").arg(text), 8000);
    }
    // The plots show the target beside the current it was recorded with: a run that includes it.
    traces_->showRecordedEntry(static_cast<int>(targets_.size()) - 1);
    resimulateAfterEdit();
}

bool MainWindow::newCircuitFromConnectome() {
    if (!project_->confirmDiscard()) return false;
    ConnectomeDialog dialog(QString(), this);
    if (dialog.exec() != QDialog::Accepted) return false;
    std::optional<Circuit> circuit;
    try {
        circuit = dialog.circuit();
    } catch (const std::exception& e) {
        showError(tr("New circuit from connectome"), QString::fromUtf8(e.what()));
        return false;
    }
    if (!circuit) return false;
    Project p;
    p.circuit = *circuit;
    layOutReadably(p.circuit);  // soma positions, spread so every label can be read
    p.stimulus = StimulusSpec::defaultFor(p.circuit);
    project_->setProject(p, QString(), true);  // exists nowhere on disk yet: ask before discarding it
    showStatus(dialog.summaryText().remove(QRegularExpression(QStringLiteral("<[^>]*>"))), 8000);
    return true;
}

bool MainWindow::openFitRun(const QString& dir) {
    if (!fit_->openRunFolder(dir)) {
        lastError_ = fit_->statusText();
        return false;
    }
    showFitView();
    return true;
}

void MainWindow::clearTargetTraces() {
    targets_.clear();
    compare_->setTarget(std::nullopt);
    fit_->setTargetDescription(tr("no trace loaded"));
    resimulateAfterEdit();  // the recorded entries go from the plots
}

std::optional<FitDataset> MainWindow::fitDataset(int source, QString* why) const {
    try {
        if (static_cast<FitPanel::TargetSource>(source) == FitPanel::TargetSource::LoadedTrace) {
            if (targets_.empty()) {
                *why = tr("No target trace: drop a CSV file on the window first.");
                return std::nullopt;
            }
            return recordedDataset(why);
        }
        // Self-fit: the last simulation's V of every neuron, every stimulus entry, is the target.
        if (!lastOutput_ || lastOutput_->trajectory.steps == 0) {
            *why = tr("Run a simulation first: its result is the target.");
            return std::nullopt;
        }
        const SimulationOutput& out = *lastOutput_;
        if (out.circuit.neurons.size() != model_->circuit().neurons.size()) {
            *why = tr("The circuit changed since the last simulation; simulate again.");
            return std::nullopt;
        }
        const int steps = out.trajectory.steps, n = out.trajectory.neurons, batch = out.trajectory.batch;
        FitDataset data;
        data.stimulus = out.stimulus;
        data.targetV.resize(static_cast<size_t>(steps) * batch * n);
        for (int t = 0; t < steps; ++t)
            for (int b = 0; b < batch; ++b)
                for (int k = 0; k < n; ++k)
                    data.targetV[(static_cast<size_t>(t) * batch + b) * n + k] = out.trajectory.at(t, 0, b, k);
        return data;
    } catch (const std::exception& e) {
        *why = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

void MainWindow::createFitActions() {
    QMenu* fit = menuBar()->addMenu(tr("F&it"));
    fit->addAction(tr("&Start Fit"), QKeySequence(Qt::Key_F6), fit_, &FitPanel::startFit)
        ->setToolTip(tr("Start a new fit with the settings of the Fit panel"));
    fit->addAction(tr("&Pause / Resume"), QKeySequence(Qt::Key_F7), fit_, &FitPanel::togglePause);
    fit->addAction(tr("S&top Fit"), QKeySequence(Qt::SHIFT | Qt::Key_F6), fit_, &FitPanel::stopFit);
    fit->addAction(tr("&Continue Fit"), QKeySequence(Qt::CTRL | Qt::Key_F6), fit_, &FitPanel::continueFit);
    fit->addAction(tr("&Apply Best Parameters (ODYNN's choice, lowest final loss)"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                   fit_, [this] { fit_->applyBest(FitPanel::BestChoice::Final); });
    fit->addAction(tr("Apply &Lowest Loss Seen"), fit_, [this] { fit_->applyBest(FitPanel::BestChoice::Iterate); })
        ->setToolTip(tr("The set with the lowest loss at any epoch, which may differ from the final sets"));
    fit->addSeparator();
    fit->addAction(tr("&Clear Target Traces"), this, &MainWindow::clearTargetTraces);
    fit->addAction(tr("Show Fit &Panel"), QKeySequence(Qt::CTRL | Qt::Key_3), this, &MainWindow::showFitView);
    viewMenu_->addSeparator();
    viewMenu_->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);
}

void MainWindow::createHelpMenu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Quick Start"), QKeySequence::HelpContents, this, &MainWindow::showQuickStart);
    help->addAction(tr("&Welcome and Examples"), this, &MainWindow::showWelcome);
    help->addAction(tr("&About ODYNN Studio"), this, [this] {
        QMessageBox::about(this, tr("About ODYNN Studio"),
                           tr("<b>ODYNN Studio %1</b><p>Build C. elegans neural circuits, simulate them and fit their "
                              "parameters to recordings. The command-line tool <tt>odynn-cli</tt> runs the same "
                              "simulations and fits.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::showQuickStart() {
    QMessageBox box(this);
    box.setWindowTitle(tr("Quick start"));
    box.setTextFormat(Qt::RichText);
    box.setText(tr(
        "<h3>Build</h3><p>File &gt; New, then <b>Add neuron</b> (N) and click in the diagram. Shift+drag from one "
        "neuron to another adds an excitatory synapse, Alt+Shift+drag a gap junction; E, I and G pick the tools. "
        "Select a neuron to edit its parameters in the Inspector. File &gt; New Circuit from Connectome picks real C. elegans wiring.</p>"
        "<h3>Simulate</h3><p>The Stimuli tab sets the injected currents; F5 runs the simulation (small circuits "
        "re-simulate after every edit). The Plots dock shows V, Ca, gates and the input of the selected neurons, the "
        "Heatmap every neuron, Compare several parameter sets.</p>"
        "<h3>Fit</h3><p>File &gt; Load Target Trace (CSV: t, V or cac, i_inj) or Import Calcium Trace (ODYNN's "
        "imaging files), then the Fit tab: choose the observed neurons, population and epochs, and Start (F6). Apply "
        "best writes the best set into the circuit; it can be undone.</p>"
        "<h3>Figures</h3><p>File &gt; Export Figure (Ctrl+Shift+P): the diagram or any plot at a size in mm or px, "
        "a DPI and a font size, as PNG, PDF or SVG.</p>"
        "<h3>Command line</h3><p><tt>odynn-cli simulate</tt>, <tt>odynn-cli fit</tt> and "
        "<tt>odynn-cli import-trace</tt> read the same project and data files (see the README).</p>"));
    box.exec();
}

void MainWindow::showFitView() {
    fitDock_->show();
    fitDock_->raise();
}

void MainWindow::resetLayout() {
    restoreState(defaultState_);
    applyDefaultDockSizes();
}

QStringList MainWindow::exportableFigures() const {
    QStringList names{tr("Circuit diagram"), tr("Traces"), tr("Heatmap"), tr("Compare"), tr("Fit: loss history and live plots")};
    if (fit_->resultPlots()->boxCount() > 0)
        names << tr("After the fit: parameter distributions") << tr("After the fit: parameter correlations")
              << tr("After the fit: fitted vs target");
    return names;
}

QString MainWindow::exportFigure(int figure, const QString& path, const FigureSettings& settings) {
    if (figure == 0) {
        const QList<QGraphicsItem*> selected = scene_->selectedItems();
        scene_->clearSelection();  // selection highlights do not belong in a figure
        const QString error = odynn::ui::exportScene(scene_, scene_->contentRect(), path, settings);
        for (QGraphicsItem* item : selected) item->setSelected(true);
        return error;
    }
    QCustomPlot* const plots[] = {traces_->plot(), heatmap_->plot(), compare_->plot(), fit_->plot(),
                                  fit_->resultPlots()->boxPlot(), fit_->resultPlots()->correlationPlot(),
                                  fit_->resultPlots()->tracePlot()};
    if (figure < 1 || figure >= exportableFigures().size()) return tr("No such figure.");
    return odynn::ui::exportPlot(plots[figure - 1], path, settings);
}

void MainWindow::exportFigureDialog(int preselected) {
    FigureExportDialog dialog(exportableFigures(), preselected, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const QString error = exportFigure(dialog.figure(), dialog.path(), dialog.settings());
    if (!error.isEmpty()) showError(tr("Export figure"), error);
    else showStatus(tr("Wrote %1").arg(dialog.path()), 5000);
}

int MainWindow::visibleFigure() const {
    if (fitDock_->isVisible() && !plotsDock_->isVisible()) return 4;
    if (plotTabs_->currentWidget() == heatmap_) return 2;
    if (plotTabs_->currentWidget() == compare_) return 3;
    return 1;
}

}  // namespace odynn::ui
