#include "voltage_heatmap.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>

namespace odynn::ui {

VoltageHeatmap::VoltageHeatmap(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot(this);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->xAxis->setLabel(tr("time (ms)"));
    plot_->yAxis->setLabel(tr("neuron"));
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);
    auto* scale = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(0, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->axis()->setLabel(tr("V (mV)"));
    map_->setColorScale(scale);
    map_->setGradient(QCPColorGradient::gpThermal);
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    batch_ = new QComboBox(this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Stimulus:"), this));
    controls->addWidget(batch_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addWidget(plot_, 1);
    connect(batch_, &QComboBox::currentIndexChanged, this, [this] {
        rebuild();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
}

void VoltageHeatmap::setOutput(const SimulationOutput& output) {
    output_ = output;
    const int previous = batch_->currentIndex();
    {
        QSignalBlocker block(batch_);
        batch_->clear();
        for (int b = 0; b < output.trajectory.batch; ++b)
            batch_->addItem(b < output.batchNames.size() ? output.batchNames[b] : tr("entry %1").arg(b + 1));
        batch_->setCurrentIndex(std::clamp(previous, 0, std::max(0, batch_->count() - 1)));
    }
    rebuild();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void VoltageHeatmap::rebuild() {
    if (!output_ || output_->trajectory.steps == 0) return;
    const Trajectory& traj = output_->trajectory;
    const int b = std::clamp(batch_->currentIndex(), 0, traj.batch - 1);
    // At most 1500 columns: each column averages a block of consecutive steps.
    const int columns = std::min(traj.steps, 1500);
    const double perColumn = static_cast<double>(traj.steps) / columns;
    map_->data()->setSize(columns, traj.neurons);
    map_->data()->setRange(QCPRange(output_->timeAt(0), output_->timeAt(traj.steps - 1)),
                           QCPRange(0, std::max(0, traj.neurons - 1)));
    for (int n = 0; n < traj.neurons; ++n) {
        for (int c = 0; c < columns; ++c) {
            const int t0 = static_cast<int>(c * perColumn);
            const int t1 = std::max(t0 + 1, static_cast<int>((c + 1) * perColumn));
            double sum = 0;
            for (int t = t0; t < t1 && t < traj.steps; ++t) sum += traj.at(t, 0, b, n);
            map_->data()->setCell(c, n, sum / (t1 - t0));
        }
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int n = 0; n < traj.neurons; ++n)
        ticker->addTick(n, QString::fromStdString(output_->circuit.neurons[static_cast<size_t>(n)].label));
    plot_->yAxis->setTicker(ticker);
    map_->rescaleDataRange(true);
    plot_->rescaleAxes();
    plot_->yAxis->setRange(-0.5, traj.neurons - 0.5);
}

}  // namespace odynn::ui
