#pragma once
// ODYNN's figures after a fit: box plots of every parameter across the final population
// (each scaled to its random-initialisation range so all share one axis), the correlation
// between parameters across the population as a heatmap, and the best set's traces against
// the targets on the training and the test data.
#include <QTabWidget>
#include <optional>

#include "fit/fit_worker.hpp"

class QCustomPlot;

namespace odynn::ui {

class FitResultPlots : public QTabWidget {
    Q_OBJECT
public:
    explicit FitResultPlots(QWidget* parent = nullptr);

    void clear();
    void setResult(const FitOutcome& outcome, const Circuit& circuit, const FitDataset& train,
                   const std::optional<FitDataset>& test);

    QCustomPlot* boxPlot() const { return box_; }
    QCustomPlot* correlationPlot() const { return correlation_; }
    QCustomPlot* tracePlot() const { return traces_; }
    int boxCount() const { return boxCount_; }
    int correlationSize() const { return correlationSize_; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    // Figures are drawn when seen: a hidden tab's replot would only cost GUI time.
    void replotCurrent();
    void drawBoxes(const FitOutcome& outcome, const Circuit& circuit, const std::vector<int>& varied);
    void drawCorrelation(const FitOutcome& outcome, const std::vector<int>& varied);
    void drawTraces(const FitOutcome& outcome, const Circuit& circuit, const FitDataset& train,
                    const std::optional<FitDataset>& test);

    QCustomPlot* box_;
    QCustomPlot* correlation_;
    QCustomPlot* traces_;
    int boxCount_ = 0;
    int correlationSize_ = 0;
};

}  // namespace odynn::ui
