#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "data_args.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/trace_import.hpp"

namespace odynn::cli {

namespace {

struct ImportArgs {
    std::string file, out, window;
    double dt = 0;
    double timeScale = 1000, currentScale = 10, smoothing = 0.25;
    std::optional<double> traceScale;
    bool hill = false;
};

}  // namespace

Command addImportTraceCommand(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "import-trace",
        "Turn a calcium-imaging recording (columns trace, inputCurrent, timeVector) into a fitting data file "
        "t,i_inj,cac: time scaled to ms, trace and current scaled, each resampled to --dt with a cubic smoothing "
        "spline (scipy splrep semantics: s = --smoothing for the trace, s = 0 for the current), as ODYNN does");
    auto a = std::make_shared<ImportArgs>();
    sub->add_option("file", a->file, "Recording CSV (e.g. AVAL1.csv; time in s)")->required();
    sub->add_option("--dt", a->dt, "Time step of the output (ms), the model's dt")->required()->check(CLI::PositiveNumber);
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
    sub->add_option("--out", a->out, "Output CSV t,i_inj,cac (accepted by `fit --data`)")->required();
    return {sub, [a] {
        TraceImportOptions o;
        o.dt = a->dt;
        o.timeScale = a->timeScale;
        o.hill = a->hill;
        o.traceScale = a->traceScale.value_or(a->hill ? 1.0 : 10.0);
        o.currentScale = a->currentScale;
        o.traceSmoothing = a->smoothing;
        if (!a->window.empty()) {
            const auto w = parseNumbers(a->window, "--window", 2);
            o.window = std::make_pair(w[0], w[1]);
        }
        const RawTrace raw = readTraceCsv(a->file);
        const ImportedTrace data = importTrace(raw, o);
        writeCsv(a->out, {"t", "i_inj", "cac"}, {&data.t, &data.current, &data.cac});
        std::printf("%zu samples -> %zu rows at dt %g ms (%g ms) written to %s\n", raw.time.size(), data.t.size(), o.dt,
                    data.t.back(), a->out.c_str());
        return 0;
    }};
}

}  // namespace odynn::cli
