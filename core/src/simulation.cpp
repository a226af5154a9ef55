// Forward simulation over lanes (sets x batch), threaded with OpenMP: each thread owns a fixed
// range of elements of every model group from the first step to the last. In a circuit with
// connections each thread works out its own elements' inputs from the whole state before the
// step (circuit_inputs.hpp) and steps them; one barrier per step keeps the next step from
// reading an unfinished state. Independent lanes (no connections) never wait for each other:
// each thread takes its elements a cache-sized chunk at a time through every step.
#include "odynn/simulation.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <type_traits>
#include <utility>

#include "circuit_inputs.hpp"
#include "engine.hpp"
#include "odynn/errors.hpp"

namespace odynn {
using namespace detail;

namespace {

int widestStateCount(const Circuit& c) {
    int m = 1;
    for (const auto& n : c.neurons) m = std::max(m, modelSpec(n.model).stateCount());
    return m;
}

bool sameShape(const Circuit& a, const Circuit& b) {
    if (a.dt != b.dt || a.neurons.size() != b.neurons.size() || a.synapses.size() != b.synapses.size() ||
        a.gaps.size() != b.gaps.size())
        return false;
    for (size_t i = 0; i < a.neurons.size(); ++i)
        if (a.neurons[i].model != b.neurons[i].model || a.neurons[i].lstm != b.neurons[i].lstm) return false;
    for (size_t i = 0; i < a.synapses.size(); ++i)
        if (a.synapses[i].pre != b.synapses[i].pre || a.synapses[i].post != b.synapses[i].post) return false;
    for (size_t i = 0; i < a.gaps.size(); ++i)
        if (a.gaps[i].a != b.gaps[i].a || a.gaps[i].b != b.gaps[i].b) return false;
    return true;
}

void checkStimulus(const Circuit& c, const Stimulus& stim) {
    if (stim.steps < 1) throw InputError({}, 0, "stimulus", "needs at least one time step");
    if (stim.batch < 1) throw InputError({}, 0, "stimulus", "needs at least one batch entry");
    if (stim.neurons != int(c.neurons.size()))
        throw InputError({}, 0, "stimulus", "has " + std::to_string(stim.neurons) + " neuron columns, the circuit " +
                                                std::to_string(c.neurons.size()) + " neurons");
    if (stim.current.size() != size_t(stim.steps) * stim.batch * stim.neurons)
        throw InputError({}, 0, "stimulus", "current array has the wrong size");
    for (size_t i = 0; i < stim.current.size(); ++i)
        if (!std::isfinite(stim.current[i]))
            throw InputError({}, long(i / (size_t(stim.batch) * stim.neurons)) + 1, "i_inj", "current is not finite");
}

// A run of consecutive elements of one group that belong to one (neuron, set): recorded with
// one strided copy per state row, whose destination offsets are worked out once per run.
struct RecordRun {
    int group, elem, count, set, dstOffset;  // dstOffset = first batch entry * neurons + neuron
};

// The runs covering elements [e0, e1) of group g.
void addRuns(const Engine& eng, int g, int e0, int e1, std::vector<RecordRun>& runs) {
    const ModelGroup& grp = eng.groups[g];
    const int L = eng.lanes, B = eng.batch, N = eng.neuronCount;
    e1 = std::min(e1, grp.elems);
    for (int k = e0; k < e1;) {
        const int slot = k / L, lane = k % L, set = lane / B, b0 = lane % B;
        const int run = std::min(B - b0, e1 - k);
        runs.push_back({g, k, run, set, b0 * N + grp.neurons[slot]});
        k += run;
    }
}

}  // namespace

struct Simulation::Impl {
    Circuit circuit;
    ParameterLayout layout;
    int sets;
    SimulationOptions options;
    std::vector<double> population;
    std::optional<Engine> engine;  // rebuilt when the parameters or the batch size change
    std::vector<AlignedVector> bufA, bufB;
    SimulationResult result;
    Record recordedAs = Record::None;  // of the storage in result (its padding rows depend on it)

