#include "bench_workloads.hpp"
#include "bench_worm.hpp"

#include <algorithm>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <set>
#include <stdexcept>
#include <thread>

#include "odynn/datasets.hpp"
#include "odynn/fitting.hpp"
#include "odynn/lstm.hpp"
#include "odynn/simulation.hpp"
#include "odynn/model_file.hpp"
#include "odynn/simulator.hpp"
#include "odynn/stimuli.hpp"

namespace odynn::cli {

namespace {

double medianSeconds(int repeats, const std::function<void()>& run) {
    run();  // warm-up
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
        const auto a = std::chrono::steady_clock::now();
        run();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

// The 5 training currents as one stimulus with 5 batch entries, one neuron.
Stimulus trainingStimulus(double dt) {
    const auto cur = trainingCurrents(dt);
    Stimulus s(int(cur[0].size()), int(cur.size()), 1);
    for (int t = 0; t < s.steps; ++t)
        for (int b = 0; b < s.batch; ++b) s.at(t, b, 0) = cur[b][t];
    return s;
}

// The shipped celegans model file (share/odynn-studio/models beside bin/, also the build
// tree's layout), registered; `compileMs` receives the median time to parse and compile it.
const ModelSpec& celegansModelFile(double& compileMs) {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::filesystem::path path = (ec ? std::filesystem::path(".") : exe.parent_path().parent_path()) / "share" /
                                       "odynn-studio" / "models" / "celegans.odm";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    compileMs = 1e3 * medianSeconds(5, [&] { compileModel(text.str(), path.string()); });
    return registerModelSource(text.str(), path.string());
}

// Suffix of a workload's note naming the model file and its compile time.
std::string modelFileNote(const std::string& model, double compileMs) {
    if (compileMs < 0) return {};
    char s[160];
    std::snprintf(s, sizeof s, "; model file resources/models/celegans.odm (%s), parse + compile %.1f ms", model.c_str(),
                  compileMs);
    return s;
}

}  // namespace

WorkloadResult benchSingle(int repeats, int) {
    const Circuit c = singleNeuronCircuit("celegans", 0.1);
    const auto t = timeVector(12000, 0.1);
    const auto i = stepCurrent(t, 400, 800, 20.0);
    Stimulus s(12000, 1, 1);
    s.current = i;
    SimulationOptions opt;
    opt.threads = 1;
    Simulation sim(c, 1, opt);  // reused across runs, as the app's re-simulation does
    const double sec = medianSeconds(repeats, [&] { sim.run(s); });
    return {"single", 12000.0, sec,
            "1 celegans neuron, default parameters, 12,000 steps at dt 0.1, full trajectory (a reused Simulation)"};
}

// model: "celegans", or the model file's name with compileMs >= 0.
WorkloadResult benchPopulation(int repeats, int threads, const std::string& model = "celegans", double compileMs = -1) {
    const Circuit c = singleNeuronCircuit(model, 1.0);
    const ParameterLayout layout(c);
    Rng rng(1000);
    std::vector<double> pop;
    for (int k = 0; k < 100; ++k) {
        const auto p = layout.random(c, rng);
        pop.insert(pop.end(), p.begin(), p.end());
    }
    const Stimulus s = trainingStimulus(1.0);
    SimulationOptions opt;
    opt.record = Record::VoltageCalcium;
    opt.threads = threads;
    Simulation sim(c, 100, opt);  // reused across runs, as a fit's epochs do
    sim.setParameters(pop);
    const double sec = medianSeconds(repeats, [&] { sim.run(s); });
    return {compileMs < 0 ? "population" : "population_text", 100.0 * 5 * s.steps, sec,
            "100 random celegans parameter sets x 5 training currents x 1,200 steps at dt 1, V and Ca trajectories "
            "(a reused Simulation)" + modelFileNote(model, compileMs)};
}

WorkloadResult benchCircuit300(int repeats, int threads) {
    // Random wiring of the size of the C. elegans somatic nervous system.
    Circuit c;
    c.dt = 0.1;
    const int N = 300;
    for (int i = 0; i < N; ++i) c.addNeuron("n" + std::to_string(i));
    Rng rng(42);
    std::uniform_int_distribution<int> pick(0, N - 1);
    std::set<std::pair<int, int>> used;
    while (c.synapses.size() < 3700) {
        const int a = pick(rng), b = pick(rng);
        if (a == b || !used.insert({a, b}).second) continue;
        Synapse s{a, b, (c.synapses.size() % 3 == 0) ? presets::inhibitory1 : presets::excitatory1};
        s.p.G = 0.01;  // weak synapses keep the random network in a physiological range
        c.synapses.push_back(s);
    }
    used.clear();
    while (c.gaps.size() < 1100) {
        const int a = pick(rng), b = pick(rng);
        if (a == b || !used.insert({std::min(a, b), std::max(a, b)}).second) continue;
        c.gaps.push_back({a, b, 0.01});
    }
    const int steps = 10000;
    Stimulus s(steps, 1, N);
    for (int t = 0; t < steps; ++t)
        for (int n = 0; n < N; n += 7) s.at(t, 0, n) = (t > 2000 && t < 6000) ? 10.0 : 0.0;
    SimulationOptions opt;
    opt.record = Record::None;
    opt.threads = circuitThreads(threads);
    const double sec = medianSeconds(repeats, [&] { simulate(c, s, opt); });
    return {"circuit300", double(N) * steps, sec,
            "300 celegans neurons, 3,700 chemical synapses, 1,100 gap junctions (random wiring), 10,000 steps at dt 0.1 "
            "(1 s of biological time), " + std::to_string(opt.threads) + " thread(s)"};
}

// The default neuron's voltage on the 5 training currents at dt 1 ms, as a fitting target.
FitDataset defaultNeuronTarget(const Circuit& c) {
    FitDataset d;
    d.stimulus = trainingStimulus(1.0);
    SimulationOptions sim;
    sim.record = Record::VoltageCalcium;
    const auto ref = simulate(c, d.stimulus, sim);
    d.targetV.resize(d.stimulus.current.size());
    for (int t = 0; t < d.stimulus.steps; ++t)
        for (int b = 0; b < d.stimulus.batch; ++b) d.targetV[size_t(t) * d.stimulus.batch + b] = ref.sets[0].at(t, 0, b, 0);
    return d;
}

// ODYNN's timing experiment: one optimization epoch for N random sets x 5 training currents x
// 1,200 steps at dt 1, fitting the default neuron's voltage.
WorkloadResult benchEpoch(int sets, int repeats, int threads, const std::string& model = "celegans",
                          double compileMs = -1) {
    const Circuit c = singleNeuronCircuit(model, 1.0);
    const FitDataset d = defaultNeuronTarget(c);
    FitOptions o;
    o.population = sets;
    o.seed = 3000;
    o.threads = threads;
    FitRun run(c, d, std::nullopt, o);
    const double sec = medianSeconds(repeats, [&] { run.step(); });
    // Gradient-to-forward cost: the same population's loss alone (forward pass + loss).
    const double fwd = medianSeconds(repeats, [&] { lossOnly(c, run.population(), sets, d, o.weights, threads); });
    const double grad = medianSeconds(repeats, [&] { lossAndGradient(c, run.population(), sets, d, o.weights, threads); });
    char note[200];
    std::snprintf(note, sizeof note,
                  "one epoch, %d random set(s) x 5 currents x 1,200 steps at dt 1; gradient/forward cost %.2f "
                  "(forward %.4f s, forward+gradient %.4f s)",
                  sets, grad / fwd, fwd, grad);
    return {"epoch" + std::to_string(sets) + (compileMs < 0 ? "" : "_text"), double(sets) * 5 * d.stimulus.steps, sec,
            note + modelFileNote(model, compileMs)};
}

// One epoch of an LSTM neuron fit as in shared/bench/lstm_ref.py: 50 units, 1 weight set, the 5
// training currents x 1,200 steps, voltage target of the default neuron.
WorkloadResult benchLstmEpoch(int repeats, int threads) {
    const Circuit c = singleNeuronCircuit("celegans", 1.0);
    const FitDataset d = defaultNeuronTarget(c);
    FitOptions o;
    o.population = 1;
    o.threads = threads;
    LstmFitRun run(LstmSpec{}, 1.0, d, std::nullopt, o);
    const double sec = medianSeconds(repeats, [&] { run.step(); });
    return {"lstm_epoch", 5.0 * d.stimulus.steps, sec,
            "one epoch of an LSTM neuron fit (50 units, 1 weight set), 5 currents x 1,200 steps: forward, "
            "backpropagation through time, clipping, Adam"};
}

// The reverse pass of a long fit: 100 sets x 5 currents x 12,000 steps at dt 0.1 (the training
// currents resampled), gradient with checkpointing through time against storing every state.
WorkloadResult benchCheckpointing(int repeats, int threads) {
    const Circuit c = singleNeuronCircuit("celegans", 0.1);
    FitDataset d = defaultNeuronTarget(singleNeuronCircuit("celegans", 1.0));
    const int T = 12000, coarse = d.stimulus.steps;
    FitDataset fine;
    fine.stimulus = Stimulus(T, d.stimulus.batch, 1);
    fine.targetV.resize(size_t(T) * d.stimulus.batch);
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < d.stimulus.batch; ++b) {
            const int from = std::min(coarse - 1, t / 10);  // dt 1 -> 0.1: each value 10 times
            fine.stimulus.at(t, b, 0) = d.stimulus.at(from, b, 0);
            fine.targetV[size_t(t) * d.stimulus.batch + b] = d.targetV[size_t(from) * d.stimulus.batch + b];
        }
    const ParameterLayout layout(c);
    Rng rng(3000);
    std::vector<double> pop;
    for (int k = 0; k < 100; ++k) {
        const auto p = layout.random(c, rng);
        pop.insert(pop.end(), p.begin(), p.end());
    }
    const LossWeights w;
    const double stored = medianSeconds(repeats, [&] { lossAndGradient(c, pop, 100, fine, w, threads, size_t(1) << 40); });
    const double checkpointed = medianSeconds(repeats, [&] { lossAndGradient(c, pop, 100, fine, w, threads, 0); });
    char note[240];
    std::snprintf(note, sizeof note,
                  "loss and gradient, 100 sets x 5 currents x 12,000 steps at dt 0.1, checkpointing every 110 steps; "
                  "storing every state takes %.4f s (checkpointed/stored %.2f)",
                  stored, checkpointed / stored);
    return {"checkpoint", 100.0 * 5 * T, checkpointed, note};
}

int circuitThreads(int threads) { return threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())); }

