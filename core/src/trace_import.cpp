#include "odynn/trace_import.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "odynn/csv.hpp"
#include "odynn/errors.hpp"

namespace odynn {

namespace {
constexpr size_t kOrder = 4;  // a cubic spline needs at least 4 samples

// The rows a resampling to `dt` over `span` ms would produce must fit in memory; said before any
// work is done, with the numbers, rather than failing with bad_alloc (or worse) later.
void checkResampledSize(const std::string& source, double span, double dt) {
    const double rows = std::floor(span / dt * (1 + 1e-12)) + 1;
    // t, current and calcium columns, plus the spline evaluation's working copy (8 bytes each).
    const double bytes = rows * 4 * sizeof(double);
    const double physical = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
    const double limit = std::min(physical / 2, 1e15);
    if (std::isfinite(rows) && rows >= 1 && bytes <= limit) return;
    char what[240];
    std::snprintf(what, sizeof what,
                  "resampling %.6g ms at dt %.6g ms gives %.3g rows, which need %.3g GB of memory (at most %.3g GB "
                  "here); use a larger --dt",
                  span, dt, rows, bytes / 1e9, limit / 1e9);
    throw InputError(source, 0, "dt", what);
}
}  // namespace

std::vector<double> resample(const std::vector<double>& time, const std::vector<double>& values, double dt,
                             double smoothing, const SmoothingSpline::Progress& progress) {
    if (!(dt > 0) || !std::isfinite(dt)) throw std::invalid_argument("resample: dt must be positive");
    if (time.size() >= 2) checkResampledSize({}, time.back() - time.front(), dt);
    const SmoothingSpline spline(time, values, smoothing, progress);
    const double t0 = time.front(), span = time.back() - time.front();
    // A relative tolerance keeps the last sample when span is a multiple of dt up to rounding.
    const auto steps = static_cast<size_t>(std::floor(span / dt * (1 + 1e-12))) + 1;
    return spline.evaluateGrid(t0, dt, steps);
}

double hillCalcium(double f, const HillParams& p) {
    const double base = -p.k * f / (f - p.alpha);
    return base > 0 ? std::pow(base, 1.0 / p.n) : 0.0;
}

RawTrace parseTraceCsv(const std::string& text, const std::string& sourceName) {
    const CsvTable table = parseCsv(text, sourceName);
    RawTrace raw;
    raw.source = sourceName;
    raw.time = table.column("timeVector");
    raw.trace = table.column("trace");
    raw.current = table.column("inputCurrent");
    if (raw.time.size() < kOrder)
        throw InputError(sourceName, CsvTable::lineOfRow(std::max(0, table.rows() - 1)), "timeVector",
                         "at least 4 samples are needed, found " + std::to_string(raw.time.size()));
    for (size_t r = 1; r < raw.time.size(); ++r)
        if (!(raw.time[r] > raw.time[r - 1]))
            throw InputError(sourceName, CsvTable::lineOfRow(int(r)), "timeVector", "time must increase strictly");
    return raw;
}

RawTrace readTraceCsv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, {}, "cannot open the file for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return parseTraceCsv(text.str(), path);
}

namespace {
// The first and last raw samples inside the options' window (the whole recording without one),
// after checking dt, the scales and the window.
std::pair<size_t, size_t> windowSamples(const RawTrace& raw, const TraceImportOptions& o) {
    if (!(o.dt > 0) || !std::isfinite(o.dt)) throw InputError(raw.source, 0, "dt", "the time step must be positive");
    if (!(o.timeScale > 0) || !std::isfinite(o.timeScale))
        throw InputError(raw.source, 0, "time-scale", "the time scale must be positive");
    if (!std::isfinite(o.traceScale) || !std::isfinite(o.currentScale))
        throw InputError(raw.source, 0, "trace-scale", "scales must be finite");
    const size_t m = raw.time.size();
    if (m < kOrder || raw.trace.size() != m || raw.current.size() != m)
        throw InputError(raw.source, 0, "timeVector", "at least 4 samples with time, trace and current are needed");
    size_t first = 0, last = m - 1;
    const double t0 = raw.time.front() * o.timeScale, t1 = raw.time.back() * o.timeScale;
    if (!std::isfinite(t0) || !std::isfinite(t1))
        throw InputError(raw.source, 0, "time-scale", "the scaled time is beyond the range of numbers");
    if (o.window) {
        const auto [start, end] = *o.window;
        char span[160];
        std::snprintf(span, sizeof span, "[%g, %g] ms", start, end);
        if (!(start < end)) throw InputError(raw.source, 0, "window", std::string("empty window ") + span);
        if (start < t0 || end > t1) {
            char rec[120];
            std::snprintf(rec, sizeof rec, "[%g, %g] ms", t0, t1);
            throw InputError(raw.source, 0, "window",
                             std::string("window ") + span + " lies outside the recording " + rec);
        }
        while (first < m && raw.time[first] * o.timeScale < start) ++first;
        last = first;
        while (last + 1 < m && raw.time[last + 1] * o.timeScale <= end) ++last;
        if (first >= m || last < first + kOrder - 1)
            throw InputError(raw.source, 0, "window", std::string("window ") + span + " holds fewer than 4 samples");
    }
    return {first, last};
}
}  // namespace

