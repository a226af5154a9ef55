#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "data_args.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/trace_import.hpp"
#include "progress_bar.hpp"

namespace odynn::cli {

namespace {

struct ImportArgs {
    std::string file, out, window, preset;
    std::optional<double> dt;
    double timeScale = 1000, currentScale = 10, smoothing = 0.25;
    std::optional<double> traceScale;
    bool hill = false;
};

void writeEntry(const std::string& path, const ImportedTrace& d) {
    writeCsv(path, {"t", "i_inj", "cac"}, {&d.t, &d.current, &d.cac});
}

// --preset odynn: DIR/train_0..4.csv and DIR/test.csv, all computed before anything is written.
int importOdynnPreset(const ImportArgs& a) {
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
    if (!a.dt) throw InputError(a.file, 0, "--dt", "the time step of the output is required (or --preset odynn)");
    TraceImportOptions o;
    o.dt = *a.dt;
    o.timeScale = a.timeScale;
    o.hill = a.hill;
    o.traceScale = a.traceScale.value_or(a.hill ? 1.0 : 10.0);
    o.currentScale = a.currentScale;
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
                data.t.back(), a.out.c_str());
    return 0;
}

}  // namespace

Command addImportTraceCommand(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "import-trace",
        "Turn a calcium-imaging recording (columns trace, inputCurrent, timeVector) into fitting data t,i_inj,cac: "
        "time scaled to ms, trace and current scaled, each resampled to --dt with FITPACK's cubic smoothing spline "
        "(scipy splrep: s = --smoothing for the trace, s = 0 for the current). --preset odynn prepares it exactly as "
        "ODYNN's get_real_data does");
    auto a = std::make_shared<ImportArgs>();
    sub->add_option("file", a->file, "Recording CSV (e.g. AVAL1.csv; time in s)")->required();
    sub->add_option("--preset", a->preset,
                    "odynn: ODYNN's get_real_data: the first 3100 samples at 8 ms each; 5 training entries of 500 "
                    "samples (starts 0, 0, 420, 1140, 2400) over [0, 4000) ms and the whole as test over [0, 24800) "
                    "ms; trace x10 smoothed with s = 0.25, current x10 interpolated. --out is then a directory that "
                    "receives train_0.csv .. train_4.csv and test.csv")
        ->check(CLI::IsMember({"odynn"}));
    sub->add_option("--dt", a->dt, "Time step of the output (ms), the model's dt (default 0.2 with --preset odynn)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--time-scale", a->timeScale, "File time unit to ms (default 1000: seconds)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--trace-scale", a->traceScale,
                    "Factor on the trace (default 10 as ODYNN; 1 with --hill, whose alpha = 2 is for raw fluorescence)");
    sub->add_option("--current-scale", a->currentScale, "Factor on the input current (default 10)");
    sub->add_option("--smoothing", a->smoothing, "Smoothing factor s of the trace spline (default 0.25)")
        ->check(CLI::NonNegativeNumber);
    sub->add_flag("--hill", a->hill,
                  "Fluorescence F to calcium: cac = max(0, -k F/(F - alpha))^(1/n), k 189e-6, n 3.8, alpha 2, applied to "
                  "the scaled samples before smoothing");
    sub->add_option("--window", a->window,
                    "START,END in ms of the scaled time: only the samples inside are used, t = 0 at the first of them. "
                    "ODYNN's training windows are samples 0-499, 420-919, 1140-1639 and 2400-2899; it tests on the whole "
                    "recording");
    sub->add_option("--out", a->out, "Output CSV t,i_inj,cac (accepted by `fit --data`); a directory with --preset")
        ->required();
    return {sub, [a] { return a->preset == "odynn" ? importOdynnPreset(*a) : importRecording(*a); }};
}

}  // namespace odynn::cli
