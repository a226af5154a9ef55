// Loss and its exact gradient by a reverse pass through time (discrete adjoint of the update
// map). The forward pass stores every state, or every k-th (checkpointing through time, when the
// trajectory would exceed the memory budget); the reverse pass walks the steps backwards:
//   adj(H[t]) = (dstep/dH[t])^T adj(H[t+1]) + (dcouple/dH[t])^T adj(input_t) + dLoss/dH[t]
// where input_t = stimulus_t + connection currents computed from H[t]. Parameter gradients
// accumulate per element and are summed over batch entries of each set at the end.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "engine.hpp"
#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"

namespace odynn {
using namespace detail;

namespace {

struct Targets {
    const FitDataset& data;
    const LossWeights& w;
    std::vector<double> neuronWeight;
    double scaleV = 0, scaleCa = 0;  // w / count of target entries, 0 when no target

    Targets(const FitDataset& d, const LossWeights& weights, int neurons) : data(d), w(weights) {
        neuronWeight = weights.perNeuron.empty() ? std::vector<double>(neurons, 1.0) : weights.perNeuron;
        auto count = [](const std::vector<double>& v) {
            return double(std::count_if(v.begin(), v.end(), [](double x) { return std::isfinite(x); }));
        };
        const double cv = count(d.targetV), cc = count(d.targetCa);
        if (cv > 0) scaleV = w.v / cv;
        if (cc > 0) scaleCa = w.ca / cc;
    }
};

void checkData(const Circuit& c, const ParameterLayout& layout, const std::vector<double>& pop, int sets,
               const FitDataset& d, const LossWeights& w) {
    c.validate();
    const Stimulus& s = d.stimulus;
    if (sets < 1 || pop.size() != size_t(sets) * layout.size())
        throw InputError({}, 0, "population", "size does not match the circuit's parameters");
    if (s.neurons != int(c.neurons.size()) || s.steps < 1 || s.batch < 1)
        throw InputError({}, 0, "data", "stimulus shape does not match the circuit");
    const size_t n = size_t(s.steps) * s.batch * s.neurons;
    if ((!d.targetV.empty() && d.targetV.size() != n) || (!d.targetCa.empty() && d.targetCa.size() != n))
        throw InputError({}, 0, "data", "target shape does not match the stimulus");
    if (!w.perNeuron.empty() && w.perNeuron.size() != c.neurons.size())
        throw InputError({}, 0, "weights", "one weight per neuron is needed");
}

// Runs the forward pass storing every state (history[g] = [T+1][state][elem], each state
// followed by what its step kept for the reverse) and the loss of every element; when
// `reverse` is set, also the reverse pass into elemGrad / connGrad.
// Large buffers of a pass. They are kept between calls from the same thread (an optimizer
// evaluates the same shapes every epoch), which saves the page faults of fresh allocations.
struct Workspace {
    std::vector<AlignedVector> history, checkpoints, elemGrad, adjA, adjB, adjIn, coupling;
    std::vector<double> connGrad, elemLoss, cur, dPre, dPost;
};
thread_local Workspace workspace;

struct Pass {
    const Engine& eng;
    const FitDataset& data;
    const Targets& tg;
    int T;
    Workspace& ws = workspace;
    std::vector<AlignedVector>& history = ws.history;
    std::vector<AlignedVector>& elemGrad = ws.elemGrad;
    std::vector<double>& connGrad = ws.connGrad;
    std::vector<double>& elemLoss = ws.elemLoss;
    std::vector<size_t> lossOffset;  // per group, into elemLoss
    // Optional: signed residuals of every target entry, [set][entry] (lossResiduals).
    double* residuals = nullptr;
    const std::vector<int>* residualIndex = nullptr;  // (t-1, batch, neuron, V|Ca) -> entry, -1: no target
    size_t residualCount = 0;                         // entries per set
    // Coupling::Recorded: the voltages the connections read before each step, laid out as a
    // state buffer per group (only its V row is used): each element's recorded V where the
    // data have one, its own V elsewhere.
    bool recordedCoupling = false;
    std::vector<const double*> couplingPtr;