std::vector<std::string> workloadNames() {
    return {"single", "population", "population_text", "circuit300", "epoch1", "epoch10", "epoch100", "epoch100_text",
            "worm", "lstm_epoch", "checkpoint"};
}

WorkloadResult runWorkload(const std::string& name, int repeats, int threads) {
    if (name == "single") return benchSingle(repeats, threads);
    if (name == "population") return benchPopulation(repeats, threads);
    if (name == "population_text" || name == "epoch100_text") {
        double compileMs = 0;
        const std::string model = celegansModelFile(compileMs).name;
        return name == "population_text" ? benchPopulation(repeats, threads, model, compileMs)
                                         : benchEpoch(100, repeats, threads, model, compileMs);
    }
    if (name == "circuit300") return benchCircuit300(repeats, threads);
    if (name == "epoch1") return benchEpoch(1, repeats, threads);
    if (name == "epoch10") return benchEpoch(10, repeats, threads);
    if (name == "epoch100") return benchEpoch(100, repeats, threads);
    if (name == "worm") return benchWorm(repeats, threads);
    if (name == "lstm_epoch") return benchLstmEpoch(repeats, threads);
    if (name == "checkpoint") return benchCheckpointing(repeats, threads);
    throw std::invalid_argument("unknown workload '" + name + "'");
}

}  // namespace odynn::cli
