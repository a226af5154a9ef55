#pragma once
// Every neuron's membrane potential over time as a colour map (rows: neurons; columns: time),
// for one batch entry. Rows can be grouped by role or by neuron class (AVAL and AVAR are class
// AVA, VA1..VA12 class VA) so a 300-neuron circuit reads as blocks; the neuron labels on the
// left are thinned to what fits, Shift+wheel zooms into rows, and hovering names the cell.
#include <QStringList>
#include <QWidget>
#include <optional>
#include <vector>

#include "window/simulation_worker.hpp"

class QCustomPlot;
class QCPColorMap;
class QComboBox;
class QMouseEvent;

namespace odynn::ui {

class VoltageHeatmap : public QWidget {
    Q_OBJECT
public:
    enum class Grouping { CircuitOrder, Role, NeuronClass };

    explicit VoltageHeatmap(QWidget* parent = nullptr);
    void setGrouping(Grouping grouping);
    Grouping grouping() const;
    // Neuron index (circuit order) of each row, top row first.
    const std::vector<int>& rowOrder() const { return order_; }
    // The labels on the neuron axis as last drawn (thinned when rows are dense).
    QStringList visibleLabels() const;
    QComboBox* groupingBox() const { return grouping_; }
    // "AVA" for AVAL, "VA" for VA12, "RMD" for RMDDL: the usual C. elegans class of a name.
    static QString neuronClass(const QString& label);
    void setOutput(const SimulationOutput& output);
    QCustomPlot* plot() const { return plot_; }
    QCPColorMap* colorMap() const { return map_; }

private:
    void rebuild();
    void updateLabels();   // neuron ticks for the current zoom and height
    void showCellTip(QMouseEvent* event);
    QCustomPlot* plot_;
    QCPColorMap* map_;
    QComboBox* batch_;
    QComboBox* grouping_;
    std::vector<int> order_;                  // row -> neuron index
    std::vector<std::pair<int, QString>> groups_;  // first row of each group and its name
    std::optional<SimulationOutput> output_;
};

}  // namespace odynn::ui