    Impl(const Circuit& c, int setCount, SimulationOptions o)
        : circuit(c), layout(c), sets(setCount), options(std::move(o)) {
        circuit.validate();
        if (sets < 1) throw InputError({}, 0, "population", "at least one parameter set is needed");
        const std::vector<double> own = layout.values(circuit);
        population.reserve(size_t(sets) * own.size());
        for (int s = 0; s < sets; ++s) population.insert(population.end(), own.begin(), own.end());
    }

    void setParameters(const std::vector<double>& pop) {
        if (pop.size() != size_t(sets) * layout.size())
            throw InputError({}, 0, "population", "expected " + std::to_string(size_t(sets) * layout.size()) + " values");
        for (size_t i = 0; i < pop.size(); ++i)
            if (!std::isfinite(pop[i]))
                throw InputError({}, 0, layout.entries()[i % layout.size()].name, "parameter is not a finite number");
        population = pop;
        engine.reset();
    }

    // Sizes every trajectory for the run; storage of the previous run is kept when its shape is
    // the same. Rows a neuron does not record (a model with fewer states than the widest) are
    // NaN and are never written, so they stay NaN across runs.
    void prepareTrajectories(int T, int S, int B, int N, bool padded, Record record) {
        const bool sameRecord = record == recordedAs;
        recordedAs = record;
        result.sets.resize(S > 0 ? sets : 0);
        const size_t size = size_t(T) * S * B * N;
#pragma omp parallel for schedule(static) num_threads(std::min(sets, resolveThreads(options.threads)))
        for (int set = 0; set < int(result.sets.size()); ++set) {
            Trajectory& tr = result.sets[set];
            const bool reuse = tr.values.size() == size && tr.steps == T && tr.states == S && tr.batch == B &&
                               tr.neurons == N && sameRecord;
            tr.steps = T; tr.states = S; tr.batch = B; tr.neurons = N;
            // Allocated (first touched) by the threads in parallel.
            if (!reuse) tr.values.assign(size, padded ? std::nan("") : 0.0);
        }
    }

    const SimulationResult& run(const Stimulus& stim) {
        checkStimulus(circuit, stim);
        if (!engine || engine->batch != stim.batch) engine.emplace(circuit, layout, population.data(), sets, stim.batch);
        const Engine& eng = *engine;
        const int N = eng.neuronCount, B = stim.batch, T = stim.steps;
        const Record record = options.record;
        const int MS = widestStateCount(circuit);
        const int S = record == Record::AllStates ? MS : record == Record::VoltageCalcium ? 2 : 0;
        bool padded = false;  // NaN padding is only needed where a neuron records fewer states than the widest
        for (const auto& g : eng.groups) padded |= record == Record::AllStates && g.recordStates < S;

        result.maxStates = MS;
        result.cancelled = false;
        prepareTrajectories(T, S, B, N, padded, record);
        const std::vector<DetailRef> details = prepareDetail(eng, T, MS, B);
        eng.initialState(bufA);
        bufB.resize(bufA.size());
        for (size_t g = 0; g < bufA.size(); ++g) bufB[g].resize(bufA[g].size());

        const int threads = eng.threadsFor(options.threads);
        if (eng.conn.count > 0) runCoupled(stim, threads, S, details);
        else runIndependent(stim, threads, S, details);
        storeFinalState(T);
        if (options.progress && !result.cancelled) options.progress(1.0);
        return result;
    }

    // A detail neuron's place in the engine: group, slot, and its index in the detail trajectories.
    struct DetailRef {
        int group, slot, index;
    };

