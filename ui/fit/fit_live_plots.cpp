#include "fit/fit_live_plots.hpp"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "plots/trace_plots.hpp"

namespace odynn::ui {

namespace {
// Most parameter curves drawn: beyond this the panel is unreadable and costs redraw time.
constexpr int maxParameterCurves = 40;
const QColor otherSet(120, 120, 120, 90);
const QColor bestSet(214, 39, 40);
}  // namespace

double scaledToRange(double value, double low, double high) {
    return high > low ? (value - low) / (high - low) : value;
}

FitLivePlots::FitLivePlots(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(150);  // px: the dock may be short on a 768-px screen
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setPlottingHint(QCP::phFastPolylines, true);  // cheaper redraws of many long curves
    plot_->plotLayout()->clear();
    lossRect_ = addPanel(0, 0, tr("epoch"), tr("loss (mV²)"));
    lrRect_ = addPanel(0, 1, tr("epoch"), tr("learning rate"));
    traceRect_ = addPanel(1, 0, tr("time (ms)"), tr("best set vs target"));
    paramRect_ = addPanel(1, 1, tr("epoch"), tr("best set, scaled"));
    plot_->plotLayout()->setColumnStretchFactor(0, 1.4);
    QCPAxis* lossY = lossRect_->axis(QCPAxis::atLeft);
    lossY->setScaleType(QCPAxis::stLogarithmic);
    auto logTicker = QSharedPointer<QCPAxisTickerLog>::create();
    logTicker->setTickCount(3);  // decades only: sub-decade labels collide in a small panel
    logTicker->setSubTickCount(8);
    lossY->setTicker(logTicker);
    lossY->setNumberFormat(QStringLiteral("eb"));
    lossY->setNumberPrecision(0);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);

