#include "fit/fit_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QThread>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QDir>
#include <QFileInfo>
#include <QSignalBlocker>
#include <algorithm>
#include <cmath>
#include <set>

#include "editor/circuit_commands.hpp"
#include "fit/fit_bounds.hpp"
#include "fit/fit_data.hpp"
#include "fit/fit_live_plots.hpp"
#include "fit/fit_result_plots.hpp"
#include "fit/fit_run_loader.hpp"
#include "fit/free_parameters.hpp"
#include "odynn/objective.hpp"

namespace odynn::ui {

namespace {
QWidget* pair(QWidget* parent, QWidget* a, const QString& label, QWidget* b) {
    auto* w = new QWidget(parent);
    auto* h = new QHBoxLayout(w);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(a, 1);
    h->addWidget(new QLabel(label, w));
    h->addWidget(b, 1);
    return w;
}
}  // namespace

FitPanel::FitPanel(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent)
    : QWidget(parent), model_(model), undoStack_(undoStack) {
    target_ = new QComboBox(this);
    target_->addItem(tr("Loaded traces (drop CSV files on the window)"), static_cast<int>(TargetSource::LoadedTrace));
    target_->addItem(tr("Current simulation (self-fit)"), static_cast<int>(TargetSource::CurrentSimulation));
    target_->setCurrentIndex(1);
    target_->setToolTip(tr("What the circuit is fitted to: recorded traces, or the last simulation's V of every stimulus entry"));
    targetInfo_ = new QLabel(tr("no trace loaded"), this);
    targetInfo_->setWordWrap(true);
    observed_ = new QListWidget(this);
    observed_->setMaximumHeight(68);
    observed_->setToolTip(tr("Neurons whose recorded traces enter the loss; unticked neurons are simulated but not compared"));
    testSplit_ = new QComboBox(this);
    testSplit_->addItem(tr("no test set"));
    testSplit_->addItem(tr("last stimulus entry / trace"));
    testSplit_->setToolTip(tr("Hold the last batch entry out of training; its loss is computed every 30 epochs"));

    population_ = new QSpinBox(this);
    population_->setRange(1, 10000);
    population_->setValue(20);
    population_->setToolTip(tr("Parameter sets optimised at once (ODYNN: 100); the best one wins"));
    epochs_ = new QSpinBox(this);
    epochs_->setRange(1, 100000);
    epochs_->setValue(100);
    epochs_->setToolTip(tr("Gradient steps; ODYNN's default is 700"));
    lr0_ = new QDoubleSpinBox(this);
    lr0_->setDecimals(4);
    lr0_->setRange(1e-4, 100);
    lr0_->setToolTip(tr("Initial learning rate l0 of lr = l0 · r^floor(epoch / k)"));
    decaySteps_ = new QSpinBox(this);
    decaySteps_->setRange(1, 100000);
    decaySteps_->setToolTip(tr("Epochs k between two decays of the learning rate"));
    decayRate_ = new QDoubleSpinBox(this);
    decayRate_->setDecimals(3);
    decayRate_->setRange(0.01, 1.0);
    decayRate_->setSingleStep(0.01);
    decayRate_->setToolTip(tr("Decay factor r (dimensionless)"));
    weightV_ = new QDoubleSpinBox(this);
    weightV_->setRange(0, 1e6);
    weightV_->setValue(1.0);
    weightV_->setToolTip(tr("Weight w_V of (V − V*)² in the loss (V in mV)"));
    weightCa_ = new QDoubleSpinBox(this);
    weightCa_->setRange(0, 1e6);
    weightCa_->setValue(0.0);
    weightCa_->setToolTip(tr("Weight w_Ca of (Ca − Ca*)² in the loss (model calcium units)"));
    method_ = new QComboBox(this);
    method_->addItem(tr("ODYNN (Adam)"), int(FitMethod::Odynn));
    method_->addItem(tr("Robust"), int(FitMethod::Robust));
    method_->setToolTip(tr("ODYNN: ODYNN's optimizer, exactly. Robust: screens many random sets, then Adam in "
                           "log/logistic coordinates (Epochs), a Levenberg-Marquardt polish and basin hops; reaches the answer "
                           "far more often"));
    hops_ = new QSpinBox(this);
    hops_->setRange(0, 1000);
    hops_->setValue(RobustSettings{}.hopRounds);
    hops_->setToolTip(tr("Robust method: basin hops after the polish (0: none). A hop redraws one gate's parameters of "
                         "the best set (every other hop: those stuck on a bound, if any) %1 times at random, simulates each draw, polishes the %2 best for %3 rounds "
                         "(in a circuit: that gate's neuron and its synapses and gap junctions) and keeps the result if it beats the best set: a way out of a valley the polish cannot leave. "
                         "Each hop costs %1 simulations and %3 polish rounds of %2 sets; on circuits the hops can take "
                         "most of the fit's time, so fewer hops give a quicker fit")
                          .arg(RobustSettings{}.hopCandidates)
                          .arg(RobustSettings{}.hopPolished)
                          .arg(RobustSettings{}.hopPolishRounds));
    validation_ = new QDoubleSpinBox(this);
    validation_->setRange(0, 100 * kMaxValidation);
    validation_->setDecimals(0);
    validation_->setSingleStep(5);
    validation_->setSuffix(tr(" %"));
    validation_->setValue(100 * RobustSettings{}.validation);
    validation_->setToolTip(tr("Robust method: the last part of every training window's time steps (in %) that the "
                               "fit does not fit but uses to choose the set that predicts them best, so that it "
                               "does not return one that only fits noise or the window's ending. 0: fit every "
                               "step and return the lowest loss"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1'000'000);
    seed_->setToolTip(tr("Random seed of the initial population; the same seed gives the same fit"));
    threads_ = new QSpinBox(this);
    threads_->setRange(1, std::max(1, QThread::idealThreadCount()));
    // One core is left to the window by default, so it stays responsive during a fit.
    threads_->setValue(std::max(1, QThread::idealThreadCount() - 1));
    threads_->setToolTip(tr("CPU threads of the fit; one fewer than the cores keeps the window responsive"));
    freeScope_ = new QComboBox(this);
    freeScope_->addItem(tr("observed neurons"), int(FreeScope::ObservedNeurons));
    freeScope_->addItem(tr("every parameter"), int(FreeScope::Everything));
    freeScope_->setToolTip(tr("Observed neurons: only the parameters of neurons in the loss, of the synapses onto them "
                              "and of their gap junctions change; neurons without data keep their values"));
    fixedInfo_ = new QLabel(this);
    fixedInfo_->setWordWrap(true);
    resetLearningRate();
    setFixedParameters({});

    start_ = new QPushButton(tr("Start"), this);
    start_->setToolTip(tr("Start a new fit (F6)"));
    pause_ = new QPushButton(tr("Pause"), this);
    pause_->setCheckable(true);
    pause_->setToolTip(tr("Pause after the current epoch; press again to resume (F7)"));
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setToolTip(tr("Stop after the current epoch and keep the best set (Shift+F6)"));
    continue_ = new QPushButton(tr("Continue"), this);
    continue_->setToolTip(tr("Run a stopped or finished fit for as many epochs again, exactly where it left off"));
    apply_ = new QPushButton(tr("Apply best"), this);
    apply_->setToolTip(tr("Write a fitted set into the circuit (undoable): ODYNN's choice, the lowest loss of the "
                          "final sets (Ctrl+Shift+A), or the lowest loss seen at any epoch"));
    auto* applyMenu = new QMenu(apply_);
    applyMenu->addAction(tr("ODYNN's choice (lowest final loss)"), this, [this] { applyBest(BestChoice::Final); })
        ->setObjectName(QStringLiteral("applyFinal"));
    applyMenu->addAction(tr("Lowest loss seen (any epoch)"), this, [this] { applyBest(BestChoice::Iterate); })
        ->setObjectName(QStringLiteral("applyIterate"));
    connect(applyMenu, &QMenu::aboutToShow, this, [this, applyMenu] {
        for (QAction* a : applyMenu->actions())
            a->setEnabled(bestCircuit(a->objectName() == QLatin1String("applyFinal") ? BestChoice::Final
                                                                                      : BestChoice::Iterate)
                              .has_value());
    });
    apply_->setMenu(applyMenu);
    status_ = new QLabel(tr("idle"), this);
    status_->setWordWrap(true);
    status_->setMinimumHeight(status_->fontMetrics().height() * 2);
    status_->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto* form = form_ = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Target"), target_);
    form->addRow(QString(), targetInfo_);
    form->addRow(tr("Observed"), observed_);
    form->addRow(tr("Free"), freeScope_);
    form->addRow(QString(), fixedInfo_);
    form->addRow(tr("Test"), testSplit_);
    form->addRow(tr("Method"), method_);
    robustRow_ = pair(this, hops_, tr("Held out"), validation_);
    form->addRow(tr("Hops"), robustRow_);
    form->addRow(tr("Population"), pair(this, population_, tr("Epochs"), epochs_));
    form->addRow(tr("Rate l0"), pair(this, lr0_, tr("every k"), decaySteps_));
    form->addRow(tr("Decay r"), pair(this, decayRate_, tr("Seed"), seed_));
    form->addRow(tr("Weight V"), pair(this, weightV_, tr("Ca"), weightCa_));
    form->addRow(tr("Threads"), threads_);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {start_, pause_, stop_, continue_, apply_}) buttons->addWidget(b);

    auto* settingsWidget = new QWidget(this);
    auto* settings = new QVBoxLayout(settingsWidget);
    settings->setContentsMargins(2, 2, 2, 2);
    settings->addLayout(form);
    settings->addStretch();
    // The settings scroll on small screens rather than squeezing the plots; the run buttons
    // and the status stay above them, always in view.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(settingsWidget);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    const int settingsWidth = std::max(settingsWidget->sizeHint().width(), buttons->sizeHint().width());
    scroll->setMinimumWidth(settingsWidth + 16);
    scroll->setMaximumWidth(settingsWidth + 40);
    auto* controls = new QVBoxLayout;
    controls->addLayout(buttons);
    controls->addWidget(status_);
    controls->addWidget(scroll, 1);

    live_ = new FitLivePlots(this);
    results_ = new FitResultPlots(this);
    views_ = new QTabWidget(this);
    views_->addTab(live_, tr("Live"));
    views_->addTab(results_, tr("After the fit"));
    views_->setTabEnabled(1, false);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls, 0);
    layout->addWidget(views_, 1);