    std::vector<DetailRef> prepareDetail(const Engine& eng, int T, int MS, int B) {
        const std::vector<int>& wanted = options.detailNeurons;
        result.detail.assign(wanted.empty() ? 0 : size_t(sets), Trajectory{});
        if (wanted.empty()) return {};
        std::vector<DetailRef> refs;
        for (size_t d = 0; d < wanted.size(); ++d) {
            if (wanted[d] < 0 || wanted[d] >= eng.neuronCount)
                throw InputError({}, 0, "detailNeurons", "no neuron " + std::to_string(wanted[d]) + " in the circuit");
            for (size_t g = 0; g < eng.groups.size(); ++g)
                for (size_t slot = 0; slot < eng.groups[g].neurons.size(); ++slot)
                    if (eng.groups[g].neurons[slot] == wanted[d]) refs.push_back({int(g), int(slot), int(d)});
        }
        for (Trajectory& tr : result.detail) {
            tr.steps = T; tr.states = MS; tr.batch = B; tr.neurons = int(wanted.size());
            tr.values.assign(size_t(T) * MS * B * wanted.size(), std::nan(""));  // rows a model lacks stay NaN
        }
        return refs;
    }

    // Every state of the detail neurons after step t, for the elements this thread stepped.
    void recordDetail(const std::vector<DetailRef>& refs, const std::vector<AlignedVector>& state, int t,
                      const std::vector<std::pair<int, int>>& range) {
        const Engine& eng = *engine;
        const int B = eng.batch, L = eng.lanes, D = int(options.detailNeurons.size()), MS = result.maxStates;
        for (const DetailRef& r : refs) {
            const ModelGroup& grp = eng.groups[size_t(r.group)];
            for (int lane = 0; lane < L && lane < sets * B; ++lane) {
                const int k = r.slot * L + lane;
                if (k < range[size_t(r.group)].first || k >= range[size_t(r.group)].second) continue;
                const int set = lane / B, b = lane % B;
                double* to = result.detail[size_t(set)].values.data();
                for (int s = 0; s < grp.recordStates; ++s)
                    to[((size_t(t) * MS + s) * B + b) * D + r.index] = state[size_t(r.group)][size_t(s) * grp.stride + k];
            }
        }
    }

    // Writes the recorded rows of a thread's elements after each step straight into the sets'
    // trajectories, in their final layout. Each run of consecutive elements of one (neuron, set)
    // becomes one copy per recorded row, whose source and destination are worked out once per
    // simulation: a step then only adds its offset.
    struct Recorder {
        struct Copy {
            int group;
            size_t from;  // offset in the group's state buffer
            double* to;   // destination of step 0
            int count;    // elements; destination stride = neurons
        };
        std::vector<Copy> copies;
        size_t stepSize;  // values of one step in a trajectory
        int N;

        Recorder(Impl& sim, const Engine& eng, const std::vector<RecordRun>& runs, int S)
            : stepSize(size_t(S) * eng.batch * eng.neuronCount), N(eng.neuronCount) {
            forEachCopy(sim, eng, runs, [&](const RecordRun& r, size_t from, double* to) {
                copies.push_back({r.group, from, to, r.count});
            });
        }

        // Calls add(run, offset in the group's state buffer, destination of step 0) for each
        // recorded row of each run.
        template <class Add>
        static void forEachCopy(Impl& sim, const Engine& eng, const std::vector<RecordRun>& runs, Add add) {
            const Record record = sim.options.record;
            const size_t rowSize = size_t(eng.batch) * eng.neuronCount;
            for (const RecordRun& r : runs) {
                const ModelGroup& grp = eng.groups[r.group];
                const int vi = grp.spec->voltageIndex;
                const int ci = grp.spec->calciumIndex >= 0 ? grp.spec->calciumIndex : vi;  // Ca = V without calcium
                const int rows = record == Record::VoltageCalcium ? 2 : grp.recordStates;
                double* to = sim.result.sets[r.set].values.data() + r.dstOffset;
                for (int row = 0; row < rows; ++row) {
                    const int state = record == Record::VoltageCalcium ? (row == 0 ? vi : ci) : row;
                    add(r, size_t(state) * grp.stride + r.elem, to + row * rowSize);
                }
            }
        }

