#include "editor/stimulus_editor.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QScrollBar>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QUndoStack>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "editor/circuit_commands.hpp"
#include "plots/trace_plots.hpp"

namespace odynn::ui {

namespace {
enum Column { NeuronColumn, ShapeColumn, StartColumn, StopColumn, AmpColumn, EndAmpColumn, PeriodColumn, WidthColumn, ColumnCount };
}

StimulusEditor::StimulusEditor(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent)
    : QWidget(parent), model_(model), undoStack_(undoStack) {
    duration_ = new QDoubleSpinBox(this);
    duration_->setRange(1.0, 1e7);
    duration_->setDecimals(1);
    duration_->setSuffix(tr(" ms"));
    duration_->setKeyboardTracking(false);
    duration_->setToolTip(tr("Simulated time"));
    dt_ = new QDoubleSpinBox(this);
    dt_->setRange(0.001, 10.0);
    dt_->setDecimals(3);
    dt_->setSingleStep(0.05);
    dt_->setSuffix(tr(" ms"));
    dt_->setKeyboardTracking(false);
    dt_->setToolTip(tr("Time step of the circuit (ODYNN's default is 0.1 ms)"));
    dt_->setValue(model_->dt());

    entries_ = new QListWidget(this);
    entries_->setToolTip(tr("Batch entries are simulated side by side; double-click to rename"));
    entries_->setMaximumHeight(90);
    auto* addEntryButton = new QPushButton(tr("Add entry"), this);
    auto* removeEntryButton = new QPushButton(tr("Remove entry"), this);

    sources_ = new QTableWidget(0, ColumnCount, this);
    sources_->setHorizontalHeaderLabels({tr("neuron"), tr("shape"), tr("start (ms)"), tr("stop (ms)"),
                                         tr("amplitude"), tr("ramp end"), tr("period (ms)"), tr("width (ms)")});
    sources_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    sources_->verticalHeader()->setVisible(false);
    sources_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);  // rows as tall as their spin boxes
    sources_->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto* addSourceButton = new QPushButton(tr("Add current"), this);
    auto* importWaveButton = new QPushButton(tr("Import waveform…"), this);
    importWaveButton->setToolTip(tr("A current waveform from a CSV (t in ms and i_inj, or i_<label>), for the first "
                                    "neuron of the selected entry; it starts at 0 ms and is linearly interpolated"));
    auto* removeSourceButton = new QPushButton(tr("Remove current"), this);

    preview_ = new QCustomPlot(this);
    preview_->setMinimumHeight(110);
    preview_->xAxis->setLabel(tr("time (ms)"));
    preview_->yAxis->setLabel(tr("I inj"));

    auto* form = new QFormLayout;
    form->addRow(tr("Duration"), duration_);
    form->addRow(tr("Time step dt"), dt_);
    auto* entryButtons = new QHBoxLayout;
    entryButtons->addWidget(addEntryButton);
    entryButtons->addWidget(removeEntryButton);
    entryButtons->addStretch();
    auto* sourceButtons = new QHBoxLayout;
    sourceButtons->addWidget(addSourceButton);
    sourceButtons->addWidget(importWaveButton);
    sourceButtons->addWidget(removeSourceButton);
    sourceButtons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Batch entries"), this));
    layout->addWidget(entries_);
    layout->addLayout(entryButtons);
    layout->addWidget(new QLabel(tr("Injected currents of the selected entry"), this));
    layout->addWidget(sources_, 1);
    layout->addLayout(sourceButtons);
    layout->addWidget(preview_);