    // Bounded redraw rate, however fast epochs arrive (DESIGN: never once per data point).
    redrawTimer_.setInterval(100);
    connect(&redrawTimer_, &QTimer::timeout, this, [this] {
        if (!dirty_) return;
        dirty_ = false;
        for (QCPAxisRect* r : {lossRect_, lrRect_, traceRect_, paramRect_}) {
            bool first = true;
            for (QCPGraph* g : r->graphs()) {
                if (g->dataCount() == 0) continue;
                g->rescaleAxes(!first);
                first = false;
            }
        }
        // Rates are positive: from 0 to a little above the largest, so a flat rate (ODYNN's
        // schedule between decays) shows as a line near the top, not centred in a made-up range.
        lrRect_->axis(QCPAxis::atLeft)->setRange(0, largestRate_ > 0 ? largestRate_ * 1.15 : 1.0);
        // A margin of a third of a decade above and below the losses, so no curve touches the frame.
        QCPAxis* lossY = lossRect_->axis(QCPAxis::atLeft);
        lossY->setRange(lossY->range().lower / 1.4, lossY->range().upper * 1.4);
        ++replots_;
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    redrawTimer_.start();
}

QCPAxisRect* FitLivePlots::addPanel(int row, int column, const QString& x, const QString& y) {
    auto* rect = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(row, column, rect);
    rect->axis(QCPAxis::atBottom)->setLabel(x);
    rect->axis(QCPAxis::atLeft)->setLabel(y);
    rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(4);
    rect->axis(QCPAxis::atBottom)->ticker()->setTickCount(4);
    rect->setupFullAxesBox(false);
    return rect;
}

void FitLivePlots::reset(int sets, const Circuit& circuit, const FitDataset& train, const LossWeights& weights) {
    plot_->clearGraphs();
    lossGraphs_.clear();
    paramGraphs_.clear();
    paramIndex_.clear();
    paramLow_.clear();
    paramHigh_.clear();
    previousBest_ = -1;
    largestRate_ = 0;
    traceUpdates_ = 0;
    dt_ = circuit.dt;
    auto graph = [this](QCPAxisRect* r) {
        return plot_->addGraph(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
    };
    for (int s = 0; s < sets; ++s) {
        QCPGraph* g = graph(lossRect_);
        g->setPen(QPen(otherSet, 1.0));
        g->setAntialiased(false);  // a hundred curves redraw much faster without
        lossGraphs_.push_back(g);
    }
    testGraph_ = graph(lossRect_);
    testGraph_->setLineStyle(QCPGraph::lsNone);
    testGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(31, 119, 180), 4));
    lrGraph_ = graph(lrRect_);
    lrGraph_->setPen(QPen(QColor(44, 160, 44), 1.6));
    lrGraph_->setLineStyle(QCPGraph::lsStepLeft);

    // The loss's unit follows what is fitted: squared mV, squared calcium units, or a mix.
    const bool fitsV = weights.v != 0.0 && !train.targetV.empty();
    const bool fitsCa = weights.ca != 0.0 && !train.targetCa.empty();
    lossRect_->axis(QCPAxis::atLeft)->setLabel(fitsV && fitsCa ? tr("loss\n(w_V mV² + w_Ca Ca²)")
                                               : fitsCa        ? tr("loss (Ca units²)")
                                                               : tr("loss (mV²)"));

    // The trace panel shows the first observed neuron: V, or Ca when only Ca is weighed.
    const int n = train.stimulus.neurons, steps = train.stimulus.steps;
    const bool useCa = weights.v == 0.0 && !train.targetCa.empty();
    const std::vector<double>& target = useCa ? train.targetCa : train.targetV;
    traceState_ = useCa ? 1 : 0;
    traceNeuron_ = 0;
    for (int k = 0; k < n && !target.empty(); ++k)
        if (std::isfinite(target[static_cast<size_t>(k)])) {
            traceNeuron_ = k;
            break;
        }
    targetGraph_ = graph(traceRect_);
    targetGraph_->setPen(QPen(Qt::black, 1.4, Qt::DashLine));
    targetGraph_->setName(tr("target"));
    traceGraph_ = graph(traceRect_);
    traceGraph_->setPen(QPen(bestSet, 1.6));
    if (!target.empty()) {
        // Entries of batch 0 only: the first training stimulus.
        QVector<double> t, v;
        for (int k = 0; k < steps; ++k) {
            const double value = target[(static_cast<size_t>(k) * train.stimulus.batch) * n + traceNeuron_];
            if (!std::isfinite(value)) continue;
            t << (k + 1) * dt_;
            v << value;
        }
        targetGraph_->setData(t, v, true);
    }
    const QString label = QString::fromStdString(circuit.neurons[static_cast<size_t>(traceNeuron_)].label);
    // Two lines: in one, the label of a long neuron name is cut by the panel's height at 1366 x 768.
    traceRect_->axis(QCPAxis::atLeft)->setLabel(useCa ? tr("Ca of %1 (model units)\nbest vs target").arg(label)
                                                      : tr("V of %1 (mV)\nbest vs target").arg(label));

    const ParameterLayout layout(circuit);
    for (int p = 0; p < layout.size() && static_cast<int>(paramIndex_.size()) < maxParameterCurves; ++p) {
        const ParamEntry& e = layout.entries()[static_cast<size_t>(p)];
        paramIndex_.push_back(p);
        paramLow_.push_back(e.randomLow);
        paramHigh_.push_back(e.randomHigh);
        QCPGraph* g = graph(paramRect_);
        g->setPen(QPen(curveColour(static_cast<int>(paramGraphs_.size())), 1.2));
        g->setAntialiased(false);
        g->setName(QString::fromStdString(e.name));
        paramGraphs_.push_back(g);
    }
    dirty_ = true;
}

void FitLivePlots::addEpoch(const FitProgress& progress) {
    const EpochSummary& s = progress.summary;
    const double epoch = s.epoch + 1;  // epochs counted from 1 on the axes
    for (size_t k = 0; k < lossGraphs_.size() && k < s.losses.size(); ++k)
        if (std::isfinite(s.losses[k]) && s.losses[k] > 0) lossGraphs_[k]->addData(epoch, s.losses[k]);
    for (double loss : s.testLosses)
        if (std::isfinite(loss) && loss > 0) testGraph_->addData(epoch, loss);
    if (s.bestIndex != previousBest_ && s.bestIndex >= 0 && s.bestIndex < static_cast<int>(lossGraphs_.size())) {
        if (previousBest_ >= 0) {
            lossGraphs_[static_cast<size_t>(previousBest_)]->setPen(QPen(otherSet, 1.0));
            lossGraphs_[static_cast<size_t>(previousBest_)]->setLayer(QStringLiteral("main"));
        }
        QCPGraph* best = lossGraphs_[static_cast<size_t>(s.bestIndex)];
        best->setPen(QPen(bestSet, 2.0));
        best->setAntialiased(true);
        // Drawn last, on top of the grey crowd.
        if (!plot_->layer(QStringLiteral("bestLoss"))) plot_->addLayer(QStringLiteral("bestLoss"));
        best->setLayer(QStringLiteral("bestLoss"));
        previousBest_ = s.bestIndex;
    }
    lrGraph_->addData(epoch, s.learningRate);
    if (std::isfinite(s.learningRate)) largestRate_ = std::max(largestRate_, s.learningRate);
    for (size_t k = 0; k < paramGraphs_.size(); ++k) {
        const int p = paramIndex_[k];
        if (p < static_cast<int>(progress.bestParams.size()))
            paramGraphs_[k]->addData(epoch, scaledToRange(progress.bestParams[static_cast<size_t>(p)], paramLow_[k], paramHigh_[k]));
    }
    if (progress.bestTrace) {
        const Trajectory& tr = *progress.bestTrace;
        QVector<double> t(tr.steps), v(tr.steps);
        const int state = std::min(traceState_, tr.states - 1);
        for (int k = 0; k < tr.steps; ++k) {
            t[k] = (k + 1) * dt_;
            v[k] = tr.at(k, state, 0, std::min(traceNeuron_, tr.neurons - 1));
        }
        traceGraph_->setData(t, v, true);
        ++traceUpdates_;
    }
    dirty_ = true;
}

int FitLivePlots::lossPointCount() const {
    int count = 0;
    for (const QCPGraph* g : lossGraphs_) count += g->dataCount();
    return count;
}

}  // namespace odynn::ui