    Pass(const Engine& e, const FitDataset& d, const Targets& t, Coupling coupling = Coupling::Simulated)
        : eng(e), data(d), tg(t), T(d.stimulus.steps),
          recordedCoupling(coupling == Coupling::Recorded && !d.targetV.empty() && e.conn.count > 0) {
        deriveLossFactors();
        if (recordedCoupling) {
            ws.coupling.resize(eng.groups.size());
            couplingPtr.resize(eng.groups.size());
            for (size_t g = 0; g < eng.groups.size(); ++g) {
                ws.coupling[g].assign(stateSize(int(g)), 0.0);
                couplingPtr[g] = ws.coupling[g].data();
            }
        }
    }

    // The recorded V of element k of group g before step t (the state after step t - 1, row
    // t - 1 of the targets), NaN where there is none (step 0 starts from the model's state).
    double recordedBefore(int g, int k, int t) const {
        const ModelGroup& grp = eng.groups[g];
        if (t < 1 || k >= grp.elems) return std::nan("");
        return data.targetV[size_t(t - 1) * eng.batch * eng.neuronCount + size_t(grp.inputColumn[k])];
    }

    // This thread's elements of the coupling voltages before step t, from `state` (the state
    // after step t - 1) where nothing is recorded.
    void fillCoupling(int t, const std::vector<const double*>& state, const std::vector<std::pair<int, int>>& range) {
        for (size_t g = 0; g < eng.groups.size(); ++g) {
            const size_t v = eng.groups[g].voltageRow();
            double* to = ws.coupling[g].data() + v;
            const double* own = state[g] + v;
            for (int k = range[g].first; k < range[g].second; ++k) {
                const double x = recordedBefore(int(g), k, t);
                to[k] = std::isfinite(x) ? x : own[k];
            }
        }
    }

    size_t stateSize(int g) const { return size_t(eng.groups[g].states) * eng.groups[g].stride; }
    // A stored row of a pass with a reverse: the state after a step, then what the step kept
    // for the reverse (ModelKernels::keptRows); a forward-only pass keeps nothing.
    std::vector<size_t> rowSize;
    // What the step into `row` kept for the reverse; null where the group keeps nothing.
    template <typename Row>
    Row* kept(int g, Row* row) const {
        return rowSize[g] > stateSize(g) ? row + stateSize(g) : nullptr;
    }

    // Per group and element, the factors of its loss terms: scale * neuron weight (loss) and
    // 2 * scale * neuron weight (derivative), for V and for Ca; worked out once per pass so that
    // the loss of a step needs no lookup of the element's neuron. Each product is the one the
    // terms below begin with, so the loss and its derivative are the same bits as multiplying
    // them out every step.
    struct LossFactors {
        std::vector<double> v, ca, dv, dca;
    };
    std::vector<LossFactors> lossFactors;

    void deriveLossFactors() {
        lossFactors.resize(eng.groups.size());
        for (size_t g = 0; g < eng.groups.size(); ++g) {
            const ModelGroup& grp = eng.groups[g];
            LossFactors& f = lossFactors[g];
            for (auto* x : {&f.v, &f.ca, &f.dv, &f.dca}) x->resize(size_t(grp.elems));
            for (int k = 0; k < grp.elems; ++k) {
                const double wn = tg.neuronWeight[grp.neurons[k / eng.lanes]];
                f.v[k] = tg.scaleV * wn;
                f.ca[k] = tg.scaleCa * wn;
                f.dv[k] = 2.0 * tg.scaleV * wn;
                f.dca[k] = 2.0 * tg.scaleCa * wn;
            }
        }
    }

