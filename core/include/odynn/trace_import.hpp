#pragma once
// Calcium-imaging recordings as fitting data (SPEC section 5).
//
// A recording (e.g. AVAL1.csv: trace, inputCurrent, timeVector in s) is scaled as ODYNN does
// (time x1000 to ms, trace x10, current x10), optionally turned from fluorescence into calcium
// with a Hill equation, cut to a window, and resampled to the model's dt with a smoothing
// spline (ODYNN: scipy.interpolate.splrep(t, y, s=0.25) then splev for the trace, s = 0 for
// the current).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "odynn/smoothing_spline.hpp"

namespace odynn {

// Values of the smoothing spline through (time, values) at time[0] + k*dt, k = 0.. while the
// point is within the samples (time[0] + k*dt <= time.back()). Units of time and dt agree.
std::vector<double> resample(const std::vector<double>& time, const std::vector<double>& values, double dt,
                             double smoothing, const SmoothingSpline::Progress& progress = {});

// Fluorescence to calcium concentration (Hill): cac = max(0, -k*F/(F - alpha))^(1/n).
struct HillParams {
    double k = 189e-6, n = 3.8, alpha = 2.0;
};
double hillCalcium(double fluorescence, const HillParams& p = {});

// A recording as read from its file (file units).
struct RawTrace {
    std::string source;
    std::vector<double> time, trace, current;
};
// Columns `timeVector`, `trace`, `inputCurrent` (other columns ignored). Throws InputError
// naming file, line and field for a missing column, a non-numeric cell, fewer than 4 rows or
// time that does not strictly increase.
RawTrace readTraceCsv(const std::string& path);
RawTrace parseTraceCsv(const std::string& text, const std::string& sourceName);

struct TraceImportOptions {
    double dt = 0.1;              // ms, the model's time step
    double timeScale = 1000;      // file time unit -> ms (s -> ms)
    double traceScale = 10;       // ODYNN's x10 on the fluorescence trace
    double currentScale = 10;     // ODYNN's x10 on the input current
    bool hill = false;            // cac = hillCalcium(trace * traceScale)
    HillParams hillParams;
    double traceSmoothing = 0.25;   // splrep s for the trace (ODYNN)
    double currentSmoothing = 0.0;  // splrep s for the current (ODYNN: interpolation)
    // [start, end] in ms of the scaled time axis; the samples inside it are fitted and the
    // result starts at t = 0. Without it, the whole recording.
    std::optional<std::pair<double, double>> window;
};

// Fitting data: t = 0, dt, 2dt, ... (ms), injected current and calcium target.
struct ImportedTrace {
    std::vector<double> t, current, cac;
};
// Throws InputError (source, field "window" or "dt") for a window outside the recording, a
// window holding fewer than 4 samples, or a non-positive dt.
ImportedTrace importTrace(const RawTrace& raw, const TraceImportOptions& options,
                          const SmoothingSpline::Progress& progress = {});
// The number of rows importTrace gives for these options, without resampling (for previews).
// Throws what importTrace throws for the window and dt.
size_t importedStepCount(const RawTrace& raw, const TraceImportOptions& options);

// ODYNN's own preparation of a calcium recording (datas.get_real_data(delta=500,
// final_time=4000, dt)): the first 3,100 samples, 8 ms apart (the file's time column is not
// used), trace and current x10. Training: for window starts 0, 0, 420, 1140, 2400, the 500
// samples from the start (t from 0) give the trace smoothed by splrep(s=0.25) and the current
// interpolated by splrep(s=0), evaluated at numpy.arange(0, 4000, dt) (the last 8 ms extend the
// end pieces, as splev does). Test: all 3,100 samples the same way over arange(0, 24800, dt).
struct OdynnRealData {
    std::vector<ImportedTrace> train;  // 5 batch entries
    ImportedTrace test;
};
// Throws InputError (source, field "trace") for fewer than 3,100 samples, ("dt") for dt <= 0.
// progress(fraction) reports the 6 spline pairs.
OdynnRealData odynnRealData(const RawTrace& raw, double dt, const SmoothingSpline::Progress& progress = {});

// ODYNN's split of a recording of `samples` samples (datas.get_real_data): training windows of
// 500 samples starting at samples 0, 420, 1140 and 2400 (those that fit), and the whole
// recording kept for testing. Indices are [first, last] sample numbers.
struct TraceSplit {
    std::vector<std::pair<int, int>> train;
    std::pair<int, int> test;
};
TraceSplit odynnTraceSplit(int samples);

}  // namespace odynn