    connect(start_, &QPushButton::clicked, this, &FitPanel::startFit);
    connect(pause_, &QPushButton::clicked, this, &FitPanel::togglePause);
    connect(stop_, &QPushButton::clicked, this, &FitPanel::stopFit);
    connect(continue_, &QPushButton::clicked, this, &FitPanel::continueFit);
    connect(&worker_, &FitWorker::epochFinished, this, &FitPanel::onEpoch);
    connect(&worker_, &FitWorker::finished, this, &FitPanel::onFinished);
    connect(&worker_, &FitWorker::pausedChanged, this, [this](bool paused) {
        pause_->setChecked(paused);
        pause_->setText(paused ? tr("Resume") : tr("Pause"));
        if (paused) status_->setText(tr("paused after epoch %1").arg(status_->property("epoch").toInt()));
    });
    connect(&worker_, &FitWorker::failed, this, [this](const QString& why) {
        setRunning(false);
        status_->setText(tr("failed: %1").arg(why));
        emit message(tr("Fit failed: %1").arg(why));
    });
    connect(model_, &CircuitGraphModel::modelReset, this, [this] {
        resetLearningRate();
        refreshObserved();
    });
    connect(observed_, &QListWidget::itemChanged, this, &FitPanel::refreshFreeInfo);
    connect(method_, &QComboBox::currentIndexChanged, this, &FitPanel::showMethodSettings);
    showMethodSettings();
    connect(freeScope_, &QComboBox::currentIndexChanged, this, &FitPanel::refreshFreeInfo);
    connect(target_, &QComboBox::currentIndexChanged, this, [this] {
        // The observed neurons follow the data: every neuron for a self-fit, those with a
        // loaded trace otherwise.
        if (static_cast<TargetSource>(target_->currentData().toInt()) == TargetSource::CurrentSimulation) {
            QSet<QString> all;
            for (const Neuron& n : model_->circuit().neurons) all << QString::fromStdString(n.label);
            setObservedNeurons(all);
        } else if (!targetNeurons_.isEmpty()) {
            setObservedNeurons(targetNeurons_);
        }
    });
    auto edited = [this] {
        if (!applyingSetup_) emit setupChanged();
    };
    for (QComboBox* box : {target_, testSplit_, method_, freeScope_}) connect(box, &QComboBox::currentIndexChanged, this, edited);
    for (QSpinBox* box : {population_, epochs_, hops_, decaySteps_, seed_}) connect(box, &QSpinBox::valueChanged, this, edited);
    for (QDoubleSpinBox* box : {lr0_, decayRate_, weightV_, weightCa_, validation_}) connect(box, &QDoubleSpinBox::valueChanged, this, edited);
    connect(observed_, &QListWidget::itemChanged, this, edited);
    connect(model_, &CircuitGraphModel::neuronAdded, this, &FitPanel::refreshObserved);
    connect(model_, &CircuitGraphModel::neuronRemoved, this, &FitPanel::refreshObserved);
    connect(model_, &CircuitGraphModel::neuronChanged, this, &FitPanel::refreshObserved);
    refreshObserved();
    setRunning(false);
}

