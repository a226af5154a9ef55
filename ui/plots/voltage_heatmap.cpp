#include "plots/voltage_heatmap.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace odynn::ui {

QString VoltageHeatmap::neuronClass(const QString& label) {
    QString c = label;
    while (!c.isEmpty() && c.back().isDigit()) c.chop(1);  // VA12 -> VA, DD1 -> DD
    if (c.isEmpty()) return label;
    // Left/right: AVAL -> AVA; I1L -> I1. Kept where it would leave two letters (AVL, PVR).
    if ((c.endsWith(QLatin1Char('L')) || c.endsWith(QLatin1Char('R'))) && c.size() >= 3) {
        const QString rest = c.left(c.size() - 1);
        if (rest.size() >= 3 || std::any_of(rest.begin(), rest.end(), [](QChar ch) { return ch.isDigit(); })) c = rest;
    }
    // Dorsal/ventral pairs of four-fold classes: RMDD -> RMD, URYV -> URY, IL2D -> IL2.
    if ((c.endsWith(QLatin1Char('D')) || c.endsWith(QLatin1Char('V'))) && c.size() >= 4) c.chop(1);
    return c;
}

VoltageHeatmap::VoltageHeatmap(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot(this);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    plot_->xAxis->setLabel(tr("time (ms)"));
    plot_->yAxis->setLabel(tr("neuron"));
    plot_->yAxis->setRangeReversed(true);  // first row at the top, read like a list
    plot_->yAxis->setTickLength(0, 2);
    plot_->yAxis->setSubTicks(false);
    plot_->yAxis2->setRangeReversed(true);
    plot_->yAxis2->setTickLength(0, 0);
    plot_->yAxis2->setSubTicks(false);
    plot_->yAxis2->setBasePen(Qt::NoPen);
    plot_->setMouseTracking(true);
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);
    auto* scale = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(0, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->axis()->setLabel(tr("membrane potential V (mV)"));
    scale->setBarWidth(12);
    map_->setColorScale(scale);
    map_->setGradient(QCPColorGradient::gpThermal);
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    batch_ = new QComboBox(this);
    grouping_ = new QComboBox(this);
    grouping_->addItem(tr("circuit order"), static_cast<int>(Grouping::CircuitOrder));
    grouping_->addItem(tr("by role"), static_cast<int>(Grouping::Role));
    grouping_->addItem(tr("by neuron class"), static_cast<int>(Grouping::NeuronClass));
    grouping_->setCurrentIndex(1);
    grouping_->setToolTip(tr("Row order: as in the circuit, sensory / inter / command blocks, or classes such as "
                             "AVA (AVAL, AVAR) and VA (VA1–VA12)"));
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Stimulus:"), this));
    controls->addWidget(batch_, 1);
    controls->addWidget(new QLabel(tr("Rows:"), this));
    controls->addWidget(grouping_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addWidget(plot_, 1);
    connect(batch_, &QComboBox::currentIndexChanged, this, [this] {
        rebuild();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    connect(grouping_, &QComboBox::currentIndexChanged, this, [this] {
        rebuild();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    // Labels depend on the pixels per row: recomputed before every replot (zoom, resize).
    connect(plot_, &QCustomPlot::beforeReplot, this, &VoltageHeatmap::updateLabels);
    // Wheel zooms time; Shift+wheel zooms rows, so a few neurons of 300 can be read in full.
    connect(plot_, &QCustomPlot::mouseWheel, this, [this](QWheelEvent* e) {
        plot_->axisRect()->setRangeZoom(e->modifiers() & Qt::ShiftModifier ? Qt::Vertical : Qt::Horizontal);
    });
    connect(plot_, &QCustomPlot::mouseMove, this, &VoltageHeatmap::showCellTip);
    plot_->setToolTip(tr("Wheel: zoom time; Shift+wheel: zoom rows; drag: pan"));
}

void VoltageHeatmap::setGrouping(Grouping grouping) { grouping_->setCurrentIndex(grouping_->findData(static_cast<int>(grouping))); }

VoltageHeatmap::Grouping VoltageHeatmap::grouping() const { return static_cast<Grouping>(grouping_->currentData().toInt()); }

QStringList VoltageHeatmap::visibleLabels() const {
    QStringList labels;
    if (auto ticker = plot_->yAxis->ticker().dynamicCast<QCPAxisTickerText>()) {
        const QCPRange range = plot_->yAxis->range();
        for (auto it = ticker->ticks().constBegin(); it != ticker->ticks().constEnd(); ++it)
            if (range.contains(it.key())) labels << it.value();
    }
    return labels;
}

void VoltageHeatmap::updateLabels() {
    if (!output_ || order_.empty()) return;
    const std::vector<Neuron>& neurons = output_->circuit.neurons;
    const int rows = static_cast<int>(order_.size());
    const QCPRange range = plot_->yAxis->range();
    // Called before the layout of this replot: the viewport is current, the margins are
    // those of the last layout (they barely change), the axis rect's own height may be stale.
    const QRect outer = plot_->axisRect()->outerRect();
    const int margins = outer.height() > 0 ? outer.height() - plot_->axisRect()->height() : 0;
    const double height = std::max(1, plot_->viewport().height() - margins);
    const double pxPerRow = height / std::max(1.0, range.size());
    // Small labels once rows get dense; a label needs its font height plus a pixel.
    QFont font = plot_->font();
    font.setPointSizeF(pxPerRow < 14 ? 7.5 : 9);
    plot_->yAxis->setTickLabelFont(font);
    plot_->yAxis2->setTickLabelFont(font);
    const double needRows = (QFontMetricsF(font).height() + 1) / pxPerRow;  // rows between two labels
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    auto label = [&](int row) { return QString::fromStdString(neurons[static_cast<size_t>(order_[static_cast<size_t>(row)])].label); };
    if (needRows <= 1.0) {
        for (int r = 0; r < rows; ++r) ticker->addTick(r, label(r));
    } else if (grouping() == Grouping::NeuronClass && groups_.size() > 1) {
        // Too dense for names: one label per class (its first row), skipping classes that would overlap.
        double last = -1e9;
        for (const auto& [first, name] : groups_)
            if (first - last >= needRows) {
                ticker->addTick(first, name);
                last = first;
            }
    } else {
        // Every k-th row, counted from the top of the view so panning keeps labels steady.
        const int step = static_cast<int>(std::ceil(needRows));
        for (int r = 0; r < rows; r += step) ticker->addTick(r, label(r));
    }
    plot_->yAxis->setTicker(ticker);

    // Group names on the right where rows are grouped by role (few, large blocks).
    auto groupTicker = QSharedPointer<QCPAxisTickerText>::create();
    if (grouping() == Grouping::Role) {
        double last = -1e9;
        for (size_t g = 0; g < groups_.size(); ++g) {
            const int first = groups_[g].first;
            const int end = g + 1 < groups_.size() ? groups_[g + 1].first : rows;
            const double centre = 0.5 * (first + end - 1);
            if (centre - last < needRows) continue;  // would overlap the previous name
            groupTicker->addTick(centre, QStringLiteral("%1 (%2)").arg(groups_[g].second).arg(end - first));
            last = centre;
        }
    }
    plot_->yAxis2->setTicker(groupTicker);
    plot_->yAxis2->setTickLabels(grouping() == Grouping::Role);
    plot_->yAxis2->setVisible(grouping() == Grouping::Role);
    plot_->yAxis2->setRange(range);
}

void VoltageHeatmap::showCellTip(QMouseEvent* event) {
    if (!output_ || order_.empty() || !plot_->axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const int row = static_cast<int>(std::lround(plot_->yAxis->pixelToCoord(event->pos().y())));
    const double t = plot_->xAxis->pixelToCoord(event->pos().x());
    if (row < 0 || row >= static_cast<int>(order_.size())) return;
    const Neuron& n = output_->circuit.neurons[static_cast<size_t>(order_[static_cast<size_t>(row)])];
    const double v = map_->data()->data(t, row);
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1 (%2)\nt = %3 ms\nV = %4 mV")
                           .arg(QString::fromStdString(n.label), QString::fromLatin1(roleName(n.role)))
                           .arg(t, 0, 'f', 1)
                           .arg(v, 0, 'f', 1),
                       plot_);
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
    if (!output_ || output_->trajectory.steps == 0) {
        map_->data()->clear();  // File > New: no stale picture of the previous circuit
        return;
    }
    const Trajectory& traj = output_->trajectory;
    const int b = std::clamp(batch_->currentIndex(), 0, traj.batch - 1);
    // At most 1500 columns: each column averages a block of consecutive steps.
    const int columns = std::min(traj.steps, 1500);
    const double perColumn = static_cast<double>(traj.steps) / columns;
    map_->data()->setSize(columns, traj.neurons);
    map_->data()->setRange(QCPRange(output_->timeAt(0), output_->timeAt(traj.steps - 1)),
                           QCPRange(0, std::max(0, traj.neurons - 1)));

    // Row order and groups. Within a group, classes stay together and left/right pairs adjacent.
    const std::vector<Neuron>& neurons = output_->circuit.neurons;
    const Grouping mode = grouping();
    auto groupOf = [&](int n) {
        const Neuron& neuron = neurons[static_cast<size_t>(n)];
        if (mode == Grouping::Role) return QString::fromLatin1(roleName(neuron.role));
        if (mode == Grouping::NeuronClass) return neuronClass(QString::fromStdString(neuron.label));
        return QString();
    };
    auto roleRank = [](Role r) { return static_cast<int>(r); };  // sensory, inter, command, motor
    order_.resize(static_cast<size_t>(traj.neurons));
    for (int n = 0; n < traj.neurons; ++n) order_[static_cast<size_t>(n)] = n;
    if (mode != Grouping::CircuitOrder) {
        std::vector<QString> cls(static_cast<size_t>(traj.neurons));
        for (int n = 0; n < traj.neurons; ++n) cls[static_cast<size_t>(n)] = neuronClass(QString::fromStdString(neurons[static_cast<size_t>(n)].label));
        std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
            const Neuron &na = neurons[static_cast<size_t>(a)], &nb = neurons[static_cast<size_t>(b)];
            if (mode == Grouping::Role && roleRank(na.role) != roleRank(nb.role)) return roleRank(na.role) < roleRank(nb.role);
            if (cls[static_cast<size_t>(a)] != cls[static_cast<size_t>(b)]) return cls[static_cast<size_t>(a)] < cls[static_cast<size_t>(b)];
            return na.label < nb.label;
        });
    }
    groups_.clear();
    if (mode != Grouping::CircuitOrder)
        for (int r = 0; r < traj.neurons; ++r) {
            const QString g = groupOf(order_[static_cast<size_t>(r)]);
            if (groups_.empty() || groups_.back().second != g) groups_.emplace_back(r, g);
        }
    plot_->clearItems();
    for (size_t g = 1; g < groups_.size(); ++g) {
        // Role blocks get a clear line; class boundaries a faint one (there are about a hundred).
        auto* line = new QCPItemStraightLine(plot_);
        line->setPen(mode == Grouping::Role ? QPen(Qt::white, 1.5) : QPen(QColor(255, 255, 255, 90), 0.6));
        line->point1->setCoords(0, groups_[g].first - 0.5);
        line->point2->setCoords(1, groups_[g].first - 0.5);
    }

    for (int r = 0; r < traj.neurons; ++r) {
        const int n = order_[static_cast<size_t>(r)];
        for (int c = 0; c < columns; ++c) {
            const int t0 = static_cast<int>(c * perColumn);
            const int t1 = std::max(t0 + 1, static_cast<int>((c + 1) * perColumn));
            double sum = 0;
            for (int t = t0; t < t1 && t < traj.steps; ++t) sum += traj.at(t, 0, b, n);
            map_->data()->setCell(c, r, sum / (t1 - t0));
        }
    }
    map_->rescaleDataRange(true);
    plot_->rescaleAxes();
    plot_->yAxis->setRange(-0.5, traj.neurons - 0.5);
    updateLabels();
}

}  // namespace odynn::ui
