#include "plots/trace_plots.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "odynn/currents.hpp"

namespace odynn::ui {

QColor curveColour(int index) {
    static const QColor colours[] = {QColor(31, 119, 180), QColor(214, 39, 40), QColor(44, 160, 44),
                                     QColor(255, 127, 14), QColor(148, 103, 189), QColor(140, 86, 75),
                                     QColor(227, 119, 194), QColor(23, 190, 207), QColor(188, 189, 34)};
    return colours[index % 9];
}

TracePlots::TracePlots(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot(this);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    plot_->setMinimumHeight(150);  // px: the dock may be short on a 768-px screen
    plot_->setMouseTracking(true);

    batch_ = new QComboBox(this);
    batch_->setToolTip(tr("Batch entry (stimulus) to show"));
    showV_ = new QCheckBox(tr("V"), this);
    showCa_ = new QCheckBox(tr("Ca"), this);
    showGates_ = new QCheckBox(tr("Gates"), this);
    showCurrents_ = new QCheckBox(tr("Currents"), this);
    showCurrent_ = new QCheckBox(tr("I inj"), this);
    showV_->setChecked(true);
    showCa_->setChecked(true);
    showCurrent_->setChecked(true);
    showV_->setToolTip(tr("Membrane potential (mV)"));
    showCa_->setToolTip(tr("Intracellular calcium concentration"));
    showGates_->setToolTip(tr("Gating variables (0..1)"));
    showCurrents_->setToolTip(tr("Currents from each step's states (µA/cm²): the model's ionic currents (celegans I_Ca, "
                                 "I_Kf, I_Ks, I_L) and, in a circuit, the total synaptic (isyn) and gap-junction "
                                 "(igap) current into the neuron"));
    showCurrent_->setToolTip(tr("Injected current"));
    readout_ = new QLabel(hoverHint(), this);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Stimulus:"), this));
    controls->addWidget(batch_, 1);
    for (QCheckBox* box : {showV_, showCa_, showGates_, showCurrents_, showCurrent_}) {
        controls->addWidget(box);
        connect(box, &QCheckBox::toggled, this, [this] { scheduleRedraw(); });
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addWidget(plot_, 1);
    layout->addWidget(readout_);
    connect(batch_, &QComboBox::currentIndexChanged, this, [this] { scheduleRedraw(); });
    connect(plot_, &QCustomPlot::mouseMove, this, &TracePlots::updateReadout);

    // At most 20 redraws per second however fast results arrive.
    redrawTimer_.setInterval(50);
    connect(&redrawTimer_, &QTimer::timeout, this, [this] {
        if (!dirty_) return;
        dirty_ = false;
        rebuild();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    redrawTimer_.start();
    rebuild();
}

void TracePlots::setOutput(const SimulationOutput& output) {
    const QVariant previous = batch_->currentData();
    output_ = output;
    QSignalBlocker block(batch_);
    batch_->clear();
    // Item data: the stimulus entry b as b, recorded entry k as -(k + 1).
    for (int b = 0; b < output.trajectory.batch; ++b)
        batch_->addItem(b < output.batchNames.size() ? output.batchNames[b] : tr("entry %1").arg(b + 1), b);
    for (int k = 0; k < output.recordedTrajectory.batch; ++k)
        batch_->addItem(tr("recorded: %1").arg(k < output.recordedNames.size() ? output.recordedNames[k] : QString::number(k + 1)),
                        -(k + 1));
    int index = batch_->findData(wantedRecording_ >= 0 ? QVariant(-(wantedRecording_ + 1)) : previous);
    if (wantedRecording_ >= 0 && index >= 0) wantedRecording_ = -1;
    batch_->setCurrentIndex(std::max(0, index));
    scheduleRedraw();
}

void TracePlots::showRecordedEntry(int entry) {
    wantedRecording_ = entry;
    if (!output_) return;
    if (const int index = batch_->findData(-(entry + 1)); index >= 0) {
        batch_->setCurrentIndex(index);
        wantedRecording_ = -1;
    }
}

void TracePlots::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    scheduleRedraw();  // tick counts and legend columns follow the plots' heights
}

void TracePlots::setNeurons(const QStringList& labels) {
    if (labels == neurons_) return;
    neurons_ = labels;
    scheduleRedraw();
}

QStringList TracePlots::shownNeurons() const {
    if (!neurons_.isEmpty() || !output_) return neurons_;
    QStringList first;
    for (size_t k = 0; k < output_->circuit.neurons.size() && k < defaultNeuronCount; ++k)
        first << QString::fromStdString(output_->circuit.neurons[k].label);
    return first;
}

QString TracePlots::hoverHint() { return tr("Hover over a plot to read values."); }

int TracePlots::graphCount() const { return plot_->graphCount(); }

QString TracePlots::readout() const { return readout_->text(); }

void TracePlots::redrawNow() {
    dirty_ = false;
    rebuild();
    plot_->replot();
}

void TracePlots::rebuild() {
    plot_->clearPlottables();
    plot_->plotLayout()->clear();  // also deletes the legends inside the axis rects

    struct Kind {
        QCheckBox* box;
        QString title;
    };
    // Units as the models use them (core/currents.hpp): currents in uA/cm2.
    // Two-line labels: short plots have little height for rotated text.
    const Kind kinds[] = {{showV_, tr("V\n(mV)")},
                          {showCa_, tr("Ca\n(model units)")},
                          {showGates_, tr("gates\n(0–1)")},
                          {showCurrents_, tr("currents\n(µA/cm²)")},
                          {showCurrent_, tr("I inj\n(µA/cm²)")}};
    constexpr int kCurrents = 3, kInjected = 4;
    std::vector<Panel> panels(5);
    auto* margins = new QCPMarginGroup(plot_);
    QCPAxisRect* first = nullptr;
    QCPAxisRect* last = nullptr;
    int rows = 0;
    for (const Kind& kind : kinds) rows += kind.box->isChecked();
    // One plot per quantity, stacked on a shared time axis; tick labels only on the bottom one.
    // Each plot gets as many value ticks as its height allows (about one per 35 px), so
    // short plots do not repeat or overlap their labels.
    const int rowHeight = rows > 0 ? plot_->height() / rows : plot_->height();
    const int valueTicks = std::clamp(rowHeight / 35, 2, 6);
    int row = 0;
    for (int k = 0; k < 5; ++k) {
        if (!kinds[k].box->isChecked()) continue;
        auto* rect = new QCPAxisRect(plot_);
        plot_->plotLayout()->addElement(row, 0, rect);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        rect->axis(QCPAxis::atLeft)->setLabel(kinds[k].title);
        rect->axis(QCPAxis::atLeft)->setLabelFont(QFont(font().family(), 8));
        rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(valueTicks);
        rect->axis(QCPAxis::atLeft)->setNumberFormat(QStringLiteral("gb"));
        rect->setRangeZoom(Qt::Horizontal | Qt::Vertical);
        // Legends stand beside the plots, never over the data. Colours mark neurons in every
        // plot, so one legend (the top one) names them; the gates and currents plots keep their
        // own because they show several curves per neuron, in as many columns as their height needs.
        QCPLegend* legend = nullptr;
        if (!first || k == 2 || k == kCurrents) {
            legend = new QCPLegend;
            plot_->plotLayout()->addElement(row, 1, legend);
            legend->setLayer(QStringLiteral("legend"));
            legend->setFont(QFont(font().family(), 8));
            legend->setBrush(Qt::NoBrush);
            legend->setBorderPen(Qt::NoPen);
            legend->setRowSpacing(0);
            legend->setFillOrder(QCPLayoutGrid::foRowsFirst);
            legend->setWrap(std::max(1, rowHeight / 14));  // 14 px per 8-pt entry
        }
        panels[static_cast<size_t>(k)] = Panel{rect, legend};
        if (!first) first = rect;
        last = rect;
        ++row;
    }
    if (!first) return;
    if (plot_->plotLayout()->columnCount() > 1) plot_->plotLayout()->setColumnStretchFactor(1, 0.01);
    last->axis(QCPAxis::atBottom)->setLabel(tr("time (ms)"));
    for (const Panel& p : panels)
        if (p.rect && p.rect != last) p.rect->axis(QCPAxis::atBottom)->setTickLabels(false);
    // Link every time axis to the others so zooming one zooms all.
    for (const Panel& a : panels) {
        if (!a.rect) continue;
        for (const Panel& b : panels) {
            if (!b.rect || a.rect == b.rect) continue;
            connect(a.rect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
                    b.rect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::setRange));
        }
    }
    if (!output_ || output_->trajectory.steps == 0) return;

    const SimulationOutput& out = *output_;
    // A stimulus entry, or a recorded one: a target driven by the current it was recorded with.
    const int choice = batch_->currentData().isValid() ? batch_->currentData().toInt() : 0;
    const bool recorded = choice < 0 && out.recorded && -choice <= out.recordedTrajectory.batch;
    const Trajectory& traj = recorded ? out.recordedTrajectory : out.trajectory;
    const Trajectory& detail = recorded ? out.recordedDetail : out.detail;
    const Stimulus& stimulus = recorded ? out.recorded->stimulus : out.stimulus;
    if (traj.steps == 0) return;
    const int b = recorded ? -choice - 1 : std::clamp(choice, 0, traj.batch - 1);
    QVector<double> time(traj.steps);
    for (int t = 0; t < traj.steps; ++t) time[t] = out.timeAt(t);

    auto addCurve = [&](const Panel& panel, const QString& name, QVector<double> values, QColor colour,
                        Qt::PenStyle style = Qt::SolidLine) {
        QCPGraph* g = plot_->addGraph(panel.rect->axis(QCPAxis::atBottom), panel.rect->axis(QCPAxis::atLeft));
        g->setName(name);
        g->setPen(QPen(colour, 1.6, style));
        g->setData(time.mid(0, values.size()), values, true);
        g->removeFromLegend();
        if (panel.legend) g->addToLegend(panel.legend);
        return g;
    };

    // Synaptic and gap currents need every neuron's voltage.
    std::optional<CircuitCurrents> edges;
    if (panels[kCurrents].rect && (!out.circuit.synapses.empty() || !out.circuit.gaps.empty()) &&
        traj.neurons == static_cast<int>(out.circuit.neurons.size())) {
        std::vector<std::vector<double>> volts(static_cast<size_t>(traj.neurons), std::vector<double>(traj.steps));
        for (int n = 0; n < traj.neurons; ++n)
            for (int t = 0; t < traj.steps; ++t) volts[static_cast<size_t>(n)][static_cast<size_t>(t)] = traj.at(t, 0, b, n);
        edges = circuitCurrents(out.circuit, volts);
    }
    auto shade = [](QColor c, int k) {
        c.setHsv(c.hsvHue(), c.hsvSaturation(), std::clamp(90 + 30 * k, 0, 255));
        return c;
    };
    const QStringList labels = shownNeurons();
    QStringList missingDetail;  // shown neurons whose gates were not recorded (selected after the run)
    for (int i = 0; i < labels.size(); ++i) {
        const int n = out.circuit.neuronIndex(labels[i].toStdString());
        if (n < 0 || n >= traj.neurons) continue;
        const ModelSpec* spec = findModel(out.circuit.neurons[static_cast<size_t>(n)].model);
        const QColor colour = curveColour(i);
        // V and Ca of every neuron are rows 0 and 1 of the trajectory; every state (gates) of the
        // neurons on screen is in the detail trajectory when they were on screen for the run.
        auto row = [&](int s) {
            QVector<double> v(traj.steps);
            for (int t = 0; t < traj.steps; ++t) v[t] = traj.at(t, s, b, n);
            return v;
        };
        const int d = out.detailIndex(n);
        auto series = [&](int s) {
            QVector<double> v(traj.steps);
            for (int t = 0; t < traj.steps && t < detail.steps; ++t) v[t] = detail.at(t, s, b, d);
            return v;
        };
        if (panels[0].rect) addCurve(panels[0], labels[i], row(0), colour);
        if (panels[1].rect && spec && spec->calciumIndex >= 0) addCurve(panels[1], labels[i], row(1), colour);
        const bool hasDetail = d >= 0 && detail.steps > 0;
        if (!hasDetail && (panels[2].rect || panels[kCurrents].rect)) missingDetail << labels[i];
        if (panels[2].rect && spec && hasDetail) {
            for (int s = 1; s < spec->stateCount() && s < detail.states; ++s) {
                if (s == spec->calciumIndex) continue;
                QColor c = colour;
                c.setHsv(c.hsvHue(), c.hsvSaturation(), std::clamp(90 + 30 * s, 0, 255));
                addCurve(panels[2], labels[i] + QStringLiteral(" ") + QString::fromStdString(spec->stateNames[static_cast<size_t>(s)]),
                         series(s), c);
            }
        }
        if (panels[kCurrents].rect && spec) {
            std::vector<std::vector<double>> states;
            for (int s = 0; hasDetail && s < spec->stateCount() && s < detail.states; ++s) {
                const QVector<double> v = series(s);
                states.emplace_back(v.begin(), v.end());
            }
            const std::vector<std::string> names = ionicCurrentNames(spec->name);
            if (!names.empty() && static_cast<int>(states.size()) == spec->stateCount()) {
                const auto currents = ionicCurrents(spec->name, out.circuit.neurons[static_cast<size_t>(n)].params, states);
                for (size_t c = 0; c < names.size(); ++c)
                    addCurve(panels[kCurrents], labels[i] + QStringLiteral(" ") + QString::fromStdString(names[c]),
                             QVector<double>(currents[c].begin(), currents[c].end()), shade(colour, int(c) + 1));
            }
            if (edges) {
                const auto& syn = edges->synaptic[static_cast<size_t>(n)];
                const auto& gap = edges->gap[static_cast<size_t>(n)];
                addCurve(panels[kCurrents], labels[i] + QStringLiteral(" isyn"), QVector<double>(syn.begin(), syn.end()),
                         colour, Qt::DashLine);
                addCurve(panels[kCurrents], labels[i] + QStringLiteral(" igap"), QVector<double>(gap.begin(), gap.end()),
                         colour, Qt::DotLine);
            }
        }
        if (panels[kInjected].rect) {
            QVector<double> current(traj.steps);
            for (int t = 0; t < traj.steps && t < stimulus.steps; ++t)
                current[t] = b < stimulus.batch && n < stimulus.neurons ? stimulus.at(t, b, n) : 0.0;
            addCurve(panels[kInjected], labels[i], current, colour);
        }
    }
    // Targets only beside the current they were recorded with, on the neurons they belong to;
    // row t of a target is compared with the simulator's row t (the fit's convention).
    if (recorded) {
        const FitDataset& data = *out.recorded;
        const int N = data.stimulus.neurons, B = data.stimulus.batch;
        for (const QString& label : labels) {
            const int n = out.circuit.neuronIndex(label.toStdString());
            for (const bool calcium : {false, true}) {
                const std::vector<double>& target = calcium ? data.targetCa : data.targetV;
                const Panel& panel = calcium ? panels[1] : panels[0];
                if (!panel.rect || n < 0 || n >= N || target.size() != size_t(data.stimulus.steps) * B * N) continue;
                QVector<double> x, y;
                for (int t = 0; t < data.stimulus.steps; ++t)
                    if (const double v = target[(size_t(t) * B + b) * N + n]; !std::isnan(v)) {
                        x << out.timeAt(t);
                        y << v;
                    }
                if (x.isEmpty()) continue;
                QCPGraph* g = plot_->addGraph(panel.rect->axis(QCPAxis::atBottom), panel.rect->axis(QCPAxis::atLeft));
                g->setName(tr("target %1").arg(label));
                g->setPen(QPen(Qt::black, 1.2, Qt::DashLine));
                g->setData(x, y, true);
                g->removeFromLegend();
                // Named in the top legend, which names the curves of every plot.
                QCPLegend* legend = panel.legend ? panel.legend : panels[0].legend ? panels[0].legend : panels[1].legend;
                if (legend) g->addToLegend(legend);
            }
        }
    }
    if (!missingDetail.isEmpty()) {
        readout_->setText(tr("Gates and currents of %1 were not recorded in this run; it is simulated again with them "
                             "(F5 for large circuits).")
                              .arg(missingDetail.join(QStringLiteral(", "))));
        readoutWarns_ = true;
        emit statesNotRecorded(missingDetail);
    } else if (readoutWarns_) {
        readout_->setText(hoverHint());
        readoutWarns_ = false;
    }
    for (const Panel& p : panels) {
        if (!p.rect) continue;
        bool found = false;
        for (QCPGraph* g : p.rect->graphs()) g->rescaleAxes(found), found = true;
        if (p.legend && p.legend->itemCount() == 0) p.legend->setVisible(false);
        if (!found) continue;
        QCPAxis* y = p.rect->axis(QCPAxis::atLeft);
        y->scaleRange(1.1, y->range().center());  // a margin above and below the data
        if (y->range().size() < 1e-9) y->setRange(y->range().center() - 1, y->range().center() + 1);
    }
}

void TracePlots::updateReadout(QMouseEvent* event) {
    QCPAxisRect* rect = plot_->axisRectAt(event->position());
    if (!rect || rect->graphs().isEmpty()) return;
    const double x = rect->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x());
    QStringList parts{tr("t = %1 ms").arg(x, 0, 'f', 1)};
    for (QCPGraph* g : rect->graphs()) {
        if (g->dataCount() == 0) continue;
        auto it = g->data()->findBegin(x, false);
        if (it == g->data()->constEnd()) continue;
        parts << QStringLiteral("%1: %2").arg(g->name()).arg(it->value, 0, 'g', 4);
    }
    readout_->setText(parts.join(QStringLiteral("   ")));
}

}  // namespace odynn::ui