QCustomPlot* FitPanel::plot() const { return live_->plot(); }

QString FitPanel::statusText() const { return status_->text(); }

void FitPanel::showMethodSettings() {
    const bool robust = static_cast<FitMethod>(method_->currentData().toInt()) == FitMethod::Robust;
    form_->setRowVisible(robustRow_, robust);
    robustRow_->setEnabled(robust);
}

void FitPanel::resetLearningRate() {
    const LearningRate lr = defaultLearningRate(model_->circuit());
    lr0_->setValue(lr.initial);
    decaySteps_->setValue(static_cast<int>(lr.decaySteps));
    decayRate_->setValue(lr.decayRate);
}

void FitPanel::refreshObserved() {
    // Keep the ticks of neurons that are still there; a new neuron is observed when it has data
    // (every neuron has in a self-fit; with loaded targets, those they name).
    QSet<QString> ticked, unticked;
    for (int k = 0; k < observed_->count(); ++k)
        (observed_->item(k)->checkState() == Qt::Checked ? ticked : unticked) << observed_->item(k)->text();
    const bool selfFit = static_cast<TargetSource>(target_->currentData().toInt()) == TargetSource::CurrentSimulation;
    const QSignalBlocker quiet(observed_);
    observed_->clear();
    for (const Neuron& n : model_->circuit().neurons) {
        auto* item = new QListWidgetItem(QString::fromStdString(n.label), observed_);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        const bool known = ticked.contains(item->text()) || unticked.contains(item->text());
        const bool hasData = selfFit || targetNeurons_.isEmpty() || targetNeurons_.contains(item->text());
        item->setCheckState((known ? ticked.contains(item->text()) : hasData) ? Qt::Checked : Qt::Unchecked);
    }
    refreshFreeInfo();
}