    connect(duration_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (updating_) return;
        spec_.duration = v;
        commit();
    });
    connect(dt_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!updating_ && v != model_->dt()) undoStack_->push(new SetDtCommand(model_, v));
    });
    connect(model_, &CircuitGraphModel::dtChanged, this, [this](double dt) {
        updating_ = true;
        dt_->setValue(dt);
        updating_ = false;
    });
    connect(model_, &CircuitGraphModel::modelReset, this, [this] {
        updating_ = true;
        dt_->setValue(model_->dt());
        updating_ = false;
        refreshSources();
    });
    connect(model_, &CircuitGraphModel::neuronAdded, this, &StimulusEditor::refreshSources);
    connect(model_, &CircuitGraphModel::neuronRemoved, this, &StimulusEditor::refreshSources);
    connect(entries_, &QListWidget::currentRowChanged, this, [this] {
        if (!updating_) refreshSources();
    });
    connect(entries_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const int row = entries_->row(item);
        if (updating_ || row < 0 || row >= spec_.entries.size()) return;
        spec_.entries[row].name = item->text();
        commit();
    });
    connect(addEntryButton, &QPushButton::clicked, this, &StimulusEditor::addEntry);
    connect(removeEntryButton, &QPushButton::clicked, this, [this] { removeEntry(currentEntry()); });
    connect(addSourceButton, &QPushButton::clicked, this, [this] {
        CurrentSource src;
        if (model_->neuronCount() > 0) src.neuron = model_->label(model_->neuronIdAt(0));
        if (spec_.entries.isEmpty()) addEntry();
        addSource(currentEntry(), src);
    });
    connect(importWaveButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import current waveform"), QString(),
                                                          tr("CSV tables (*.csv);;All files (*)"));
        if (path.isEmpty()) return;
        QString error;
        if (!importWaveform(path, &error)) QMessageBox::warning(this, tr("Import current waveform"), error);
    });
    connect(removeSourceButton, &QPushButton::clicked, this, [this] {
        const int e = currentEntry(), row = sources_->currentRow();
        if (e < 0 || row < 0 || row >= spec_.entries[e].sources.size()) return;
        spec_.entries[e].sources.removeAt(row);
        refreshSources();
        commit();
    });
}

void StimulusEditor::setSpec(const StimulusSpec& spec) {
    spec_ = spec;
    updating_ = true;
    duration_->setValue(spec_.duration);
    dt_->setValue(model_->dt());
    updating_ = false;
    refreshEntries();
    emit stimulusChanged();
}

int StimulusEditor::currentEntry() const {
    const int row = entries_->currentRow();
    return row >= 0 && row < spec_.entries.size() ? row : (spec_.entries.isEmpty() ? -1 : 0);
}

void StimulusEditor::addEntry() {
    BatchEntry entry;
    entry.name = tr("entry %1").arg(spec_.entries.size() + 1);
    if (const int e = currentEntry(); e >= 0) entry.sources = spec_.entries[e].sources;  // a copy to vary
    spec_.entries.append(entry);
    refreshEntries();
    entries_->setCurrentRow(static_cast<int>(spec_.entries.size() - 1));
    commit();
}

void StimulusEditor::removeEntry(int index) {
    if (index < 0 || index >= spec_.entries.size()) return;
    spec_.entries.removeAt(index);
    refreshEntries();
    commit();
}

void StimulusEditor::addSource(int entry, const CurrentSource& source) {
    if (entry < 0 || entry >= spec_.entries.size()) return;
    spec_.entries[entry].sources.append(source);
    if (entry == currentEntry()) refreshSources();
    commit();
}

