#pragma once
// Builds the stimuli: batch entries (simulated side by side), each a list of current sources
// (step, ramp or pulse train into one neuron), the duration, and the circuit's time step.
#include <QWidget>

#include "editor/circuit_graph_model.hpp"
#include "editor/stimulus_spec.hpp"

class QUndoStack;
class QListWidget;
class QTableWidget;
class QDoubleSpinBox;
class QCustomPlot;

namespace odynn::ui {

class StimulusEditor : public QWidget {
    Q_OBJECT
public:
    StimulusEditor(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent = nullptr);

    const StimulusSpec& spec() const { return spec_; }
    void setSpec(const StimulusSpec& spec);

    // Editing helpers, also used by tests.
    void addEntry();
    void removeEntry(int index);
    void addSource(int entry, const CurrentSource& source);
    // Import waveform…: a CSV current (t, i_inj) as a waveform source of the selected entry,
    // lengthening the duration to hold it; false with the message on error.
    bool importWaveform(const QString& path, QString* error = nullptr);
    int currentEntry() const;
    QTableWidget* sourcesTable() const { return sources_; }

signals:
    void stimulusChanged();

private:
    void refreshEntries();
    void refreshSources();
    void refreshPreview();
    void sourceEdited(int row);
    void commit();

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    StimulusSpec spec_;
    QDoubleSpinBox* duration_;
    QDoubleSpinBox* dt_;
    QListWidget* entries_;
    QTableWidget* sources_;
    QCustomPlot* preview_;
    bool updating_ = false;
};

}  // namespace odynn::ui