FreeParameters FitPanel::freeParameterSummary() const {
    std::set<std::string> userFixed;
    for (const QString& name : fixed_) userFixed.insert(name.toStdString());
    return freeParameters(model_->circuit(), observedFlags(), userFixed,
                          static_cast<FreeScope>(freeScope_->currentData().toInt()));
}

QString FitPanel::freeParameterText() const {
    const FreeParameters f = freeParameterSummary();
    QStringList neurons;
    for (const std::string& label : f.freeNeurons) neurons << QString::fromStdString(label);
    constexpr int listed = 6;  // labels named; more are counted
    QString who = neurons.mid(0, listed).join(QStringLiteral(", "));
    if (neurons.size() > listed) who += tr(" and %1 more").arg(neurons.size() - listed);
    QString text = tr("Free: %1 of %2 parameters").arg(f.free).arg(f.total);
    if (!who.isEmpty()) text += tr(" (%1").arg(who) + (f.freeConnections ? tr("; %1 of connections)").arg(f.freeConnections) : QStringLiteral(")"));
    text += QLatin1Char('.');
    if (f.fixedWithoutData) text += tr(" %1 of neurons without data keep their values.").arg(f.fixedWithoutData);
    if (f.fixedByUser) text += tr(" %1 fixed in the inspector.").arg(f.fixedByUser);
    if (const size_t bounded = boundsInCircuit(bounds_, model_->circuit()).size())
        text += tr(" %1 with fit bounds from the inspector.").arg(bounded);
    if (f.freeOutOfBounds)
        text += tr(" Free although without data, being outside the model's bounds (the fit moves them inside): %1.")
                    .arg(f.freeOutOfBounds);
    return text;
}