    // The loss terms of elements [e0, e1) of group g at history row t (t >= 1): with WithLoss
    // each element's term is added to loss[k], with WithAdjoint its derivative into adj (same
    // layout as the state). An element's stimulus column is also its target column.
    template <bool WithLoss, bool WithAdjoint>
    void lossRange(int g, int e0, int e1, int t, const double* state, double* loss, double* adj) const {
        const ModelGroup& grp = eng.groups[g];
        const LossFactors& f = lossFactors[g];
        const int B = eng.batch, N = eng.neuronCount;
        const int ci = grp.spec->calciumIndex >= 0 ? grp.spec->calciumIndex : grp.spec->voltageIndex;  // Ca = V without calcium
        const double* v = state + grp.voltageRow();
        const double* ca = state + size_t(ci) * grp.stride;
        double* adjV = WithAdjoint ? adj + grp.voltageRow() : nullptr;
        double* adjCa = WithAdjoint ? adj + size_t(ci) * grp.stride : nullptr;
        const bool useV = tg.scaleV > 0, useCa = tg.scaleCa > 0;
        const double* targetV = useV ? data.targetV.data() + size_t(t - 1) * B * N : nullptr;
        const double* targetCa = useCa ? data.targetCa.data() + size_t(t - 1) * B * N : nullptr;
        e1 = std::min(e1, grp.elems);  // padding elements have no loss
        if (e1 <= e0) return;
        LossTerms terms{e1 - e0,
                        grp.inputColumn.data() + e0,
                        v + e0,
                        ca + e0,
                        targetV,
                        targetCa,
                        f.v.data() + e0,
                        f.ca.data() + e0,
                        f.dv.data() + e0,
                        f.dca.data() + e0,
                        WithLoss ? loss + e0 : nullptr,
                        WithAdjoint ? adjV + e0 : nullptr,
                        WithAdjoint ? adjCa + e0 : nullptr};
        kernels().lossTerms(terms);
    }

    // Adds the loss at row t of elements [e0, e1) into elemLoss, element by element (so that a
    // set's loss does not depend on how its lanes are split between threads).
    void accumulateLoss(int g, int e0, int e1, int t, const double* state) {
        e1 = std::min(e1, eng.groups[g].elems);  // padding elements have no loss
        lossRange<true, false>(g, e0, e1, t, state, elemLoss.data() + lossOffset[g], nullptr);
        if (residuals) recordResiduals(g, e0, e1, t, state);
    }

    // Per group and element, where its residuals go and their factors: the offset of its set's
    // residuals and sqrt(scale * neuron weight) for V and Ca (the square roots of the loss
    // factors); worked out once per pass (deriveResidualFactors) so that a step needs no division
    // to find the element's lane and set. Its cell within a row of targets is its stimulus
    // column (ModelGroup::inputColumn). The factors are the products the residuals were always
    // made of, so the residuals are the same bits.
    struct ResidualFactors {
        std::vector<size_t> setOffset;
        std::vector<double> v, ca;
    };
    std::vector<ResidualFactors> residualFactors;

    void deriveResidualFactors() {
        residualFactors.resize(eng.groups.size());
        for (size_t g = 0; g < eng.groups.size(); ++g) {
            const ModelGroup& grp = eng.groups[g];
            const LossFactors& loss = lossFactors[g];
            ResidualFactors& f = residualFactors[g];
            for (auto* x : {&f.v, &f.ca}) x->resize(size_t(grp.elems));
            f.setOffset.resize(size_t(grp.elems));
            for (int k = 0; k < grp.elems; ++k) {
                f.setOffset[k] = size_t(k % eng.lanes / eng.batch) * residualCount;
                f.v[k] = std::sqrt(loss.v[k]);
                f.ca[k] = std::sqrt(loss.ca[k]);
            }
        }
    }

    // r = sqrt(w / count * w_n) (x - x*) for the target entries at row t of elements [e0, e1),
    // so that a set's loss is the sum of its r^2.
    void recordResiduals(int g, int e0, int e1, int t, const double* state) const {
        const ModelGroup& grp = eng.groups[g];
        const ResidualFactors& f = residualFactors[g];
        const int ci = grp.spec->calciumIndex >= 0 ? grp.spec->calciumIndex : grp.spec->voltageIndex;
        const double* v = state + grp.voltageRow();
        const double* ca = state + size_t(ci) * grp.stride;
        const bool useV = tg.scaleV > 0, useCa = tg.scaleCa > 0;
        const size_t row = size_t(t - 1) * eng.batch * eng.neuronCount;
        const int* index = residualIndex->data();
        const int* column = grp.inputColumn.data();
        for (int k = e0; k < e1; ++k) {
            const size_t at = row + size_t(column[k]);
            double* out = residuals + f.setOffset[k];
            const int iv = index[2 * at], ic = index[2 * at + 1];
            if (useV && iv >= 0) out[iv] = f.v[k] * (v[k] - data.targetV[at]);
            if (useCa && ic >= 0) out[ic] = f.ca[k] * (ca[k] - data.targetCa[at]);
        }
    }

