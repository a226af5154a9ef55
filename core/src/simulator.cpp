// Forward simulation over lanes (sets x batch), threaded with OpenMP: each thread owns a
// fixed range of elements of every model group and of the connections; two barriers per
// step separate "compute connection currents from the old state" and "step all neurons".
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "engine.hpp"
#include "odynn/errors.hpp"
#include "odynn/simulator.hpp"

namespace odynn {
using namespace detail;

namespace {

void checkArguments(const Circuit& c, const ParameterLayout& layout, const std::vector<double>& pop, int sets,
                    const Stimulus& stim) {
    c.validate();
    if (sets < 1) throw InputError({}, 0, "population", "at least one parameter set is needed");
    if (pop.size() != size_t(sets) * layout.size())
        throw InputError({}, 0, "population", "expected " + std::to_string(size_t(sets) * layout.size()) + " values");
    for (size_t i = 0; i < pop.size(); ++i)
        if (!std::isfinite(pop[i]))
            throw InputError({}, 0, layout.entries()[i % layout.size()].name, "parameter is not a finite number");
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

int maxStates(const Circuit& c) {
    int m = 1;
    for (const auto& n : c.neurons) m = std::max(m, modelSpec(n.model).stateCount());
    return m;
}

// Copies elements [e0, e1) of group g after step t into each set's trajectory. Elements are
// visited as runs of consecutive lanes of one (neuron, set), so the inner copy is a plain
// strided loop over batch entries.
void recordStep(const Engine& eng, int g, const double* state, int e0, int e1, int t, Record record,
                std::vector<Trajectory>& out) {
    const ModelGroup& grp = eng.groups[g];
    const int L = eng.lanes, B = eng.batch, N = eng.neuronCount;
    const int ci = grp.spec->calciumIndex >= 0 ? grp.spec->calciumIndex : 0;
    const int recorded = record == Record::VoltageCalcium ? 2 : grp.recordStates;
    for (int k = e0; k < e1;) {
        const int slot = k / L, lane = k % L, set = lane / B, b0 = lane % B;
        const int run = std::min(B - b0, e1 - k);
        Trajectory& tr = out[set];
        const int n = grp.neurons[slot];
        for (int r = 0; r < recorded; ++r) {
            const int src = record == Record::VoltageCalcium ? (r == 0 ? 0 : ci) : r;
            const double* from = state + size_t(src) * grp.stride + k;
            double* to = tr.values.data() + ((size_t(t) * tr.states + r) * B + b0) * N + n;
            for (int b = 0; b < run; ++b) to[size_t(b) * N] = from[b];
        }
        k += run;
    }
}

}  // namespace

std::vector<std::string> recordedStateNames(const Circuit& c, Record record) {
    if (record == Record::VoltageCalcium) return {"V", "cac"};
    if (record == Record::None) return {};
    const ModelSpec* widest = nullptr;
    for (const auto& n : c.neurons) {
        const ModelSpec& s = modelSpec(n.model);
        if (!widest || s.stateCount() > widest->stateCount()) widest = &s;
    }
    return widest ? widest->stateNames : std::vector<std::string>{};
}

SimulationResult simulate(const Circuit& c, const Stimulus& stim, const SimulationOptions& opt) {
    const ParameterLayout layout(c);
    return simulate(c, layout.values(c), 1, stim, opt);
}

SimulationResult simulate(const Circuit& c, const std::vector<double>& pop, int sets, const Stimulus& stim,
                          const SimulationOptions& opt) {
    const ParameterLayout layout(c);
    checkArguments(c, layout, pop, sets, stim);
    const Engine eng(c, layout, pop.data(), sets, stim.batch);
    const int L = eng.lanes, N = eng.neuronCount, B = stim.batch, T = stim.steps;
    const int S = opt.record == Record::AllStates ? maxStates(c) : opt.record == Record::VoltageCalcium ? 2 : 0;

    SimulationResult res;
    res.maxStates = maxStates(c);
    if (S > 0) res.sets.resize(sets);
    // Padding with NaN is only needed where a neuron records fewer states than the widest.
    bool padded = false;
    for (const auto& g : eng.groups) padded |= opt.record == Record::AllStates && g.recordStates < S;
    std::vector<AlignedVector> bufA, bufB;
    eng.initialState(bufA);
    bufB = bufA;
    std::vector<double> cur(size_t(eng.conn.count) * L, 0.0);

    const int threads = eng.threadsFor(opt.threads);
    bool stop = false;
    const int checkEvery = 256;

#pragma omp parallel num_threads(threads)
    {
        const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
        Scratch scratch(Engine::block);
        const auto [c0, c1] = splitRange(eng.conn.count, nth, tid);
        // Trajectories are allocated (first touched) by the threads in parallel.
#pragma omp for schedule(static)
        for (int set = 0; set < int(res.sets.size()); ++set) {
            Trajectory& tr = res.sets[set];
            tr.steps = T; tr.states = S; tr.batch = B; tr.neurons = N;
            tr.values.assign(size_t(T) * S * B * N, padded ? std::nan("") : 0.0);
        }
        std::vector<const double*> oldPtr(eng.groups.size());
        for (int t = 0; t < T; ++t) {
            auto& oldBuf = (t % 2 == 0) ? bufA : bufB;
            auto& newBuf = (t % 2 == 0) ? bufB : bufA;
            for (size_t g = 0; g < eng.groups.size(); ++g) oldPtr[g] = oldBuf[g].data();
            if (eng.conn.count > 0) {
                eng.connectionCurrents(oldPtr, cur.data(), c0, c1, scratch);
#pragma omp barrier
            }
            for (size_t g = 0; g < eng.groups.size(); ++g) {
                const ModelGroup& grp = eng.groups[g];
                const auto [e0, e1] = eng.rangeFor(int(g), nth, tid);
                eng.stepGroup(int(g), oldBuf[g].data(), newBuf[g].data(), e0, e1, stim, t, cur.data(), scratch);
                if (S == 0 || e0 >= grp.elems) continue;
                recordStep(eng, int(g), newBuf[g].data(), e0, std::min(e1, grp.elems), t, opt.record, res.sets);
            }
            if (eng.conn.count > 0 || (t + 1) % checkEvery == 0) {
                if ((t + 1) % checkEvery == 0) {
#pragma omp barrier
#pragma omp master
                    {
                        if (opt.cancel && opt.cancel->load()) stop = true;
                        if (opt.progress) opt.progress(double(t + 1) / T);
                    }
                }
#pragma omp barrier
                if (stop) break;
            }
        }
    }
    res.cancelled = stop;
    // Final state [set][batch][neuron][maxStates].
    const int MS = res.maxStates;
    res.finalState.assign(size_t(sets) * B * N * MS, std::nan(""));
    const auto& last = (T % 2 == 0) ? bufA : bufB;
    for (size_t g = 0; g < eng.groups.size(); ++g) {
        const ModelGroup& grp = eng.groups[g];
        for (int k = 0; k < grp.elems; ++k) {
            const int slot = k / L, lane = k % L, set = lane / B, b = lane % B, n = grp.neurons[slot];
            for (int s = 0; s < grp.recordStates; ++s)
                res.finalState[((size_t(set) * B + b) * N + n) * MS + s] = last[g][size_t(s) * grp.stride + k];
        }
    }
    if (opt.progress && !stop) opt.progress(1.0);
    return res;
}

}  // namespace odynn