void FitPanel::refreshFreeInfo() { fixedInfo_->setText(freeParameterText()); }

void FitPanel::setTargetNeurons(const QSet<QString>& labels) {
    targetNeurons_ = labels;
    setObservedNeurons(labels);
}

FitSetup FitPanel::setup() const {
    FitSetup s;
    s.loadedTargets = static_cast<TargetSource>(target_->currentData().toInt()) == TargetSource::LoadedTrace;
    s.observed.emplace();
    for (int k = 0; k < observed_->count(); ++k)
        if (observed_->item(k)->checkState() == Qt::Checked) s.observed->push_back(observed_->item(k)->text().toStdString());
    s.scope = static_cast<FreeScope>(freeScope_->currentData().toInt());
    s.testSplit = testSplit_->currentIndex() == 1;
    s.method = static_cast<FitMethod>(method_->currentData().toInt());
    s.population = population_->value();
    s.epochs = epochs_->value();
    s.hops = hops_->value();
    s.validation = validation_->value() / 100;
    s.learningRate = LearningRate{lr0_->value(), static_cast<double>(decaySteps_->value()), decayRate_->value()};
    s.weightV = weightV_->value();
    s.weightCa = weightCa_->value();
    s.seed = static_cast<std::uint64_t>(seed_->value());
    return s;
}

void FitPanel::applySetup(const FitSetup& s) {
    applyingSetup_ = true;
    target_->setCurrentIndex(target_->findData(static_cast<int>(s.loadedTargets ? TargetSource::LoadedTrace
                                                                                : TargetSource::CurrentSimulation)));
    if (s.observed) {
        QSet<QString> labels;
        for (const std::string& l : *s.observed) labels << QString::fromStdString(l);
        setObservedNeurons(labels);
    }
    freeScope_->setCurrentIndex(freeScope_->findData(static_cast<int>(s.scope)));
    testSplit_->setCurrentIndex(s.testSplit ? 1 : 0);
    method_->setCurrentIndex(method_->findData(static_cast<int>(s.method)));
    population_->setValue(s.population);
    epochs_->setValue(s.epochs);
    hops_->setValue(s.hops);
    validation_->setValue(100 * s.validation);
    if (s.learningRate) {
        lr0_->setValue(s.learningRate->initial);
        decaySteps_->setValue(static_cast<int>(s.learningRate->decaySteps));
        decayRate_->setValue(s.learningRate->decayRate);
    } else {
        resetLearningRate();
    }
    weightV_->setValue(s.weightV);
    weightCa_->setValue(s.weightCa);
    seed_->setValue(static_cast<int>(std::min<std::uint64_t>(s.seed, static_cast<std::uint64_t>(seed_->maximum()))));
    applyingSetup_ = false;
}

std::vector<bool> FitPanel::observedFlags() const {
    std::vector<bool> flags;
    for (const Neuron& n : model_->circuit().neurons) {
        const auto items = observed_->findItems(QString::fromStdString(n.label), Qt::MatchExactly);
        flags.push_back(items.isEmpty() || items.first()->checkState() == Qt::Checked);
    }
    return flags;
}

void FitPanel::setObservedNeurons(const QSet<QString>& labels) {
    {
        const QSignalBlocker quiet(observed_);
        for (int k = 0; k < observed_->count(); ++k)
            observed_->item(k)->setCheckState(labels.contains(observed_->item(k)->text()) ? Qt::Checked : Qt::Unchecked);
    }
    refreshFreeInfo();
}

void FitPanel::setLossWeights(double v, double ca) {
    weightV_->setValue(v);
    weightCa_->setValue(ca);
}

double FitPanel::lossWeightV() const { return weightV_->value(); }
double FitPanel::lossWeightCa() const { return weightCa_->value(); }

void FitPanel::setFixedParameters(const QSet<QString>& names) {
    fixed_ = names;
    refreshFreeInfo();
}

void FitPanel::setFitBounds(const std::vector<ParameterBound>& bounds) {
    bounds_ = bounds;
    refreshFreeInfo();
}

void FitPanel::setTargetDescription(const QString& text) {
    targetInfo_->setText(text);
    target_->setCurrentIndex(0);
}

