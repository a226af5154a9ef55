#include "fit/fit_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QThread>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "editor/circuit_commands.hpp"
#include "fit/fit_data.hpp"
#include "fit/fit_live_plots.hpp"
#include "fit/fit_result_plots.hpp"

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
                           "log/logistic coordinates (Epochs) and an L-BFGS polish; reaches the answer far more often"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1'000'000);
    seed_->setToolTip(tr("Random seed of the initial population; the same seed gives the same fit"));
    threads_ = new QSpinBox(this);
    threads_->setRange(1, std::max(1, QThread::idealThreadCount()));
    // One core is left to the window by default, so it stays responsive during a fit.
    threads_->setValue(std::max(1, QThread::idealThreadCount() - 1));
    threads_->setToolTip(tr("CPU threads of the fit; one fewer than the cores keeps the window responsive"));
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
    apply_->setToolTip(tr("Write the best set (lowest loss at the last epoch, ODYNN's choice) into the circuit (undoable, Ctrl+Shift+A)"));
    status_ = new QLabel(tr("idle"), this);
    status_->setWordWrap(true);
    status_->setMinimumHeight(status_->fontMetrics().height() * 2);
    status_->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Target"), target_);
    form->addRow(QString(), targetInfo_);
    form->addRow(tr("Observed"), observed_);
    form->addRow(tr("Test"), testSplit_);
    form->addRow(tr("Method"), method_);
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
    settings->addWidget(fixedInfo_);
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
    connect(apply_, &QPushButton::clicked, this, &FitPanel::applyBest);
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
    connect(model_, &CircuitGraphModel::neuronAdded, this, &FitPanel::refreshObserved);
    connect(model_, &CircuitGraphModel::neuronRemoved, this, &FitPanel::refreshObserved);
    connect(model_, &CircuitGraphModel::neuronChanged, this, &FitPanel::refreshObserved);
    refreshObserved();
    setRunning(false);
}

QCustomPlot* FitPanel::plot() const { return live_->plot(); }

QString FitPanel::statusText() const { return status_->text(); }

void FitPanel::resetLearningRate() {
    const LearningRate lr = defaultLearningRate(model_->circuit());
    lr0_->setValue(lr.initial);
    decaySteps_->setValue(static_cast<int>(lr.decaySteps));
    decayRate_->setValue(lr.decayRate);
}

void FitPanel::refreshObserved() {
    // Keep the ticks of neurons that are still there; new neurons start observed.
    QSet<QString> unticked;
    for (int k = 0; k < observed_->count(); ++k)
        if (observed_->item(k)->checkState() == Qt::Unchecked) unticked << observed_->item(k)->text();
    observed_->clear();
    for (const Neuron& n : model_->circuit().neurons) {
        auto* item = new QListWidgetItem(QString::fromStdString(n.label), observed_);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(unticked.contains(item->text()) ? Qt::Unchecked : Qt::Checked);
    }
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
    for (int k = 0; k < observed_->count(); ++k)
        observed_->item(k)->setCheckState(labels.contains(observed_->item(k)->text()) ? Qt::Checked : Qt::Unchecked);
}

void FitPanel::setLossWeights(double v, double ca) {
    weightV_->setValue(v);
    weightCa_->setValue(ca);
}

double FitPanel::lossWeightV() const { return weightV_->value(); }
double FitPanel::lossWeightCa() const { return weightCa_->value(); }

void FitPanel::setFixedParameters(const QSet<QString>& names) {
    fixed_ = names;
    fixedInfo_->setText(names.isEmpty() ? tr("All parameters are free (tick \"fixed\" in the inspector to keep one).")
                                        : tr("%n parameter(s) kept fixed.", nullptr, int(names.size())));
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
    // Only names the current circuit knows: labels may have changed since a box was ticked.
    const ParameterLayout layout(model_->circuit());
    for (const QString& name : fixed_)
        if (layout.find(name.toStdString()) >= 0) o.fixed.push_back(name.toStdString());
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

    best_.reset();
    fitCircuit_ = model_->circuit();
    train_ = *data;
    test_ = test;
    const FitOptions o = options();
    live_->reset(o.population, fitCircuit_, train_, o.weights);
    results_->clear();
    views_->setTabEnabled(1, false);
    views_->setCurrentIndex(0);
    if (worker_.start(fitCircuit_, train_, test_, o)) {
        setRunning(true);
        status_->setText(tr("starting: %1 sets, %2 epochs…").arg(o.population).arg(o.epochs));
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
    if (worker_.continueRun(epochs_->value())) {
        setRunning(true);
        status_->setText(tr("continuing for %1 more epochs…").arg(epochs_->value()));
    }
}

void FitPanel::onEpoch(const FitProgress& progress) {
    const EpochSummary& s = progress.summary;
    live_->addEpoch(progress);
    status_->setProperty("epoch", s.epoch + 1);
    if (worker_.isPaused()) return;
    status_->setText(tr("epoch %1: lowest loss this epoch %2 (set %3)\nlr %4, %5 s per epoch")
                         .arg(s.epoch + 1)
                         .arg(s.bestLoss, 0, 'g', 4)
                         .arg(s.bestIndex)
                         .arg(s.learningRate, 0, 'g', 3)
                         .arg(s.seconds, 0, 'f', 3));
}

void FitPanel::onFinished(const FitOutcome& outcome) {
    setRunning(false);
    best_ = outcome.best;
    results_->setResult(outcome, fitCircuit_, train_, test_);
    views_->setTabEnabled(1, true);
    const bool stopped = outcome.result.termination == Termination::Stopped;
    status_->setText(tr("%1 after %2 epochs: best set (lowest loss at the last epoch, ODYNN's choice) %3 (set %4), %5 s")
                         .arg(stopped ? tr("stopped") : tr("finished"))
                         .arg(outcome.result.epochsDone)
                         .arg(outcome.result.bestLoss, 0, 'g', 4)
                         .arg(outcome.result.bestIndex)
                         .arg(outcome.result.wallSeconds, 0, 'f', 1));
    emit message(status_->text());
    emit bestAvailable(outcome.best);
}

void FitPanel::applyBest() {
    if (!best_ || worker_.isRunning()) return;
    undoStack_->push(new ApplyParametersCommand(model_, *best_, tr("apply fitted parameters")));
}

void FitPanel::setRunning(bool running) {
    start_->setEnabled(!running);
    pause_->setEnabled(running);
    stop_->setEnabled(running);
    continue_->setEnabled(!running && worker_.canContinue());
    apply_->setEnabled(!running && best_.has_value());
    if (!running) {
        pause_->setChecked(false);
        pause_->setText(tr("Pause"));
    }
}

}  // namespace odynn::ui
