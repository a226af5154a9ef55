#pragma once
// Stacked plots of a simulation for the chosen neurons: membrane potential, calcium, gating
// variables, currents (ionic; synaptic and gap in a circuit) and injected current, one axis rect each with linked time axes. Redraws on a
// timer at a bounded rate, never once per update.
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <optional>

#include "window/simulation_worker.hpp"
#include "import/target_trace.hpp"

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

    void setOutput(const SimulationOutput& output);
    void setTarget(const TargetTrace& target);  // drawn dashed over V or Ca
    void clearTarget();
    // Neurons to plot (labels); empty: the first few neurons.
    void setNeurons(const QStringList& labels);

    QCustomPlot* plot() const { return plot_; }
    QCheckBox* currentsBox() const { return showCurrents_; }
    int graphCount() const;            // for tests: curves currently drawn
    QString readout() const;           // the hover read-out line
    void redrawNow();                  // rebuild and replot immediately

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
    QStringList shownNeurons() const;

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
    std::optional<TargetTrace> target_;
    QStringList neurons_;
};

// A colour per curve index, distinct and readable on white.
QColor curveColour(int index);

}  // namespace odynn::ui