FitOptions FitPanel::options() const {
    FitOptions o;
    o.population = population_->value();
    o.epochs = epochs_->value();
    o.seed = static_cast<std::uint64_t>(seed_->value());
    o.threads = threads_->value();
    o.weights.v = weightV_->value();
    o.weights.ca = weightCa_->value();
    o.learningRate = LearningRate{lr0_->value(), static_cast<double>(decaySteps_->value()), decayRate_->value()};
    o.method = static_cast<FitMethod>(method_->currentData().toInt());
    o.robust.adamEpochs = o.epochs;  // the robust method: Adam epochs before its polish
    o.robust.hopRounds = hops_->value();
    o.robust.validation = validation_->value() / 100;
    // The inspector's fixed parameters the circuit still knows (labels may have changed since a
    // box was ticked) and, unless every parameter is free, those of neurons without data.
    o.fixed = freeParameterSummary().fixed;
    o.bounds = boundsInCircuit(bounds_, model_->circuit());
    return o;
}

void FitPanel::startFit() {
    if (worker_.isRunning() || !dataset_) return;
    QString why;
    const auto source = static_cast<TargetSource>(target_->currentData().toInt());
    std::optional<FitDataset> data = dataset_(source, &why);
    auto refuse = [this](const QString& text) {
        status_->setText(text);
        emit message(text);
    };
    if (!data) return refuse(why);
    keepObserved(*data, observedFlags());
    const int entries = data->stimulus.batch;
    std::optional<FitDataset> test;
    if (testSplit_->currentIndex() == 1) {
        if (entries < 2) return refuse(tr("A test set needs at least two stimulus entries or loaded traces."));
        test = batchEntries(*data, entries - 1, 1);
        data = batchEntries(*data, 0, entries - 1);
    }
    if (!hasTargets(*data)) return refuse(tr("No observed neuron has a target: tick at least one neuron that has a trace."));

    const FitOptions o = options();
    if (const std::string problem = o.problem(model_->circuit()); !problem.empty())
        return refuse(QString::fromStdString(problem));
    const QString folder = runFolderChooser_ ? runFolderChooser_() : QString();
    if (!folder.isEmpty() && !claimRunFolder(folder)) return;
    runFolder_ = folder;
    best_.reset();
    bestIterate_ = {};
    totalSeconds_ = 0;
    fitCircuit_ = model_->circuit();
    train_ = std::move(*data);
    test_ = std::move(test);
    live_->reset(o.population, fitCircuit_, train_, o.weights);
    results_->clear();
    views_->setTabEnabled(1, false);
    views_->setCurrentIndex(0);
    if (worker_.start(fitCircuit_, train_, test_, o, runFolder_.toStdString())) {
        setRunning(true);
        status_->setText(tr("starting: %1 sets, %2 epochs…").arg(o.population).arg(o.epochs));
        if (!runFolder_.isEmpty()) emit message(tr("Fit run folder: %1").arg(runFolder_));
    }
}

void FitPanel::stopFit() {
    if (!worker_.isRunning()) return;
    worker_.stop();
    status_->setText(tr("stopping after this epoch…"));
}

void FitPanel::togglePause() {
    if (!worker_.isRunning()) {
        pause_->setChecked(false);
        return;
    }
    worker_.setPaused(!worker_.isPaused());
}

void FitPanel::continueFit() {
    const int total = worker_.epochsDone() + epochs_->value();
    if (worker_.continueRun(epochs_->value())) {
        // A later `odynn-cli fit --resume` goes on to the same total.
        if (!runFolder_.isEmpty()) {
            try {
                recordRunEpochs(runFolder_.toStdString(), total);
            } catch (const std::exception& e) {
                emit message(tr("Could not record the new epoch total: %1").arg(QString::fromUtf8(e.what())));
            }
        }
        setRunning(true);
        status_->setText(tr("continuing for %1 more epochs…").arg(epochs_->value()));
    }
}

