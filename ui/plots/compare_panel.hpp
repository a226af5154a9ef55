#pragma once
// Compares parameter sets on the same stimulus: the user collects sets (the circuit as it is
// now, the best set of a fit, …), picks a neuron and a stimulus entry, and sees every set's
// trace overlaid in one figure, optionally with the loaded target trace. The sets are
// simulated in the background.
#include <QFutureWatcher>
#include <QWidget>
#include <functional>
#include <optional>
#include <vector>

#include "odynn/simulator.hpp"
#include "import/target_trace.hpp"

class QCustomPlot;
class QLabel;
class QListWidget;
class QComboBox;
class QCheckBox;
class QPushButton;

namespace odynn::ui {

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    using StimulusBuilder = std::function<Stimulus(const Circuit&)>;
    explicit ComparePanel(QWidget* parent = nullptr);
    ~ComparePanel() override;

    void setStimulusBuilder(StimulusBuilder builder) { stimulus_ = std::move(builder); }
    void setTarget(const std::optional<TargetTrace>& target);
    void addSet(const QString& name, const Circuit& circuit);
    void removeSelected();
    int setCount() const { return static_cast<int>(sets_.size()); }
    void refresh();        // simulate every set again (after a stimulus change)

    QCustomPlot* plot() const { return plot_; }
    QComboBox* neuronBox() const { return neuron_; }
    int curveCount() const;  // curves drawn, target included

signals:
    void requestCurrentCircuit();  // the window answers with addSet()
    void requestBestFit();
    void drawn();                  // a new figure is on screen

private:
    struct Set {
        QString name;
        Circuit circuit;
    };
    struct Result {
        std::vector<Trajectory> traces;  // one per set, V and Ca
        std::vector<double> dt;
    };
    void redraw();
    void updateNeurons();

    std::vector<Set> sets_;
    StimulusBuilder stimulus_;
    std::optional<TargetTrace> target_;
    std::optional<Result> result_;
    QFutureWatcher<Result> watcher_;
    bool again_ = false;

    QListWidget* list_;
    QComboBox* neuron_;
    QComboBox* batch_;
    QComboBox* quantity_;
    QCheckBox* showTarget_;
    QCustomPlot* plot_;
    QLabel* hint_;  // what to do while no set is listed
};

}  // namespace odynn::ui