        // The recorded rows of `state`, the state after step t.
        void record(const std::vector<AlignedVector>& state, int t) const {
            const size_t at = size_t(t) * stepSize;
            for (const Copy& c : copies) {
                const double* from = state[c.group].data() + c.from;
                double* to = c.to + at;
                __builtin_prefetch(to + 16 * stepSize, 1);
                if (N == 1) copyShort(from, c.count, to);
                else
                    for (int b = 0; b < c.count; ++b) to[size_t(b) * N] = from[b];
            }
        }

        // A run is one set's batch entries, usually a few: copies of a known length are a few
        // moves, where a loop of unknown length would cost more than the copying.
        static void copyShort(const double* from, int count, double* to) {
            if (!withFixedLength(count, [&](auto c) { copyFixed<decltype(c)::value>(from, to); })) std::copy_n(from, count, to);
        }
        // Calls f(std::integral_constant<int, count>) for counts 1-8 and returns true; false
        // for other counts.
        template <class F>
        static bool withFixedLength(int count, F&& f) {
            return [&]<int... C>(std::integer_sequence<int, C...>) {
                return ((count == C + 1 && (f(std::integral_constant<int, C + 1>{}), true)) || ...);
            }(std::make_integer_sequence<int, 8>{});
        }
        template <int C>
        static void copyFixed(const double* from, double* to) {
            for (int b = 0; b < C; ++b) to[b] = from[b];
        }
    };

    // The recorder of one chunk of one group's elements (runIndependent): as Recorder, with the
    // state buffer given directly, and the runs that hold a whole set's batch (all but those
    // cut by the chunk's edges) copied by a loop of fixed length chosen once per step.
    struct ChunkRecorder {
        struct Copy {
            size_t from;  // offset in the group's state buffer
            double* to;   // destination of step 0
            int count;    // elements; destination stride = neurons
        };
        std::vector<Copy> whole, cut;  // runs of `batch` elements, and shorter ones
        size_t stepSize;               // values of one step in a trajectory
        int B, N;

        ChunkRecorder(Impl& sim, const Engine& eng, const std::vector<RecordRun>& runs, int S)
            : stepSize(size_t(S) * eng.batch * eng.neuronCount), B(eng.batch), N(eng.neuronCount) {
            Recorder::forEachCopy(sim, eng, runs, [&](const RecordRun& r, size_t from, double* to) {
                (r.count == B && N == 1 ? whole : cut).push_back({from, to, r.count});
            });
        }

        // The recorded rows of `state` (the group's buffer), the state after step t.
        void record(const double* state, int t) const {
            const size_t at = size_t(t) * stepSize;
            const bool fixed = Recorder::withFixedLength(B, [&](auto b) {
                for (const Copy& c : whole) Recorder::copyFixed<decltype(b)::value>(state + c.from, c.to + at);
            });
            if (!fixed)
                for (const Copy& c : whole) std::memcpy(c.to + at, state + c.from, sizeof(double) * B);
            for (const Copy& c : cut)
                for (int b = 0; b < c.count; ++b) c.to[at + size_t(b) * N] = state[c.from + b];
        }
    };

    static constexpr int checkEvery = 256;  // steps between looks at the cancel flag

