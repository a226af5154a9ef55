#include "fit_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QUndoStack>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "circuit_commands.hpp"

namespace odynn::ui {

FitPanel::FitPanel(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent)
    : QWidget(parent), model_(model), undoStack_(undoStack) {
    target_ = new QComboBox(this);
    target_->addItem(tr("Loaded trace (drop a CSV on the window)"), static_cast<int>(TargetSource::LoadedTrace));
    target_->addItem(tr("Current simulation, first stimulus (self-fit)"), static_cast<int>(TargetSource::CurrentSimulation));
    target_->setCurrentIndex(1);
    targetInfo_ = new QLabel(tr("no trace loaded"), this);
    targetInfo_->setWordWrap(true);

    population_ = new QSpinBox(this);
    population_->setRange(1, 10000);
    population_->setValue(10);
    population_->setToolTip(tr("Parameter sets optimised at once; the best one wins"));
    epochs_ = new QSpinBox(this);
    epochs_->setRange(1, 100000);
    epochs_->setValue(100);
    epochs_->setToolTip(tr("ODYNN's default is 700"));
    lr0_ = new QDoubleSpinBox(this);
    lr0_->setDecimals(4);
    lr0_->setRange(1e-4, 100);
    lr0_->setToolTip(tr("Initial learning rate l0 of lr = l0 · r^floor(epoch / k)"));
    decaySteps_ = new QSpinBox(this);
    decaySteps_->setRange(1, 100000);
    decaySteps_->setToolTip(tr("Epochs k between decays"));
    decayRate_ = new QDoubleSpinBox(this);
    decayRate_->setDecimals(3);
    decayRate_->setRange(0.01, 1.0);
    decayRate_->setSingleStep(0.01);
    decayRate_->setToolTip(tr("Decay factor r"));
    weightV_ = new QDoubleSpinBox(this);
    weightV_->setRange(0, 1e6);
    weightV_->setValue(1.0);
    weightV_->setToolTip(tr("Weight of (V − V*)² in the loss"));
    weightCa_ = new QDoubleSpinBox(this);
    weightCa_->setRange(0, 1e6);
    weightCa_->setValue(0.0);
    weightCa_->setToolTip(tr("Weight of (Ca − Ca*)² in the loss"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1'000'000);
    seed_->setToolTip(tr("Random seed of the initial population"));
    fixedInfo_ = new QLabel(this);
    fixedInfo_->setWordWrap(true);
    resetLearningRate();
    setFixedParameters({});

    start_ = new QPushButton(tr("Start fit"), this);
    stop_ = new QPushButton(tr("Stop"), this);
    apply_ = new QPushButton(tr("Apply best"), this);
    apply_->setToolTip(tr("Write the best parameter set into the circuit (undoable)"));
    status_ = new QLabel(tr("idle"), this);
    status_->setWordWrap(true);

    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(160);
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("loss"));
    plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);