void FitPanel::onEpoch(const FitProgress& progress) {
    const EpochSummary& s = progress.summary;
    live_->addEpoch(progress);
    bestIterate_ = progress.bestIterate;
    totalSeconds_ = progress.totalSeconds;
    apply_->setEnabled(hasBest());
    status_->setProperty("epoch", s.epoch + 1);
    if (worker_.isPaused()) return;
    status_->setText(tr("epoch %1: lowest loss this epoch %2 (set %3); lowest seen %4 (set %5 after %6 updates)\n"
                        "lr %7, %8 s per epoch, %9 s in all")
                         .arg(s.epoch + 1)
                         .arg(s.bestLoss, 0, 'g', 4)
                         .arg(s.bestIndex)
                         .arg(bestIterate_.loss, 0, 'g', 4)
                         .arg(bestIterate_.set)
                         .arg(bestIterate_.epoch)
                         .arg(s.learningRate, 0, 'g', 3)
                         .arg(s.seconds, 0, 'f', 3)
                         .arg(totalSeconds_, 0, 'f', 1));
}

void FitPanel::onFinished(const FitOutcome& outcome) {
    best_ = outcome.best;
    bestIterate_ = outcome.result.bestIterate;
    totalSeconds_ = outcome.totalSeconds;
    setRunning(false);
    results_->setResult(outcome, fitCircuit_, train_, test_);
    views_->setTabEnabled(1, true);
    const bool stopped = outcome.result.termination == Termination::Stopped;
    const BestIterate& b = bestIterate_;
    status_->setText(tr("%1 after %2 epochs, %3 s in all. ODYNN's choice (lowest final loss): %4 (set %5). "
                        "Lowest loss seen: %6 (set %7 after %8 updates)")
                         .arg(stopped ? tr("stopped") : tr("finished"))
                         .arg(outcome.result.epochsDone)
                         .arg(outcome.totalSeconds, 0, 'f', 1)
                         .arg(outcome.result.bestLoss, 0, 'g', 4)
                         .arg(outcome.result.bestIndex)
                         .arg(b.loss, 0, 'g', 4)
                         .arg(b.set)
                         .arg(b.epoch));
    emit message(status_->text());
    emit bestAvailable(outcome.best);
}

std::optional<Circuit> FitPanel::bestCircuit(BestChoice choice) const {
    if (choice == BestChoice::Final) return best_;
    if (!bestIterate_.exists()) return std::nullopt;
    const ParameterLayout layout(fitCircuit_);
    if (static_cast<int>(bestIterate_.params.size()) != layout.size()) return std::nullopt;
    Circuit c = fitCircuit_;
    layout.apply(c, bestIterate_.params.data());
    return c;
}

void FitPanel::applyBest() { applyBest(best_ ? BestChoice::Final : BestChoice::Iterate); }

namespace {
// Parameters line up when the neurons have the same models and the connections the same ends.
bool sameShape(const Circuit& a, const Circuit& b) {
    if (a.neurons.size() != b.neurons.size() || a.synapses.size() != b.synapses.size() || a.gaps.size() != b.gaps.size())
        return false;
    for (size_t k = 0; k < a.neurons.size(); ++k)
        if (a.neurons[k].model != b.neurons[k].model) return false;
    for (size_t k = 0; k < a.synapses.size(); ++k)
        if (a.synapses[k].pre != b.synapses[k].pre || a.synapses[k].post != b.synapses[k].post) return false;
    for (size_t k = 0; k < a.gaps.size(); ++k)
        if (a.gaps[k].a != b.gaps[k].a || a.gaps[k].b != b.gaps[k].b) return false;
    return true;
}
}  // namespace

void FitPanel::applyBest(BestChoice choice) {
    const std::optional<Circuit> set = bestCircuit(choice);
    if (!set) return;
    if (!sameShape(*set, model_->circuit())) {
        const QString file = choice == BestChoice::Final ? QStringLiteral("best_circuit.json") : QStringLiteral("best_iterate_circuit.json");
        const QString text = runFolder_.isEmpty()
                                 ? tr("The circuit has changed since the fit started: its parameters no longer line up.")
                                 : tr("The fitted circuit differs from this project's: open %1 of the run folder to use it.")
                                       .arg(QDir(runFolder_).filePath(file));
        status_->setText(text);
        emit message(text);
        return;
    }
    undoStack_->push(new ApplyParametersCommand(
        model_, *set,
        choice == BestChoice::Final ? tr("apply fitted parameters (ODYNN's choice)") : tr("apply fitted parameters (lowest loss seen)")));
    emit message(choice == BestChoice::Final ? tr("Applied ODYNN's choice: the lowest loss of the final sets.")
                                             : tr("Applied the lowest loss seen, %1 (set %2 after %3 updates).")
                                                   .arg(bestIterate_.loss, 0, 'g', 4)
                                                   .arg(bestIterate_.set)
                                                   .arg(bestIterate_.epoch));
}