    // A circuit with connections: every thread steps its elements of every group, step by step,
    // and waits at a barrier for the others before the next step reads the whole state.
    void runCoupled(const Stimulus& stim, int threads, int S, const std::vector<DetailRef>& details) {
        const Engine& eng = *engine;
        const int T = stim.steps;
        const std::atomic<bool>* cancel = options.cancel;
        const auto& progress = options.progress;
        bool stop = false;  // all threads stop at the same step
#pragma omp parallel num_threads(threads)
        {
            const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
            Scratch scratch(Engine::block);
            std::vector<std::pair<int, int>> range(eng.groups.size());
            std::vector<RecordRun> runs;
            for (size_t g = 0; g < eng.groups.size(); ++g) {
                range[g] = eng.rangeFor(int(g), nth, tid);
                if (S > 0) addRuns(eng, int(g), range[g].first, range[g].second, runs);
            }
            const Recorder recorder(*this, eng, runs, S);
            CircuitInputs inputs(eng, range);
            std::vector<const double*> oldPtr(eng.groups.size());
            for (int t = 0; t < T; ++t) {
                auto& oldBuf = (t % 2 == 0) ? bufA : bufB;
                auto& newBuf = (t % 2 == 0) ? bufB : bufA;
                for (size_t g = 0; g < eng.groups.size(); ++g) oldPtr[g] = oldBuf[g].data();
                inputs.compute(oldPtr, stim, t);
                for (size_t g = 0; g < eng.groups.size(); ++g) {
                    const auto [e0, e1] = range[g];
                    eng.stepGroup(int(g), oldBuf[g].data(), newBuf[g].data(), e0, e1, inputs.input(int(g)), scratch);
                }
                if (S > 0) recorder.record(newBuf, t);
                if (!details.empty()) recordDetail(details, newBuf, t, range);
                if ((t + 1) % checkEvery == 0) {
#pragma omp barrier
#pragma omp master
                    {
                        if (cancel && cancel->load()) stop = true;
                        if (progress) progress(double(t + 1) / T);
                    }
                }
#pragma omp barrier
                if (stop) break;
            }
        }
        result.cancelled = stop;
    }

    // Independent lanes (no connections): no element reads another's state, so each thread
    // takes its elements a chunk at a time through a block of steps (checkEvery), with no
    // barrier. A chunk's parameters, derived constants and states (about 0.5 kB per celegans
    // element) then stay in the L1 cache for the block's steps, where stepping every element
    // once per step streamed them all from L2 each step; and each step's recorded values go to
    // the few sets of the chunk. Every element goes through the same operations either way, so
    // results are the same bits.
    void runIndependent(const Stimulus& stim, int threads, int S, const std::vector<DetailRef>& details) {
        const Engine& eng = *engine;
        const int T = stim.steps, B = eng.batch;
        const std::atomic<bool>* cancel = options.cancel;
        const auto& progress = options.progress;
        // One neuron: lane l's input at step t is stimulus row t's entry l % batch. A block's rows
        // are then laid out once, each repeated along a line of (widest chunk + batch) values, so
        // that a chunk reads its elements' inputs from line t at offset (first lane % batch), where
        // gathering them element by element every step took as long as recording.
        const bool repeatRows = eng.neuronCount == 1;
        std::atomic<bool> anyStopped{false};
#pragma omp parallel num_threads(threads)
        {
            const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
            Scratch scratch(Engine::block);
            struct Chunk {
                int group, c0, c1;
                ChunkRecorder recorder;
            };
            std::vector<Chunk> chunks;
            int widest = 0;
            for (size_t g = 0; g < eng.groups.size(); ++g) {
                const auto [e0, e1] = eng.rangeFor(int(g), nth, tid);
                // Serial kernels (an LSTM's sets share work across lanes) take their range whole.
                const ModelKernels& kernels = *eng.groups[g].kernels;
                const int chunk = kernels.serial() ? std::max(e1 - e0, 1)
                                  : kernels.chunkElements() > 0 ? kernels.chunkElements() : Engine::block;
                for (int c0 = e0; c0 < e1; c0 += chunk) {
                    const int c1 = std::min(c0 + chunk, e1);
                    std::vector<RecordRun> runs;
                    if (S > 0) addRuns(eng, int(g), c0, c1, runs);
                    chunks.push_back({int(g), c0, c1, ChunkRecorder(*this, eng, runs, S)});
                    widest = std::max(widest, c1 - c0);
                }
            }
            const size_t line = size_t(widest) + B;
            AlignedVector rows(repeatRows ? line * checkEvery : 0);
            std::vector<std::pair<int, int>> chunkRange(eng.groups.size());
            for (int t0 = 0; t0 < T; t0 += checkEvery) {
                const int t1 = std::min(T, t0 + checkEvery);
                if (repeatRows)
                    for (int t = t0; t < t1; ++t) {
                        const double* row = stim.current.data() + size_t(t) * B;
                        double* to = rows.data() + size_t(t - t0) * line;
                        for (size_t j = 0, b = 0; j < line; ++j, b = b + 1 == size_t(B) ? 0 : b + 1) to[j] = row[b];
                    }
                for (const Chunk& c : chunks) {
                    double *a = bufA[c.group].data(), *b = bufB[c.group].data();
                    const int phase = c.c0 % eng.lanes % B;
                    for (auto& r : chunkRange) r = {0, 0};
                    chunkRange[c.group] = {c.c0, c.c1};
                    for (int t = t0; t < t1; ++t) {
                        const bool even = t % 2 == 0;
                        double* old = even ? a : b;
                        double* out = even ? b : a;
                        if (repeatRows)
                            eng.stepGroup(c.group, old, out, c.c0, c.c1, rows.data() + size_t(t - t0) * line + phase,
                                          scratch);
                        else
                            eng.stepGroup(c.group, old, out, c.c0, c.c1, stim, t, nullptr, scratch);
                        if (S > 0) c.recorder.record(out, t);
                        if (!details.empty()) recordDetail(details, even ? bufB : bufA, t, chunkRange);
                    }
                }
                // Each thread looks for itself; thread 0 reports.
                if (t1 < T && cancel && cancel->load()) {
                    anyStopped = true;
                    break;
                }
                if (t1 < T && tid == 0 && progress) progress(double(t1) / T);
            }
        }
        result.cancelled = anyStopped;
    }