void StimulusEditor::refreshEntries() {
    updating_ = true;
    const int keep = entries_->currentRow();
    entries_->clear();
    for (const BatchEntry& e : spec_.entries) {
        auto* item = new QListWidgetItem(e.name, entries_);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    entries_->setCurrentRow(std::clamp(keep, 0, static_cast<int>(spec_.entries.size()) - 1));
    updating_ = false;
    refreshSources();
}

void StimulusEditor::refreshSources() {
    updating_ = true;
    const int e = currentEntry();
    const QVector<CurrentSource> sources = e >= 0 ? spec_.entries[e].sources : QVector<CurrentSource>();
    sources_->setRowCount(static_cast<int>(sources.size()));
    for (int row = 0; row < sources.size(); ++row) {
        const CurrentSource& s = sources[row];
        auto* neuron = new QComboBox;
        for (NeuronId id : model_->neuronIds()) neuron->addItem(model_->label(id));
        if (neuron->findText(s.neuron) < 0) neuron->addItem(s.neuron);  // keep a dangling label visible
        neuron->setCurrentText(s.neuron);
        auto* shape = new QComboBox;
        for (StimulusShape sh : {StimulusShape::Step, StimulusShape::Ramp, StimulusShape::PulseTrain, StimulusShape::Gaussian})
            shape->addItem(shapeName(sh), static_cast<int>(sh));
        // A waveform comes from a file (Import waveform…), so it is offered only where it is.
        if (s.shape == StimulusShape::Waveform) shape->addItem(shapeName(s.shape), static_cast<int>(s.shape));
        shape->setCurrentIndex(shape->findData(static_cast<int>(s.shape)));
        shape->setToolTip(tr("step; ramp (amplitude to ramp end); pulses (width every period); gaussian (amplitude, "
                             "centred between start and stop, σ = width); waveform (imported samples from start)"));
        sources_->setCellWidget(row, NeuronColumn, neuron);
        sources_->setCellWidget(row, ShapeColumn, shape);
        const double values[] = {s.start, s.stop, s.amplitude, s.endAmplitude, s.period, s.width};
        for (int c = StartColumn; c < ColumnCount; ++c) {
            auto* spin = new QDoubleSpinBox;
            spin->setRange(c == AmpColumn || c == EndAmpColumn ? -1e4 : 0.0, 1e7);
            spin->setDecimals(2);
            spin->setKeyboardTracking(false);
            spin->setValue(values[c - StartColumn]);
            const bool waveform = s.shape == StimulusShape::Waveform;
            const bool used = (c != EndAmpColumn || s.shape == StimulusShape::Ramp) &&
                              (c != PeriodColumn || s.shape == StimulusShape::PulseTrain) &&
                              (c != WidthColumn || s.shape == StimulusShape::PulseTrain ||
                               s.shape == StimulusShape::Gaussian) &&
                              (!waveform || c == StartColumn);
            spin->setEnabled(used);
            sources_->setCellWidget(row, c, spin);
            connect(spin, &QDoubleSpinBox::valueChanged, this, [this, row] { sourceEdited(row); });
        }
        connect(neuron, &QComboBox::currentTextChanged, this, [this, row] { sourceEdited(row); });
        connect(shape, &QComboBox::currentIndexChanged, this, [this, row] {
            sourceEdited(row);
            refreshSources();  // enable the fields the new shape uses
        });
    }
    // Every row whole: the table is as tall as its rows and the editor, in its dock's scroll
    // area, scrolls instead of the table cutting rows off.
    int height = sources_->horizontalHeader()->sizeHint().height() + 2 * sources_->frameWidth() +
                 sources_->horizontalScrollBar()->sizeHint().height();
    sources_->resizeRowsToContents();
    for (int row = 0; row < sources_->rowCount(); ++row) height += sources_->rowHeight(row);
    sources_->setMinimumHeight(std::max(height, 90));
    updating_ = false;
    refreshPreview();
}

void StimulusEditor::sourceEdited(int row) {
    const int e = currentEntry();
    if (updating_ || e < 0 || row >= spec_.entries[e].sources.size()) return;
    CurrentSource& s = spec_.entries[e].sources[row];
    s.neuron = static_cast<QComboBox*>(sources_->cellWidget(row, NeuronColumn))->currentText();
    s.shape = static_cast<StimulusShape>(static_cast<QComboBox*>(sources_->cellWidget(row, ShapeColumn))->currentData().toInt());
    double* fields[] = {&s.start, &s.stop, &s.amplitude, &s.endAmplitude, &s.period, &s.width};
    for (int c = StartColumn; c < ColumnCount; ++c)
        *fields[c - StartColumn] = static_cast<QDoubleSpinBox*>(sources_->cellWidget(row, c))->value();
    refreshPreview();
    commit();
}

bool StimulusEditor::importWaveform(const QString& path, QString* error) {
    try {
        if (spec_.entries.isEmpty()) addEntry();
        const int e = currentEntry();
        QString neuron = model_->neuronCount() > 0 ? model_->label(model_->neuronIdAt(0)) : QString();
        if (e >= 0 && !spec_.entries[e].sources.isEmpty()) neuron = spec_.entries[e].sources.front().neuron;
        const CurrentSource src = CurrentSource::waveformFromCsv(path, neuron);
        if (src.stop > spec_.duration) {
            updating_ = true;
            duration_->setValue(src.stop);  // the whole waveform is simulated
            spec_.duration = src.stop;
            updating_ = false;
        }
        addSource(e, src);
        return true;
    } catch (const std::exception& ex) {
        if (error) *error = QString::fromUtf8(ex.what());
        return false;
    }
}

void StimulusEditor::refreshPreview() {
    preview_->clearGraphs();
    const int e = currentEntry();
    if (e >= 0) {
        const int samples = 800;
        int colour = 0;
        for (const CurrentSource& s : spec_.entries[e].sources) {
            QVector<double> t(samples), v(samples);
            for (int k = 0; k < samples; ++k) {
                t[k] = spec_.duration * k / (samples - 1);
                v[k] = s.at(t[k]);
            }
            QCPGraph* g = preview_->addGraph();
            g->setPen(QPen(curveColour(colour++), 1.5));
            g->setName(s.neuron);
            g->setData(t, v, true);
        }
        preview_->rescaleAxes();
        preview_->yAxis->scaleRange(1.2, preview_->yAxis->range().center());
    }
    preview_->replot(QCustomPlot::rpQueuedReplot);
}

void StimulusEditor::commit() { emit stimulusChanged(); }

}  // namespace odynn::ui
