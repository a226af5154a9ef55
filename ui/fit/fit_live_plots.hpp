#pragma once
// The live view of a running fit, four panels in one plot redrawn at most 10 times a second:
// the loss of every parameter set per epoch on a log axis (the best set in red, test losses
// as dots), the learning rate, the best set's trace against the target, and the evolution of
// the best set's parameters (each scaled to its random-initialisation range, so parameters of
// different units share one axis).
#include <QTimer>
#include <QWidget>
#include <vector>

#include "fit/fit_worker.hpp"

class QCustomPlot;
class QCPAxisRect;
class QCPGraph;

namespace odynn::ui {

class FitLivePlots : public QWidget {
    Q_OBJECT
public:
    explicit FitLivePlots(QWidget* parent = nullptr);

    // A new run of `sets` parameter sets: clears the curves and keeps the target to draw.
    void reset(int sets, const Circuit& circuit, const FitDataset& train, const LossWeights& weights);
    void addEpoch(const FitProgress& progress);

    QCustomPlot* plot() const { return plot_; }
    int lossPointCount() const;         // loss points drawn so far, all sets together
    int bestTraceUpdates() const { return traceUpdates_; }
    int replotCount() const { return replots_; }
    QCPAxisRect* learningRatePanel() const { return lrRect_; }
    // Data has arrived that the next tick of the redraw timer (within 100 ms) will draw.
    bool redrawPending() const { return dirty_; }

private:
    QCPAxisRect* addPanel(int row, int column, const QString& x, const QString& y);

    QCustomPlot* plot_;
    QCPAxisRect* lossRect_;
    QCPAxisRect* lrRect_;
    QCPAxisRect* traceRect_;
    QCPAxisRect* paramRect_;
    std::vector<QCPGraph*> lossGraphs_;
    QCPGraph* testGraph_ = nullptr;
    QCPGraph* lrGraph_ = nullptr;
    QCPGraph* traceGraph_ = nullptr;
    QCPGraph* targetGraph_ = nullptr;
    std::vector<QCPGraph*> paramGraphs_;
    std::vector<int> paramIndex_;       // layout index of each parameter curve
    std::vector<double> paramLow_, paramHigh_;
    int previousBest_ = -1;
    double largestRate_ = 0;  // of the run, for the learning-rate axis
    int traceNeuron_ = 0, traceState_ = 0;  // state 0: V, 1: Ca
    double dt_ = 0.1;
    int traceUpdates_ = 0;
    int replots_ = 0;
    QTimer redrawTimer_;
    bool dirty_ = false;
};

// Parameters drawn on a shared axis: a value's place in its random-initialisation range.
double scaledToRange(double value, double low, double high);

}  // namespace odynn::ui