    // Final state [set][batch][neuron][maxStates] from the buffer the last step wrote.
    void storeFinalState(int T) {
        const Engine& eng = *engine;
        const int L = eng.lanes, B = eng.batch, N = eng.neuronCount, MS = result.maxStates;
        result.finalState.assign(size_t(sets) * B * N * MS, std::nan(""));
        const auto& last = (T % 2 == 0) ? bufA : bufB;
        for (size_t g = 0; g < eng.groups.size(); ++g) {
            const ModelGroup& grp = eng.groups[g];
            for (int k = 0; k < grp.elems; ++k) {
                const int slot = k / L, lane = k % L, set = lane / B, b = lane % B, n = grp.neurons[slot];
                for (int s = 0; s < grp.recordStates; ++s)
                    result.finalState[((size_t(set) * B + b) * N + n) * MS + s] = last[g][size_t(s) * grp.stride + k];
            }
        }
    }
};

Simulation::Simulation(const Circuit& circuit, int setCount, SimulationOptions options)
    : impl_(std::make_unique<Impl>(circuit, setCount, std::move(options))) {}
Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

const Circuit& Simulation::circuit() const { return impl_->circuit; }
const ParameterLayout& Simulation::layout() const { return impl_->layout; }
int Simulation::setCount() const { return impl_->sets; }
SimulationOptions& Simulation::options() { return impl_->options; }

void Simulation::setParameters(const std::vector<double>& population) { impl_->setParameters(population); }

void Simulation::setParameters(const Circuit& c) {
    if (!sameShape(c, impl_->circuit))
        throw InputError({}, 0, "circuit", "its neurons, models or connections differ from the simulation's");
    const std::vector<double> own = impl_->layout.values(c);
    std::vector<double> pop;
    pop.reserve(size_t(impl_->sets) * own.size());
    for (int s = 0; s < impl_->sets; ++s) pop.insert(pop.end(), own.begin(), own.end());
    impl_->setParameters(pop);
}

bool Simulation::hasShapeOf(const Circuit& c) const { return sameShape(c, impl_->circuit); }

const SimulationResult& Simulation::run(const Stimulus& stimulus) { return impl_->run(stimulus); }

SimulationResult Simulation::takeResult() { return std::move(impl_->result); }

}  // namespace odynn
