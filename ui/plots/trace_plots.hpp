#pragma once
// Stacked plots of a simulation for the chosen neurons: membrane potential, calcium, gating
// variables, currents (ionic; synaptic and gap in a circuit) and injected current, one axis rect each with linked time axes. Redraws on a
// timer at a bounded rate, never once per update.
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <optional>

#include "window/simulation_worker.hpp"

class QCustomPlot;
class QCPAxisRect;
class QCPLegend;
class QComboBox;
class QCheckBox;
class QLabel;
class QMouseEvent;

namespace odynn::ui {

class TracePlots : public QWidget {
    Q_OBJECT
public:
    explicit TracePlots(QWidget* parent = nullptr);

    // The stimulus menu lists the output's stimulus entries, then its recorded entries (each
    // target driven by its own input current, the target drawn dashed on its own neuron).
    void setOutput(const SimulationOutput& output);
    // The next output shows recorded entry `entry` (a target just loaded).
    void showRecordedEntry(int entry);
    QComboBox* stimulusBox() const { return batch_; }
    // Neurons to plot (labels); empty: the first few neurons.
    void setNeurons(const QStringList& labels);

    QCustomPlot* plot() const { return plot_; }
    QCheckBox* currentsBox() const { return showCurrents_; }
    int graphCount() const;            // for tests: curves currently drawn
    QString readout() const;           // the hover read-out line
    void redrawNow();                  // rebuild and replot immediately
    // Neurons drawn now: the chosen ones, else the first few of the output's circuit.
    QStringList shownNeurons() const;
    static constexpr int defaultNeuronCount = 6;

signals:
    // Gates or currents are to be drawn for neurons whose states the last run did not record
    // (they were chosen after it): a new run with them on screen has them.
    void statesNotRecorded(const QStringList& labels);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Panel {
        QCPAxisRect* rect = nullptr;
        QCPLegend* legend = nullptr;
    };
    void scheduleRedraw() { dirty_ = true; }
    void rebuild();
    void updateReadout(QMouseEvent* event);
    static QString hoverHint();

    QCustomPlot* plot_;
    QComboBox* batch_;
    QCheckBox* showV_;
    QCheckBox* showCa_;
    QCheckBox* showGates_;
    QCheckBox* showCurrents_;
    QCheckBox* showCurrent_;
    QLabel* readout_;
    QTimer redrawTimer_;
    bool dirty_ = false;

    std::optional<SimulationOutput> output_;
    int wantedRecording_ = -1;  // recorded entry to select when the next output arrives
    bool readoutWarns_ = false;  // the read-out line says that states were not recorded
    QStringList neurons_;
};

// A colour per curve index, distinct and readable on white.
QColor curveColour(int index);

}  // namespace odynn::ui
