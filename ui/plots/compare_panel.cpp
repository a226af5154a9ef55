#include "plots/compare_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <qcustomplot.h>

#include "plots/trace_plots.hpp"

namespace odynn::ui {

ComparePanel::ComparePanel(QWidget* parent) : QWidget(parent) {
    list_ = new QListWidget(this);
    list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    list_->setToolTip(tr("Parameter sets to compare; untick one to hide it"));
    list_->setMaximumWidth(220);
    auto* addCurrent = new QPushButton(tr("Add circuit"), this);
    addCurrent->setToolTip(tr("Add the circuit's parameters as they are now"));
    auto* addBest = new QPushButton(tr("Add best fit"), this);
    addBest->setToolTip(tr("Add the best set of the last fit"));
    auto* remove = new QPushButton(tr("Remove"), this);
    remove->setToolTip(tr("Remove the selected sets"));
    neuron_ = new QComboBox(this);
    neuron_->setToolTip(tr("Neuron whose trace is compared"));
    batch_ = new QComboBox(this);
    batch_->setToolTip(tr("Stimulus entry every set receives"));
    quantity_ = new QComboBox(this);
    quantity_->addItems({tr("V (mV)"), tr("Ca (model units)")});
    showTarget_ = new QCheckBox(tr("Target"), this);
    showTarget_->setChecked(true);
    showTarget_->setToolTip(tr("Overlay the loaded target trace (dashed)"));
    plot_ = new QCustomPlot(this);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->xAxis->setLabel(tr("time (ms)"));
    plot_->legend->setVisible(true);
    plot_->legend->setFont(QFont(font().family(), 8));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    auto* side = new QVBoxLayout;
    side->addWidget(list_, 1);
    side->addWidget(addCurrent);
    side->addWidget(addBest);
    side->addWidget(remove);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Neuron:"), this));
    controls->addWidget(neuron_, 1);
    controls->addWidget(new QLabel(tr("Stimulus:"), this));
    controls->addWidget(batch_, 1);
    controls->addWidget(quantity_);
    controls->addWidget(showTarget_);
    hint_ = new QLabel(tr("Nothing to compare yet: <b>Add circuit</b> adds the circuit's parameters as they are now; "
                          "edit the circuit and add it again, or <b>Add best fit</b> after a fit. Every set is simulated "
                          "on the chosen stimulus and drawn here."),
                       this);
    hint_->setWordWrap(true);
    auto* right = new QVBoxLayout;
    right->addLayout(controls);
    right->addWidget(hint_);
    right->addWidget(plot_, 1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(side);
    layout->addLayout(right, 1);

    connect(addCurrent, &QPushButton::clicked, this, &ComparePanel::requestCurrentCircuit);
    connect(addBest, &QPushButton::clicked, this, &ComparePanel::requestBestFit);
    connect(remove, &QPushButton::clicked, this, &ComparePanel::removeSelected);
    connect(list_, &QListWidget::itemChanged, this, &ComparePanel::redraw);
    for (QComboBox* box : {neuron_, batch_, quantity_}) connect(box, &QComboBox::currentIndexChanged, this, &ComparePanel::redraw);
    connect(showTarget_, &QCheckBox::toggled, this, &ComparePanel::redraw);
    connect(&watcher_, &QFutureWatcher<Result>::finished, this, [this] {
        result_ = watcher_.result();
        if (again_) {
            again_ = false;
            refresh();
        }
        redraw();
    });
}

ComparePanel::~ComparePanel() { watcher_.waitForFinished(); }

void ComparePanel::setTarget(const std::optional<TargetTrace>& target) {
    target_ = target;
    redraw();
}

void ComparePanel::addSet(const QString& name, const Circuit& circuit) {
    sets_.push_back({name, circuit});
    auto* item = new QListWidgetItem(name, list_);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
    item->setForeground(curveColour(static_cast<int>(sets_.size()) - 1));
    updateNeurons();
    refresh();
}

void ComparePanel::removeSelected() {
    for (int k = list_->count() - 1; k >= 0; --k)
        if (list_->item(k)->isSelected()) {
            delete list_->takeItem(k);
            sets_.erase(sets_.begin() + k);
        }
    result_.reset();  // its traces are indexed by the old list
    updateNeurons();
    refresh();
}

void ComparePanel::updateNeurons() {
    const QString previous = neuron_->currentText();
    QSignalBlocker block(neuron_);
    neuron_->clear();
    if (!sets_.empty())
        for (const Neuron& n : sets_.front().circuit.neurons) neuron_->addItem(QString::fromStdString(n.label));
    if (const int k = neuron_->findText(previous); k >= 0) neuron_->setCurrentIndex(k);
}

void ComparePanel::refresh() {
    if (!stimulus_) return;
    if (watcher_.isRunning()) {
        again_ = true;  // the newest request runs when this one ends
        return;
    }
    std::vector<std::pair<Circuit, Stimulus>> jobs;
    for (const Set& s : sets_) jobs.emplace_back(s.circuit, stimulus_(s.circuit));
    const int entries = jobs.empty() ? 0 : jobs.front().second.batch;
    {
        QSignalBlocker block(batch_);
        const int previous = batch_->currentIndex();
        batch_->clear();
        for (int b = 0; b < entries; ++b) batch_->addItem(tr("entry %1").arg(b + 1));
        batch_->setCurrentIndex(std::clamp(previous, 0, std::max(0, entries - 1)));
    }
    watcher_.setFuture(QtConcurrent::run([jobs]() {
        Result r;
        SimulationOptions o;
        o.record = Record::VoltageCalcium;
        o.threads = 1;  // several small jobs; leave the other cores to the window and a fit
        for (const auto& [circuit, stimulus] : jobs) {
            try {
                r.traces.push_back(simulate(circuit, stimulus, o).sets.front());
            } catch (const std::exception&) {
                r.traces.emplace_back();  // a set that cannot run is left out of the figure
            }
            r.dt.push_back(circuit.dt);
        }
        return r;
    }));
}

int ComparePanel::curveCount() const { return plot_->graphCount(); }

void ComparePanel::redraw() {
    hint_->setVisible(list_->count() == 0);
    plot_->clearGraphs();
    const bool calcium = quantity_->currentIndex() == 1;
    plot_->yAxis->setLabel(calcium ? tr("Ca (model units)") : tr("V (mV)"));
    const std::string label = neuron_->currentText().toStdString();
    const int b = std::max(0, batch_->currentIndex());
    if (result_) {
        for (size_t s = 0; s < sets_.size() && s < result_->traces.size(); ++s) {
            const Trajectory& tr = result_->traces[s];
            const int n = sets_[s].circuit.neuronIndex(label);
            if (list_->item(static_cast<int>(s))->checkState() != Qt::Checked || tr.steps == 0 || n < 0 || b >= tr.batch)
                continue;
            QVector<double> t(tr.steps), v(tr.steps);
            for (int k = 0; k < tr.steps; ++k) {
                t[k] = (k + 1) * result_->dt[s];
                v[k] = tr.at(k, calcium ? 1 : 0, b, n);
            }
            QCPGraph* g = plot_->addGraph();
            g->setName(sets_[s].name);
            g->setPen(QPen(curveColour(static_cast<int>(s)), 1.6));
            g->setData(t, v, true);
        }
    }
    if (target_ && showTarget_->isChecked())
        for (const TargetColumn& c : target_->columns) {
            if (c.calcium != calcium || c.neuron.toStdString() != label) continue;
            QCPGraph* g = plot_->addGraph();
            g->setName(tr("target"));
            g->setPen(QPen(Qt::black, 1.3, Qt::DashLine));
            g->setData(QVector<double>(target_->time.begin(), target_->time.end()),
                       QVector<double>(c.values.begin(), c.values.end()), true);
        }
    plot_->rescaleAxes();
    plot_->yAxis->scaleRange(1.1);
    plot_->legend->setVisible(plot_->graphCount() > 0);  // no empty box while nothing is drawn
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit drawn();
}

}  // namespace odynn::ui