    auto* form = new QFormLayout;
    form->addRow(tr("Target"), target_);
    form->addRow(QString(), targetInfo_);
    auto* grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("Population"), this), 0, 0);
    grid->addWidget(population_, 0, 1);
    grid->addWidget(new QLabel(tr("Epochs"), this), 0, 2);
    grid->addWidget(epochs_, 0, 3);
    grid->addWidget(new QLabel(tr("Learning rate l0"), this), 1, 0);
    grid->addWidget(lr0_, 1, 1);
    grid->addWidget(new QLabel(tr("decay every k"), this), 1, 2);
    grid->addWidget(decaySteps_, 1, 3);
    grid->addWidget(new QLabel(tr("by r"), this), 1, 4);
    grid->addWidget(decayRate_, 1, 5);
    grid->addWidget(new QLabel(tr("Weight V"), this), 2, 0);
    grid->addWidget(weightV_, 2, 1);
    grid->addWidget(new QLabel(tr("Weight Ca"), this), 2, 2);
    grid->addWidget(weightCa_, 2, 3);
    grid->addWidget(new QLabel(tr("Seed"), this), 2, 4);
    grid->addWidget(seed_, 2, 5);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(stop_);
    buttons->addWidget(apply_);
    buttons->addWidget(status_, 1);

    auto* settings = new QVBoxLayout;
    settings->addLayout(form);
    settings->addLayout(grid);
    settings->addWidget(fixedInfo_);
    settings->addLayout(buttons);
    settings->addStretch();
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(settings, 0);
    layout->addWidget(plot_, 1);

    connect(start_, &QPushButton::clicked, this, &FitPanel::startFit);
    connect(stop_, &QPushButton::clicked, this, &FitPanel::stopFit);
    connect(apply_, &QPushButton::clicked, this, &FitPanel::applyBest);
    connect(&worker_, &FitWorker::epochFinished, this, &FitPanel::onEpoch);
    connect(&worker_, &FitWorker::finished, this, &FitPanel::onFinished);
    connect(&worker_, &FitWorker::failed, this, [this](const QString& why) {
        setRunning(false);
        status_->setText(tr("failed: %1").arg(why));
        emit message(tr("Fit failed: %1").arg(why));
    });
    connect(model_, &CircuitGraphModel::modelReset, this, &FitPanel::resetLearningRate);

    // Loss curves are redrawn at most 10 times per second.
    redrawTimer_.setInterval(100);
    connect(&redrawTimer_, &QTimer::timeout, this, [this] {
        if (!dirty_) return;
        dirty_ = false;
        plot_->rescaleAxes();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    redrawTimer_.start();
    setRunning(false);
}

void FitPanel::resetLearningRate() {
    const LearningRate lr = defaultLearningRate(model_->circuit());
    lr0_->setValue(lr.initial);
    decaySteps_->setValue(static_cast<int>(lr.decaySteps));
    decayRate_->setValue(lr.decayRate);
}

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
    o.weights.v = weightV_->value();
    o.weights.ca = weightCa_->value();
    o.learningRate = LearningRate{lr0_->value(), static_cast<double>(decaySteps_->value()), decayRate_->value()};
    // Only names the current circuit knows: labels may have changed since a box was ticked.
    const ParameterLayout layout(model_->circuit());
    for (const QString& name : fixed_)
        if (layout.find(name.toStdString()) >= 0) o.fixed.push_back(name.toStdString());
    return o;
}

void FitPanel::startFit() {
    if (worker_.isRunning()) return;
    if (!dataset_) return;
    QString why;
    const auto source = static_cast<TargetSource>(target_->currentData().toInt());
    std::optional<FitDataset> data = dataset_(source, &why);
    if (!data) {
        status_->setText(why);
        emit message(why);
        return;
    }
    plot_->clearGraphs();
    best_.reset();
    const FitOptions o = options();
    for (int s = 0; s < o.population; ++s) {
        QCPGraph* g = plot_->addGraph();
        g->setPen(QPen(QColor(120, 120, 120, 110), 1.0));
    }
    if (worker_.start(model_->circuit(), *data, o)) {
        setRunning(true);
        status_->setText(tr("starting…"));
    }
}

void FitPanel::stopFit() {
    worker_.stop();
    status_->setText(tr("stopping after this epoch…"));
}

void FitPanel::onEpoch(const EpochSummary& s) {
    for (int k = 0; k < plot_->graphCount() && k < static_cast<int>(s.losses.size()); ++k) {
        const double loss = s.losses[static_cast<size_t>(k)];
        if (std::isfinite(loss) && loss > 0) plot_->graph(k)->addData(s.epoch, loss);
        plot_->graph(k)->setPen(k == s.bestIndex ? QPen(QColor(214, 39, 40), 2.0) : QPen(QColor(120, 120, 120, 110), 1.0));
    }
    status_->setText(tr("epoch %1: best loss %2 (set %3), lr %4, %5 s/epoch")
                         .arg(s.epoch + 1)
                         .arg(s.bestLoss, 0, 'g', 4)
                         .arg(s.bestIndex)
                         .arg(s.learningRate, 0, 'g', 3)
                         .arg(s.seconds, 0, 'f', 2));
    dirty_ = true;
}

void FitPanel::onFinished(const FitOutcome& outcome) {
    setRunning(false);
    best_ = outcome.best;
    const char* how = outcome.result.termination == Termination::Stopped ? "stopped" : "finished";
    status_->setText(tr("%1 after %2 epochs: best loss %3 (set %4), %5 s")
                         .arg(QString::fromLatin1(how))
                         .arg(outcome.result.epochsDone)
                         .arg(outcome.result.bestLoss, 0, 'g', 4)
                         .arg(outcome.result.bestIndex)
                         .arg(outcome.result.wallSeconds, 0, 'f', 1));
    apply_->setEnabled(true);
    emit message(status_->text());
}

void FitPanel::applyBest() {
    if (!best_) return;
    undoStack_->push(new ApplyParametersCommand(model_, *best_, tr("apply fitted parameters")));
}

void FitPanel::setRunning(bool running) {
    start_->setEnabled(!running);
    stop_->setEnabled(running);
    apply_->setEnabled(!running && best_.has_value());
}

}  // namespace odynn::ui