bool FitPanel::claimRunFolder(const QString& dir) {
    try {
        runLock_.reset();  // the folder shown before is free again
        runLock_ = std::make_unique<RunFolderLock>(dir.toStdString());
        return true;
    } catch (const std::exception& e) {
        const QString text = tr("Run folder in use: %1").arg(QString::fromUtf8(e.what()));
        status_->setText(text);
        emit message(text);
        return false;
    }
}

bool FitPanel::openRunFolder(const QString& dir) {
    if (worker_.isRunning()) {
        emit message(tr("Stop the running fit before opening another run."));
        return false;
    }
    if (!claimRunFolder(dir)) return false;
    OpenedRun opened;
    try {
        opened = odynn::ui::openRunFolder(dir.toStdString());
    } catch (const std::exception& e) {
        runLock_.reset();
        const QString text = tr("Could not open the run: %1").arg(QString::fromUtf8(e.what()));
        status_->setText(text);
        emit message(text);
        return false;
    }
    runFolder_ = dir;
    const FitRun& run = *opened.run;
    fitCircuit_ = run.circuit();
    train_ = run.objective().train();
    test_ = run.objective().test();
    best_.reset();
    bestIterate_ = run.bestIterate();
    totalSeconds_ = run.wallSeconds();
    const FitOptions& o = run.options();
    FitSetup shown = setup();
    shown.method = o.method;
    shown.population = o.population;
    if (o.method == FitMethod::Robust) {
        shown.hops = o.robust.hopRounds;
        shown.validation = o.robust.validation;
    }
    shown.seed = o.seed;
    shown.weightV = o.weights.v;
    shown.weightCa = o.weights.ca;
    shown.learningRate = o.learningRate;
    shown.observed.reset();
    applySetup(shown);
    live_->reset(o.population, fitCircuit_, train_, o.weights);
    for (const FitProgress& p : opened.epochs) live_->addEpoch(p);
    results_->clear();
    views_->setTabEnabled(1, false);
    views_->setCurrentIndex(0);
    worker_.adopt(opened.run);
    QString text;
    if (opened.outcome) {
        best_ = opened.outcome->best;
        bestIterate_ = opened.outcome->result.bestIterate;
        results_->setResult(*opened.outcome, fitCircuit_, train_, test_);
        views_->setTabEnabled(1, true);
        text = tr("Opened run %1: %2 epochs, %3 s in all. ODYNN's choice (lowest final loss): %4 (set %5). "
                  "Lowest loss seen: %6 (set %7 after %8 updates)")
                   .arg(QFileInfo(dir).fileName())
                   .arg(run.epochsDone())
                   .arg(totalSeconds_, 0, 'f', 1)
                   .arg(opened.outcome->result.bestLoss, 0, 'g', 4)
                   .arg(opened.outcome->result.bestIndex)
                   .arg(bestIterate_.loss, 0, 'g', 4)
                   .arg(bestIterate_.set)
                   .arg(bestIterate_.epoch);
    } else {
        text = tr("Opened run %1: interrupted after %2 epochs (Continue goes on from there). Lowest loss seen: %3 (set %4 "
                  "after %5 updates)")
                   .arg(QFileInfo(dir).fileName())
                   .arg(run.epochsDone())
                   .arg(bestIterate_.loss, 0, 'g', 4)
                   .arg(bestIterate_.set)
                   .arg(bestIterate_.epoch);
    }
    setRunning(false);
    status_->setText(text);
    emit message(text);
    return true;
}

void FitPanel::setRunning(bool running) {
    start_->setEnabled(!running);
    pause_->setEnabled(running);
    stop_->setEnabled(running);
    continue_->setEnabled(!running && worker_.canContinue());
    apply_->setEnabled(hasBest());
    if (!running) {
        pause_->setChecked(false);
        pause_->setText(tr("Pause"));
    }
}

}  // namespace odynn::ui