    // Forward pass, and with `reverse` the reverse pass. `segment` = 0 stores every state of the
    // forward pass; otherwise only every segment-th state is kept (a checkpoint) and the reverse
    // pass recomputes one segment at a time from its checkpoint. The recomputed states are those
    // of the forward pass bit for bit (the same kernels on the same inputs), so the gradient is
    // the same either way; it costs one more forward pass and memory ~(T/segment + segment) rows.
    void run(int threads, bool reverse, int segment) {
        const int G = int(eng.groups.size()), C = eng.conn.count, L = eng.lanes;
        const bool storeAll = reverse && segment == 0;
        const int K = storeAll ? T : segment;  // rows of a segment after its first
        const int rows = !reverse ? 2 : K + 1;
        const int checkpoints = reverse && !storeAll ? (T + K - 1) / K : 0;
        std::vector<AlignedVector> init;
        eng.initialState(init);
        history.resize(G);
        ws.checkpoints.resize(G);
        rowSize.resize(G);
        for (int g = 0; g < G; ++g) {
            const ModelGroup& grp = eng.groups[g];
            rowSize[g] = size_t(grp.states + (reverse ? grp.kernels->keptRows() : 0)) * grp.stride;
            history[g].resize(rows * rowSize[g]);  // every row is written before it is read
            ws.checkpoints[g].resize(checkpoints * stateSize(g));
            std::copy(init[g].begin(), init[g].end(), history[g].begin());
        }
        elemLoss.assign(0, 0.0);
        lossOffset.assign(G + 1, 0);
        for (int g = 0; g < G; ++g) lossOffset[g + 1] = lossOffset[g] + eng.groups[g].elems;
        elemLoss.assign(lossOffset[G], 0.0);
        auto& cur = ws.cur;
        auto &adjA = ws.adjA, &adjB = ws.adjB, &adjIn = ws.adjIn;
        auto &dPre = ws.dPre, &dPost = ws.dPost;
        cur.assign(size_t(C) * L, 0.0);
        adjA.resize(G);
        adjB.resize(G);
        adjIn.resize(G);
        if (reverse) {
            elemGrad.resize(G);
            for (int g = 0; g < G; ++g) {
                const ModelGroup& grp = eng.groups[g];
                elemGrad[g].assign(grp.perSetWeights() ? size_t(eng.sets) * grp.weightStride : size_t(grp.params) * grp.stride,
                                   0.0);
                adjA[g].assign(stateSize(g), 0.0);
                adjB[g].assign(stateSize(g), 0.0);
                adjIn[g].assign(eng.groups[g].stride, 0.0);
            }
            connGrad.assign(4 * size_t(C) * L, 0.0);
            dPre.assign(size_t(C) * L, 0.0);
            dPost.assign(size_t(C) * L, 0.0);
        }
        const bool recomputeInputs = eng.reverseNeedsInput();

#pragma omp parallel num_threads(threads)
        {
            const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
            Scratch s(Engine::block);
            // Plain ints rather than a structured binding: lambdas below capture them (clang 14
            // rejects capturing structured bindings).
            const std::pair<int, int> connRange = splitRange(C, nth, tid);
            const int c0 = connRange.first, c1 = connRange.second;
            std::vector<std::pair<int, int>> range(G);
            for (int g = 0; g < G; ++g) range[g] = eng.rangeFor(g, nth, tid);
            std::vector<const double*> ptr(G);
            // State after step t - 1 (t = 0: the initial state). The forward pass of a checkpointed
            // run alternates two rows; a recomputed segment starting at step `first` fills rows
            // 0..K. Each thread tracks `first` itself, as threads without connections never meet.
            int first = 0;
            bool forward = true;
            auto row = [&](int g, int t) {
                const int r = storeAll ? t : forward ? t % 2 : t - first;
                return history[g].data() + size_t(r) * rowSize[g];
            };
            // This thread's elements of row `from` into row `to` (whole state rows of a group).
            auto copyOwn = [&](double* to, const double* from, int g) {
                const ModelGroup& grp = eng.groups[g];
                const auto [e0, e1] = range[g];
                for (int st = 0; st < grp.states; ++st)
                    std::copy(from + size_t(st) * grp.stride + e0, from + size_t(st) * grp.stride + e1,
                              to + size_t(st) * grp.stride + e0);
            };
            // Steps t0..t1-1; with the loss for a pass that the loss has not yet seen.
            auto steps = [&](int t0, int t1, bool withLoss) {
                for (int t = t0; t < t1; ++t) {
                    for (int g = 0; g < G; ++g) ptr[g] = row(g, t);
                    if (checkpoints > 0 && forward && t % K == 0)
                        for (int g = 0; g < G; ++g)
                            copyOwn(ws.checkpoints[g].data() + size_t(t / K) * stateSize(g), ptr[g], g);
                    if (C > 0) {
                        if (recordedCoupling) {
                            fillCoupling(t, ptr, range);
#pragma omp barrier
                        }
                        eng.connectionCurrents(recordedCoupling ? couplingPtr : ptr, cur.data(), c0, c1, s);
#pragma omp barrier
                    }
                    for (int g = 0; g < G; ++g) {
                        double* out = row(g, t + 1);
                        // The checkpointed forward pass keeps nothing: its segments are recomputed.
                        double* keep = storeAll || !forward ? kept(g, out) : nullptr;
                        eng.stepGroup(g, ptr[g], out, range[g].first, range[g].second, data.stimulus, t, cur.data(), s,
                                      keep);
                        if (withLoss) accumulateLoss(g, range[g].first, range[g].second, t + 1, out);
                    }
                    if (C > 0) {
#pragma omp barrier
                    }
                }
            };

            steps(0, T, true);
            if (reverse) {
                forward = false;
                // Without connections each thread's elements are independent: no barrier needed.
                if (C > 0) {
#pragma omp barrier
                }
                // Recomputes the segment that ends with step t (t + 1 states after its checkpoint).
                auto recompute = [&](int t) {
                    first = t / K * K;
                    for (int g = 0; g < G; ++g)
                        copyOwn(history[g].data(), ws.checkpoints[g].data() + size_t(first / K) * stateSize(g), g);
                    if (C > 0) {
#pragma omp barrier
                    }
                    steps(first, t + 1, false);
                };
                if (!storeAll) recompute(T - 1);
                // adj(H[T]) = dLoss/dH[T]
                for (int g = 0; g < G; ++g)
                    lossRange<false, true>(g, range[g].first, range[g].second, T, row(g, T), nullptr, adjA[g].data());
                std::vector<const double*> adjInPtr(G);
                for (int g = 0; g < G; ++g) adjInPtr[g] = adjIn[g].data();
                for (int t = T - 1; t >= 0; --t) {
                    if (!storeAll && t < first) {
                        if (C > 0) {
#pragma omp barrier
                        }
                        recompute(t);
                    }
                    auto& adjNew = (T - 1 - t) % 2 == 0 ? adjA : adjB;
                    auto& adjOld = (T - 1 - t) % 2 == 0 ? adjB : adjA;
                    for (int g = 0; g < G; ++g) ptr[g] = row(g, t);
                    const std::vector<const double*>& couplingState = recordedCoupling ? couplingPtr : ptr;
                    if (C > 0) {
#pragma omp barrier
                        if (recordedCoupling) {
                            fillCoupling(t, ptr, range);
#pragma omp barrier
                        }
                        if (recomputeInputs) {
                            // Some kernels' reverse reads the step's input, hence its connection currents.
                            eng.connectionCurrents(couplingState, cur.data(), c0, c1, s);
#pragma omp barrier
                        }
                    }
                    for (int g = 0; g < G; ++g)
                        eng.reverseGroup(g, ptr[g], row(g, t + 1), kept(g, row(g, t + 1)), adjNew[g].data(),
                                         adjOld[g].data(), adjIn[g].data(), elemGrad[g].data(), range[g].first,
                                         range[g].second, data.stimulus, t, cur.data(), s);
                    if (C > 0) {
#pragma omp barrier
                        eng.reverseConnections(couplingState, adjInPtr, dPre.data(), dPost.data(), connGrad.data(), c0,
                                               c1, s);
#pragma omp barrier
                        for (int g = 0; g < G; ++g) {
                            const ModelGroup& grp = eng.groups[g];
                            for (int k = range[g].first; k < std::min(range[g].second, grp.elems); ++k) {
                                // A recorded voltage is data: no adjoint flows into the state through it.
                                if (recordedCoupling && std::isfinite(recordedBefore(g, k, t))) continue;
                                const int n = grp.neurons[k / L], lane = k % L;
                                double a = 0;
                                for (int q = eng.conn.outStart[n]; q < eng.conn.outStart[n + 1]; ++q)
                                    a += dPre[size_t(eng.conn.outList[q]) * L + lane];
                                for (int q = eng.conn.inStart[n]; q < eng.conn.inStart[n + 1]; ++q)
                                    a += dPost[size_t(eng.conn.inList[q]) * L + lane];
                                adjOld[g][grp.voltageRow() + k] += a;
                            }
                        }
                    }
                    if (t >= 1)
                        for (int g = 0; g < G; ++g)
                            lossRange<false, true>(g, range[g].first, range[g].second, t, ptr[g], nullptr,
                                                   adjOld[g].data());
                }
            }
        }
    }
};

// Steps between checkpoints of the reverse pass: 0 (store every state) when the whole forward
// trajectory (each state with what its step kept for the reverse) fits in `historyBytes`, else
// ceil(sqrt(T)), which needs the least memory (~2 sqrt(T) states) for the same cost (each step
// recomputed once).
int checkpointSegment(const Engine& eng, int T, std::size_t historyBytes) {
    std::size_t rowBytes = 0;
    for (const auto& g : eng.groups)
        rowBytes += std::size_t(g.states + g.kernels->keptRows()) * g.stride * sizeof(double);
    if ((std::size_t(T) + 1) * rowBytes <= historyBytes) return 0;
    return int(std::ceil(std::sqrt(double(T))));
}

// Adds the pass's loss, and with `withGradient` its gradient, of the engine's sets into out's
// sets from firstSet on (out sized for the whole population).
void collect(const Engine& eng, const ParameterLayout& layout, const Pass& pass, bool withGradient, int firstSet,
             LossGradient& out) {
    const int P = layout.size(), L = eng.lanes, B = eng.batch;
    double* loss = out.loss.data() + firstSet;
    for (size_t g = 0; g < eng.groups.size(); ++g)
        for (int k = 0; k < eng.groups[g].elems; ++k) loss[(k % L) / B] += pass.elemLoss[pass.lossOffset[g] + k];
    if (!out.neuronLoss.empty()) {
        const int N = eng.neuronCount;
        double* byNeuron = out.neuronLoss.data() + size_t(firstSet) * N;
        for (size_t g = 0; g < eng.groups.size(); ++g)
            for (int k = 0; k < eng.groups[g].elems; ++k)
                byNeuron[size_t((k % L) / B) * N + eng.groups[g].neurons[k / L]] += pass.elemLoss[pass.lossOffset[g] + k];
    }
    if (!withGradient) return;
    double* gradient = out.gradient.data() + size_t(firstSet) * P;
    const size_t CL = size_t(eng.conn.count) * L;
    const int nGaps = (eng.conn.count - eng.conn.synapses) / 2;
    for (int p = 0; p < P; ++p) {
        const ParamEntry& e = layout.entries()[p];
        for (int s = 0; s < eng.sets; ++s) {
            double sum = 0;
            for (int b = 0; b < B; ++b) {
                const int lane = s * B + b;
                if (e.owner == ParamOwner::Neuron && eng.groups[eng.groupOf[e.index]].perSetWeights()) {
                    // Summed over the set's lanes by the network's reverse step.
                    if (b == 0)
                        sum += pass.elemGrad[eng.groupOf[e.index]][size_t(s) * eng.groups[eng.groupOf[e.index]].weightStride +
                                                                   e.slot];
                } else if (e.owner == ParamOwner::Neuron) {
                    const ModelGroup& grp = eng.groups[eng.groupOf[e.index]];
                    sum += pass.elemGrad[eng.groupOf[e.index]][size_t(e.slot) * grp.stride +
                                                               size_t(eng.slotOf[e.index]) * L + lane];
                } else if (e.owner == ParamOwner::Synapse) {
                    sum += pass.connGrad[size_t(e.slot) * CL + size_t(e.index) * L + lane];
                } else {
                    sum += pass.connGrad[size_t(eng.conn.synapses + e.index) * L + lane] +
                           pass.connGrad[size_t(eng.conn.synapses + nGaps + e.index) * L + lane];
                }
            }
            gradient[size_t(s) * P + p] = sum;
        }
    }
}

// Sets never interact, so a population's gradient can be worked out a few sets at a time, each
// chunk through its forward and reverse pass on one thread. A chunk's stored trajectory then
// stays in cache from the forward pass to the reverse (a whole population's, tens of MB, would
// be read back from memory), and threads take whole chunks with no barrier between steps. Each
// set goes through the same operations either way, so its results are the same bits.
//
// Sets in a chunk: of the counts whose stored trajectories fit in `chunkCacheBytes`, the one with
// the least padding in whole runs of `chunkLanes` elements (the kernels' widest blocks; a padding
// element costs as much as a real one), ties to the larger. No chunks (returns every set) where
// such a chunk would hold fewer than half a run: too few elements a step to pay (long recordings).
constexpr std::size_t chunkCacheBytes = std::size_t(4) << 20;  // a share of the last-level cache per thread
constexpr int chunkLanes = 32;

int setsPerChunk(const Engine& eng, int T) {
    std::size_t setBytes = 0;
    for (const auto& g : eng.groups)
        setBytes += std::size_t(g.states + g.kernels->keptRows()) * g.neurons.size() * eng.batch * sizeof(double);
    setBytes *= std::size_t(T) + 1;
    const int fitting = int(std::min<std::size_t>(chunkCacheBytes / setBytes, std::size_t(eng.sets)));
    int best = eng.sets;
    double bestFill = 0;
    for (int n = 1; n <= fitting; ++n) {
        std::size_t used = 0, padded = 0;
        for (const auto& g : eng.groups) {
            const std::size_t elems = g.neurons.size() * std::size_t(n) * eng.batch;
            used += elems;
            padded += (elems + chunkLanes - 1) / chunkLanes * chunkLanes;
        }
        const double fill = double(used) / double(padded);
        if (fill >= bestFill && 2 * used >= chunkLanes) best = n, bestFill = fill;
    }
    return best;
}

LossGradient evaluate(const Circuit& c, const std::vector<double>& pop, int sets, const FitDataset& data,
                      const LossWeights& w, int threads, bool withGradient, std::size_t historyBytes, Coupling coupling) {
    const ParameterLayout layout(c);
    checkData(c, layout, pop, sets, data, w);
    const int T = data.stimulus.steps, B = data.stimulus.batch, P = layout.size();
    const Engine eng(c, layout, pop.data(), sets, B);
    const Targets tg(data, w, eng.neuronCount);
    LossGradient out;
    out.loss.assign(sets, 0.0);
    out.neuronLoss.assign(size_t(sets) * eng.neuronCount, 0.0);
    if (withGradient) out.gradient.assign(size_t(sets) * P, 0.0);
    const int perChunk = withGradient ? setsPerChunk(eng, T) : sets;
    if (perChunk >= sets) {
        Pass pass(eng, data, tg, coupling);
        pass.run(eng.threadsFor(threads), withGradient, withGradient ? checkpointSegment(eng, T, historyBytes) : 0);
        collect(eng, layout, pass, withGradient, 0, out);
        return out;
    }
    // Whole chunks of perChunk sets and one rest, taken by the threads in turn, the rest last.
    // Near-equal chunks of fewer sets would each pad a run of lanes (epoch100: 18 chunks of 5-6
    // sets, 4 packets of 8 lanes each, against 16 chunks of 6 and a rest of 4).
    const int chunks = (sets + perChunk - 1) / perChunk;
    const int nth = std::min(resolveThreads(threads), chunks);
    std::vector<std::unique_ptr<const Engine>> parts(chunks);
    for (int i = 0; i < chunks; ++i) {
        const int first = i * perChunk;
        parts[i] = std::make_unique<const Engine>(c, layout, pop.data() + size_t(first) * P,
                                                  std::min(perChunk, sets - first), B);
    }
#pragma omp parallel for schedule(dynamic) num_threads(nth)
    for (int i = 0; i < chunks; ++i) {
        Pass pass(*parts[i], data, tg, coupling);  // on this thread: its workspace is this thread's
        pass.run(1, true, checkpointSegment(*parts[i], T, historyBytes / nth));
        collect(*parts[i], layout, pass, true, i * perChunk, out);
    }
    return out;
}

}  // namespace

Residuals lossResiduals(const Circuit& c, const std::vector<double>& pop, int sets, const FitDataset& data,
                        const LossWeights& w, int threads, Coupling coupling) {
    const ParameterLayout layout(c);
    checkData(c, layout, pop, sets, data, w);
    const Engine eng(c, layout, pop.data(), sets, data.stimulus.batch);
    const Targets tg(data, w, eng.neuronCount);
    // Entries with a target and a nonzero weight, in the order (time, batch, neuron, V then Ca).
    const size_t cells = size_t(data.stimulus.steps) * data.stimulus.batch * eng.neuronCount;
    std::vector<int> index(2 * cells, -1);
    Residuals out;
    for (size_t at = 0; at < cells; ++at) {
        const double wn = tg.neuronWeight[at % size_t(eng.neuronCount)];
        if (tg.scaleV > 0 && wn > 0 && std::isfinite(data.targetV[at])) {
            index[2 * at] = out.perSet++;
            out.scale.push_back(std::sqrt(tg.scaleV * wn));
            out.calcium.push_back(0);
        }
        if (tg.scaleCa > 0 && wn > 0 && std::isfinite(data.targetCa[at])) {
            index[2 * at + 1] = out.perSet++;
            out.scale.push_back(std::sqrt(tg.scaleCa * wn));
            out.calcium.push_back(1);
        }
    }
    out.values.assign(size_t(sets) * out.perSet, 0.0);
    Pass pass(eng, data, tg, coupling);
    pass.residuals = out.values.data();
    pass.residualIndex = &index;
    pass.residualCount = size_t(out.perSet);
    pass.deriveResidualFactors();
    pass.run(eng.threadsFor(threads), false, 0);
    return out;
}

LossGradient lossAndGradient(const Circuit& c, const std::vector<double>& pop, int sets, const FitDataset& data,
                             const LossWeights& w, int threads, std::size_t historyBytes, Coupling coupling) {
    return evaluate(c, pop, sets, data, w, threads, true, historyBytes, coupling);
}

std::vector<double> lossPerNeuron(const Circuit& c, const std::vector<double>& pop, int sets, const FitDataset& data,
                                  const LossWeights& w, int threads, Coupling coupling) {
    return evaluate(c, pop, sets, data, w, threads, false, 0, coupling).neuronLoss;
}

std::vector<double> lossOnly(const Circuit& c, const std::vector<double>& pop, int sets, const FitDataset& data,
                             const LossWeights& w, int threads, Coupling coupling) {
    return evaluate(c, pop, sets, data, w, threads, false, 0, coupling).loss;
}

}  // namespace odynn