size_t importedStepCount(const RawTrace& raw, const TraceImportOptions& o) {
    const auto [first, last] = windowSamples(raw, o);
    const double span = raw.time[last] * o.timeScale - raw.time[first] * o.timeScale;  // as importTrace's
    checkResampledSize(raw.source, span, o.dt);
    // As resample(): the relative tolerance keeps the last sample when span is a multiple of dt.
    return static_cast<size_t>(std::floor(span / o.dt * (1 + 1e-12))) + 1;
}

ImportedTrace importTrace(const RawTrace& raw, const TraceImportOptions& o, const SmoothingSpline::Progress& progress) {
    const auto [first, last] = windowSamples(raw, o);
    std::vector<double> t, f, i;
    for (size_t r = first; r <= last; ++r) {
        t.push_back(raw.time[r] * o.timeScale);
        const double fl = raw.trace[r] * o.traceScale;
        f.push_back(o.hill ? hillCalcium(fl, o.hillParams) : fl);
        i.push_back(raw.current[r] * o.currentScale);
    }
    checkResampledSize(raw.source, t.back() - t.front(), o.dt);
    ImportedTrace out;
    // The trace (smoothing, the slow part) reports 0 .. 0.9, the current 0.9 .. 1.
    auto part = [&](double from, double to) -> SmoothingSpline::Progress {
        if (!progress) return {};
        return [=](double f) { progress(from + (to - from) * f); };
    };
    out.cac = resample(t, f, o.dt, o.traceSmoothing, part(0.0, 0.9));
    out.current = resample(t, i, o.dt, o.currentSmoothing, part(0.9, 1.0));
    out.t.resize(out.cac.size());
    for (size_t k = 0; k < out.t.size(); ++k) out.t[k] = double(k) * o.dt;
    return out;
}

namespace {

// numpy.arange(0, stop, dt): ceil(stop / dt) points k * dt.
size_t arangeCount(double stop, double dt) { return static_cast<size_t>(std::ceil(stop / dt)); }

ImportedTrace odynnEntry(const std::vector<double>& trace, const std::vector<double>& current, size_t first,
                         size_t count, double dt, double stop) {
    constexpr double kSampleMs = 4000.0 / 500;  // final_time / delta
    std::vector<double> t(count), f(count), i(count);
    for (size_t k = 0; k < count; ++k) {
        t[k] = kSampleMs * double(first + k) - kSampleMs * double(first);
        f[k] = trace[first + k] * 10;
        i[k] = current[first + k] * 10;
    }
    ImportedTrace out;
    const size_t rows = arangeCount(stop, dt);
    out.cac = SmoothingSpline(t, f, 0.25).evaluateGrid(0.0, dt, rows);
    out.current = SmoothingSpline(t, i, 0.0).evaluateGrid(0.0, dt, rows);
    out.t.resize(rows);
    for (size_t k = 0; k < rows; ++k) out.t[k] = double(k) * dt;
    return out;
}

}  // namespace

OdynnRealData odynnRealData(const RawTrace& raw, double dt, const SmoothingSpline::Progress& progress) {
    constexpr size_t kSamples = 3100, kWindow = 500;
    if (!(dt > 0) || !std::isfinite(dt)) throw InputError(raw.source, 0, "dt", "the time step must be positive");
    if (raw.trace.size() < kSamples || raw.current.size() < kSamples)
        throw InputError(raw.source, CsvTable::lineOfRow(int(raw.trace.size()) - 1), "trace",
                         "ODYNN's preparation needs at least 3100 samples, found " + std::to_string(raw.trace.size()));
    OdynnRealData out;
    int done = 0;
    for (const size_t start : {0, 0, 420, 1140, 2400}) {
        out.train.push_back(odynnEntry(raw.trace, raw.current, start, kWindow, dt, 4000.0));
        if (progress) progress(double(++done) / 6);
    }
    out.test = odynnEntry(raw.trace, raw.current, 0, kSamples, dt, 4000.0 / kWindow * kSamples);
    if (progress) progress(1.0);
    return out;
}

TraceSplit odynnTraceSplit(int samples) {
    TraceSplit split;
    for (const int start : {0, 420, 1140, 2400})
        if (start + 500 <= samples) split.train.emplace_back(start, start + 499);
    split.test = {0, std::max(0, samples - 1)};
    return split;
}

}  // namespace odynn
