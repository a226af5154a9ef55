#include "fit/fit_result_plots.hpp"

#include <cmath>
#include <qcustomplot.h>

#include "fit/fit_live_plots.hpp"
#include "fit/population_stats.hpp"
#include "plots/trace_plots.hpp"

namespace odynn::ui {

namespace {
QSharedPointer<QCPAxisTickerText> namesTicker(const QStringList& names) {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int k = 0; k < names.size(); ++k) ticker->addTick(k, names[k]);
    return ticker;
}

// Names are long in circuits ("PVD->AVA/G"); keep the axis readable.
QString shortName(const QString& name) { return name.size() > 18 ? name.left(17) + QStringLiteral("…") : name; }
}  // namespace

FitResultPlots::FitResultPlots(QWidget* parent) : QTabWidget(parent) {
    box_ = new QCustomPlot(this);
    correlation_ = new QCustomPlot(this);
    traces_ = new QCustomPlot(this);
    for (QCustomPlot* p : {box_, correlation_, traces_}) p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    addTab(box_, tr("Distributions"));
    addTab(correlation_, tr("Correlations"));
    addTab(traces_, tr("Fitted vs target"));
    setTabToolTip(0, tr("Every parameter across the final population, scaled to its random-initialisation range"));
    setTabToolTip(1, tr("Pearson correlation between parameters across the final population"));
    setTabToolTip(2, tr("The best set's traces against the targets, training and test data"));
    connect(this, &QTabWidget::currentChanged, this, &FitResultPlots::replotCurrent);
    clear();
}

void FitResultPlots::showEvent(QShowEvent* event) {
    QTabWidget::showEvent(event);
    replotCurrent();
}

void FitResultPlots::replotCurrent() {
    if (auto* plot = qobject_cast<QCustomPlot*>(currentWidget()); plot && isVisible())
        plot->replot(QCustomPlot::rpQueuedReplot);
}

void FitResultPlots::clear() {
    for (QCustomPlot* p : {box_, correlation_, traces_}) {
        p->clearPlottables();
        p->plotLayout()->clear();
        auto* rect = new QCPAxisRect(p);
        p->plotLayout()->addElement(0, 0, rect);
    }
    replotCurrent();
    boxCount_ = 0;
    correlationSize_ = 0;
}

void FitResultPlots::setResult(const FitOutcome& outcome, const Circuit& circuit, const FitDataset& train,
                               const std::optional<FitDataset>& test) {
    clear();
    const int cols = static_cast<int>(outcome.parameterNames.size());
    const int rows = cols > 0 ? static_cast<int>(outcome.population.size()) / cols : 0;
    // Fixed parameters are the same in every set: they have no distribution. LSTM weights are
    // not interpretable one by one (and a network has ~10^4): they are left out, and the
    // figures stop at 300 parameters so the correlation matrix stays readable and small.
    const ParameterLayout layout(circuit);
    std::vector<int> varied;
    for (int c = 0; c < cols && varied.size() < 300; ++c) {
        const ParamEntry& e = layout.entries()[static_cast<size_t>(c)];
        if (e.owner == ParamOwner::Neuron && modelSpec(circuit.neurons[static_cast<size_t>(e.index)].model).networkWeights) continue;
        std::vector<double> column;
        for (int r = 0; r < rows; ++r) column.push_back(outcome.population[static_cast<size_t>(r) * cols + c]);
        const BoxStats s = boxStats(column);
        if (s.count > 0 && s.maximum > s.minimum) varied.push_back(c);
    }
    drawBoxes(outcome, circuit, varied);
    drawCorrelation(outcome, varied);
    drawTraces(outcome, circuit, train, test);
    replotCurrent();
}

