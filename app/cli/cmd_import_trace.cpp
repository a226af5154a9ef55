#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "validators.hpp"
#include "data_args.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/nwb_import.hpp"
#include "odynn/trace_import.hpp"
#include "progress_bar.hpp"

namespace odynn::cli {

namespace {

struct ImportArgs {
    std::string file, out, window, preset;
    std::optional<double> dt;
    double timeScale = 1000, smoothing = 0.25;
    std::optional<double> traceScale, currentScale;
    bool hill = false;
    // NWB
    bool list = false;
    std::string series, roi, stimulus;
};

bool isNwb(const std::string& file) {
    const std::string ext = std::filesystem::path(file).extension().string();
    return ext == ".nwb" || ext == ".NWB" || ext == ".h5" || ext == ".hdf5";
}

int listNwb(const ImportArgs& a) {
    for (const NwbSeriesInfo& s : listNwbSeries(a.file)) {
        std::string shape;
        for (auto d : s.shape) {
            if (!shape.empty()) shape += 'x';
            shape += std::to_string(d);
        }
        std::string timing;
        char buf[96];
        if (s.hasTimestamps) {
            timing = "timestamps";
        } else {
            std::snprintf(buf, sizeof buf, "rate %g Hz from %g s", s.rate, s.startingTime);
            timing = buf;
        }
        std::printf("%s  %s  unit %s  %s  shape %s", s.path.c_str(), s.neurodataType.c_str(),
                    s.unit.empty() ? "?" : s.unit.c_str(), timing.c_str(), shape.c_str());
        if (!s.roiLabels.empty()) {
            std::string labels;
            for (const auto& l : s.roiLabels) {
                if (!labels.empty()) labels += ',';
                labels += l;
            }
            std::printf("  ROIs %s", labels.c_str());
        }
        std::printf("\n");
    }
    return 0;
}

int importNwbSeries(const ImportArgs& a) {
    if (a.out.empty()) throw InputError(a.file, 0, "--out", "name the output CSV");
    NwbImportOptions o;
    o.series = a.series;
    o.roi = a.roi;
    o.stimulus = a.stimulus;
    o.dt = a.dt;
    o.currentScale = a.currentScale.value_or(1e12);
    o.smoothing = a.smoothing;
    const NwbFittingData d = importNwb(a.file, o);
    writeCsv(a.out, {"t", "i_inj", d.targetColumn}, {&d.t, &d.current, &d.target});
    std::printf("%s -> %zu rows t,i_inj,%s written to %s\n", a.series.c_str(), d.t.size(), d.targetColumn.c_str(),
                a.out.c_str());
    return 0;
}

void writeEntry(const std::string& path, const ImportedTrace& d) {
    writeCsv(path, {"t", "i_inj", "cac"}, {&d.t, &d.current, &d.cac});
}

// --preset odynn: DIR/train_0..4.csv and DIR/test.csv, all computed before anything is written.
int importOdynnPreset(const ImportArgs& a) {
    if (a.out.empty()) throw InputError(a.file, 0, "--out", "name the output directory");
    const double dt = a.dt.value_or(0.2);
    const RawTrace raw = readTraceCsv(a.file);
    ProgressBar bar(1000);
    const OdynnRealData data = odynnRealData(raw, dt, [&](double f) { bar.update(int(f * 1000), "smoothing"); });
    bar.finish();
    std::error_code ec;
    std::filesystem::create_directories(a.out, ec);
    if (ec) throw InputError(a.out, 0, "--out", "cannot create the directory: " + ec.message());
    const std::filesystem::path dir(a.out);
    for (size_t k = 0; k < data.train.size(); ++k)
        writeEntry((dir / ("train_" + std::to_string(k) + ".csv")).string(), data.train[k]);
    writeEntry((dir / "test.csv").string(), data.test);
    std::printf("ODYNN preparation of %s at dt %g ms: %zu training entries of %zu rows, test of %zu rows, written to %s\n",
                a.file.c_str(), dt, data.train.size(), data.train.front().t.size(), data.test.t.size(), a.out.c_str());
    return 0;
}

int importRecording(const ImportArgs& a) {
    if (a.out.empty()) throw InputError(a.file, 0, "--out", "name the output CSV");
    if (!a.dt) throw InputError(a.file, 0, "--dt", "the time step of the output is required (or --preset odynn)");
    TraceImportOptions o;
    o.dt = *a.dt;
    o.timeScale = a.timeScale;
    o.hill = a.hill;
    o.traceScale = a.traceScale.value_or(a.hill ? 1.0 : 10.0);
    o.currentScale = a.currentScale.value_or(10.0);
    o.traceSmoothing = a.smoothing;
    if (!a.window.empty()) {
        const auto w = parseNumbers(a.window, "--window", 2);
        o.window = std::make_pair(w[0], w[1]);
    }
    ProgressBar bar(1000);
    bar.update(0, "reading");
    const RawTrace raw = readTraceCsv(a.file);
    const ImportedTrace data = importTrace(raw, o, [&](double f) { bar.update(int(f * 1000), "smoothing"); });
    bar.update(1000, "writing");
    bar.finish();
    writeEntry(a.out, data);
    std::printf("%zu samples -> %zu rows at dt %g ms (%g ms) written to %s\n", raw.time.size(), data.t.size(), o.dt,
                data.t.empty() ? 0.0 : data.t.back(), a.out.c_str());
    return 0;
}

}  // namespace

Command addImportTraceCommand(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "import-trace",
        "Turn a calcium-imaging recording (columns trace, inputCurrent, timeVector) into fitting data t,i_inj,cac: "
        "time scaled to ms, trace and current scaled, each resampled to --dt with FITPACK's cubic smoothing spline "
        "(scipy splrep: s = --smoothing for the trace, s = 0 for the current). --preset odynn prepares it exactly as "
        "ODYNN's get_real_data does. NWB files: --list shows the series, --series [--roi] [--stimulus] imports one");
    auto a = std::make_shared<ImportArgs>();
    sub->add_option("file", a->file, "Recording CSV (e.g. AVAL1.csv; time in s) or NWB file (.nwb)")->required();
    sub->add_flag("--list", a->list,
                  "NWB: list every TimeSeries (path, type, unit, rate or timestamps, shape, ROI labels) and exit");
    sub->add_option("--series", a->series,
                    "NWB: the target series, name or path: a CurrentClampSeries (-> V in mV) or a RoiResponseSeries "
                    "(-> cac); values are data x conversion + offset, t in ms from its first sample");
    sub->add_option("--roi", a->roi, "NWB: the column of a multi-ROI series, 0-based index or label (e.g. AVAL)");
    sub->add_option("--stimulus", a->stimulus,
                    "NWB: the injected current, a CurrentClampStimulusSeries (amperes) -> i_inj in A x --current-scale; "
                    "without it i_inj is 0");
    sub->add_option("--preset", a->preset,
                    "odynn: ODYNN's get_real_data: the first 3100 samples at 8 ms each; 5 training entries of 500 "
                    "samples (starts 0, 0, 420, 1140, 2400) over [0, 4000) ms and the whole as test over [0, 24800) "
                    "ms; trace x10 smoothed with s = 0.25, current x10 interpolated. --out is then a directory that "
                    "receives train_0.csv .. train_4.csv and test.csv")
        ->check(CLI::IsMember({"odynn"}));
    sub->add_option("--dt", a->dt, "Time step of the output (ms), the model's dt (default 0.2 with --preset odynn)")
        ->check(positive);
    sub->add_option("--time-scale", a->timeScale, "File time unit to ms (default 1000: seconds)")
        ->check(positive);
    sub->add_option("--trace-scale", a->traceScale,
                    "Factor on the trace (default 10 as ODYNN; 1 with --hill, whose alpha = 2 is for raw fluorescence)");
    sub->add_option("--current-scale", a->currentScale,
                    "Factor on the input current (default 10; for NWB 1e12, amperes to pA)");
    sub->add_option("--smoothing", a->smoothing, "Smoothing factor s of the trace spline (default 0.25)")
        ->check(nonNegative);
    sub->add_flag("--hill", a->hill,
                  "Fluorescence F to calcium: cac = max(0, -k F/(F - alpha))^(1/n), k 189e-6, n 3.8, alpha 2, applied to "
                  "the scaled samples before smoothing");
    sub->add_option("--window", a->window,
                    "START,END in ms of the scaled time: only the samples inside are used, t = 0 at the first of them. "
                    "ODYNN's training windows are samples 0-499, 420-919, 1140-1639 and 2400-2899; it tests on the whole "
                    "recording");
    sub->add_option("--out", a->out,
                    "Output CSV t,i_inj,cac or t,i_inj,V (accepted by `fit --data`); a directory with --preset");
    return {sub, [a] {
        // Checked before the recording is read or anything is written.
        for (const auto& [value, option] : {std::pair{a->dt.value_or(1.0), "--dt"}, std::pair{a->timeScale, "--time-scale"},
                                            std::pair{a->currentScale.value_or(1.0), "--current-scale"},
                                            std::pair{a->traceScale.value_or(1.0), "--trace-scale"},
                                            std::pair{a->smoothing, "--smoothing"}})
            if (!std::isfinite(value)) throw InputError({}, 0, option, "must be a finite number");
        if (isNwb(a->file)) return a->list ? listNwb(*a) : importNwbSeries(*a);
        if (a->list || !a->series.empty()) throw InputError(a->file, 0, "--list", "--list and --series are for NWB files");
        return a->preset == "odynn" ? importOdynnPreset(*a) : importRecording(*a);
    }};
}

}  // namespace odynn::cli
