#pragma once
// Every neuron's membrane potential over time as a colour map (rows: neurons, in circuit
// order; columns: time), for one batch entry.
#include <QWidget>
#include <optional>

#include "simulation_worker.hpp"

class QCustomPlot;
class QCPColorMap;
class QComboBox;

namespace odynn::ui {

class VoltageHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit VoltageHeatmap(QWidget* parent = nullptr);
    void setOutput(const SimulationOutput& output);
    QCustomPlot* plot() const { return plot_; }
    QCPColorMap* colorMap() const { return map_; }

private:
    void rebuild();
    QCustomPlot* plot_;
    QCPColorMap* map_;
    QComboBox* batch_;
    std::optional<SimulationOutput> output_;
};

}  // namespace odynn::ui