void FitResultPlots::drawBoxes(const FitOutcome& outcome, const Circuit& circuit, const std::vector<int>& varied) {
    QCPAxisRect* rect = box_->axisRect();
    const ParameterLayout layout(circuit);
    const int cols = static_cast<int>(outcome.parameterNames.size());
    const int rows = cols > 0 ? static_cast<int>(outcome.population.size()) / cols : 0;
    auto* boxes = new QCPStatisticalBox(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    boxes->setBrush(QColor(31, 119, 180, 70));
    boxes->setWidth(0.6);
    QStringList names;
    for (size_t k = 0; k < varied.size(); ++k) {
        const int c = varied[k];
        const ParamEntry& e = layout.entries()[static_cast<size_t>(c)];
        std::vector<double> column;
        for (int r = 0; r < rows; ++r)
            column.push_back(scaledToRange(outcome.population[static_cast<size_t>(r) * cols + c], e.randomLow, e.randomHigh));
        const BoxStats s = boxStats(column);
        boxes->addData(static_cast<double>(k), s.minimum, s.lowerQuartile, s.median, s.upperQuartile, s.maximum);
        names << shortName(outcome.parameterNames[c]);
    }
    boxCount_ = static_cast<int>(varied.size());
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    x->setTicker(namesTicker(names));
    x->setTickLabelRotation(60);
    x->setSubTicks(false);
    x->setRange(-0.7, std::max<double>(1.0, boxCount_ - 0.3));
    rect->axis(QCPAxis::atLeft)->setLabel(tr("value (0–1 = random range)"));
    boxes->rescaleValueAxis();
    rect->axis(QCPAxis::atLeft)->scaleRange(1.1);
}

void FitResultPlots::drawCorrelation(const FitOutcome& outcome, const std::vector<int>& varied) {
    const int cols = static_cast<int>(outcome.parameterNames.size());
    const int rows = cols > 0 ? static_cast<int>(outcome.population.size()) / cols : 0;
    const int n = static_cast<int>(varied.size());
    correlationSize_ = n;
    if (n == 0) return;
    // Only the varied columns take part.
    std::vector<double> sub(static_cast<size_t>(rows) * n);
    for (int r = 0; r < rows; ++r)
        for (int k = 0; k < n; ++k)
            sub[static_cast<size_t>(r) * n + k] = outcome.population[static_cast<size_t>(r) * cols + varied[static_cast<size_t>(k)]];
    const std::vector<double> corr = correlationMatrix(sub, rows, n);

    QCPAxisRect* rect = correlation_->axisRect();
    auto* map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    map->data()->setSize(n, n);
    map->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b) map->data()->setCell(a, b, corr[static_cast<size_t>(a) * n + b]);
    map->setInterpolate(false);
    QCPColorGradient gradient(QCPColorGradient::gpPolar);  // blue -1, white 0, red +1
    map->setGradient(gradient);
    map->setDataRange(QCPRange(-1, 1));
    auto* scale = new QCPColorScale(correlation_);
    correlation_->plotLayout()->addElement(0, 1, scale);
    scale->setGradient(gradient);
    scale->setDataRange(QCPRange(-1, 1));
    scale->axis()->setLabel(tr("correlation"));
    map->setColorScale(scale);
    QStringList names;
    for (int c : varied) names << shortName(outcome.parameterNames[c]);
    for (QCPAxis* axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)}) {
        axis->setTicker(namesTicker(names));
        axis->setSubTicks(false);
        axis->setTickLabelFont(QFont(font().family(), n > 20 ? 6 : 8));
        axis->setRange(-0.5, n - 0.5);
    }
    rect->axis(QCPAxis::atBottom)->setTickLabelRotation(60);
}

void FitResultPlots::drawTraces(const FitOutcome& outcome, const Circuit& circuit, const FitDataset& train,
                                const std::optional<FitDataset>& test) {
    traces_->plotLayout()->clear();
    // The legend (dashed: target, solid: fitted) stands beside the plots, off the data.
    auto* legend = new QCPLegend;
    traces_->plotLayout()->addElement(0, test ? 2 : 1, legend);
    legend->setLayer(QStringLiteral("legend"));
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setRowSpacing(0);
    struct Part {
        QString title;
        const FitDataset* data;
        const std::optional<Trajectory>* fitted;
    };
    std::vector<Part> parts{{tr("training"), &train, &outcome.bestTrain}};
    if (test) parts.push_back({tr("test"), &*test, &outcome.bestTest});
    const double dt = circuit.dt;
    for (size_t p = 0; p < parts.size(); ++p) {
        auto* rect = new QCPAxisRect(traces_);
        traces_->plotLayout()->addElement(0, static_cast<int>(p), rect);
        rect->axis(QCPAxis::atBottom)->setLabel(tr("time (ms), %1").arg(parts[p].title));
        const FitDataset& d = *parts[p].data;
        const bool useCa = d.targetV.empty() && !d.targetCa.empty();
        rect->axis(QCPAxis::atLeft)->setLabel(useCa ? tr("Ca (model units)") : tr("V (mV)"));
        const std::vector<double>& target = useCa ? d.targetCa : d.targetV;
        const int steps = d.stimulus.steps, batch = d.stimulus.batch, n = d.stimulus.neurons;
        int curve = 0;
        for (int b = 0; b < batch; ++b)
            for (int k = 0; k < n; ++k) {
                if (target.empty() || !std::isfinite(target[static_cast<size_t>(b) * n + k])) continue;
                QVector<double> t, v, f;
                for (int s = 0; s < steps; ++s) {
                    t << (s + 1) * dt;
                    v << target[(static_cast<size_t>(s) * batch + b) * n + k];
                }
                const QColor colour = curveColour(curve++);
                QCPGraph* g = traces_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                g->setPen(QPen(colour.darker(160), 1.3, Qt::DashLine));
                g->setData(t, v, true);
                const QString who = QString::fromStdString(circuit.neurons[static_cast<size_t>(k)].label) +
                                    (batch > 1 ? tr(", entry %1").arg(b + 1) : QString());
                g->setName(tr("target %1").arg(who));
                if (const std::optional<Trajectory>& fitted = *parts[p].fitted; fitted && fitted->steps == steps) {
                    for (int s = 0; s < steps; ++s) f << fitted->at(s, useCa ? 1 : 0, b, k);
                    QCPGraph* h = traces_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                    h->setPen(QPen(colour, 1.6));
                    h->setData(t, f, true);
                    h->setName(tr("fitted %1").arg(who));
                }
            }
        bool first = true;
        for (QCPGraph* g : rect->graphs()) g->rescaleAxes(!first), first = false;
        if (p == 0)
            for (QCPGraph* g : rect->graphs()) g->addToLegend(legend);
    }
    traces_->plotLayout()->setColumnStretchFactor(traces_->plotLayout()->columnCount() - 1, 0.01);
}

}  // namespace odynn::ui
