// Whole-sequence passes of LSTM neurons: simulation, ODYNN's loss and its exact gradient by
// backpropagation through time. Weight sets are independent, so each set runs on one thread
// from start to end and results do not depend on the thread count.
//
// Reverse pass (discrete adjoint of the step map S[t+1] = step(S[t], i[t])):
//   adj(S[T]) = dLoss/dS[T];  adj(S[t]) = (dstep/dS[t])^T adj(S[t+1]) + dLoss/dS[t]
// with dLoss/dS[t] nonzero only in rows V and Ca.
#include <omp.h>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"

namespace odynn {

namespace {

int threadCount(int requested, int sets) {
    const int hw = requested > 0 ? requested : std::max(1, omp_get_num_procs());
    return std::max(1, std::min(hw, sets));
}

void checkShapes(const LstmNetwork& net, const std::vector<double>& w, int sets, const Stimulus& s) {
    if (sets < 1 || w.size() != std::size_t(sets) * net.weightCount())
        throw InputError({}, 0, "weights", "size does not match the network (" + std::to_string(net.weightCount()) +
                                               " weights per set)");
    if (s.neurons != 1 || s.steps < 1 || s.batch < 1)
        throw InputError({}, 0, "data", "an LSTM neuron needs a one-neuron stimulus");
}

// w / (number of finite targets) for V and Ca (0 without targets), as gradient.cpp.
struct Targets {
    const FitDataset& data;
    double scaleV = 0, scaleCa = 0;
    Targets(const FitDataset& d, const LossWeights& w) : data(d) {
        const Stimulus& s = d.stimulus;
        const std::size_t n = std::size_t(s.steps) * s.batch;
        if ((!d.targetV.empty() && d.targetV.size() != n) || (!d.targetCa.empty() && d.targetCa.size() != n))
            throw InputError({}, 0, "data", "target shape does not match the stimulus");
        if (!w.perNeuron.empty() && w.perNeuron.size() != 1)
            throw InputError({}, 0, "weights", "one weight per neuron is needed");
        const double wn = w.perNeuron.empty() ? 1.0 : w.perNeuron[0];
        auto count = [](const std::vector<double>& v) {
            return double(std::count_if(v.begin(), v.end(), [](double x) { return std::isfinite(x); }));
        };
        if (const double c = count(d.targetV); c > 0) scaleV = wn * w.v / c;
        if (const double c = count(d.targetCa); c > 0) scaleCa = wn * w.ca / c;
    }
    // Loss of state row block S (rows V, Ca with stride B) against targets of step t (0-based
    // current row); with adj, adds dLoss/dV and dLoss/dCa into its rows V and Ca.
    double at(int t, const double* S, int B, double* adj) const {
        double total = 0;
        const double* V = S + std::size_t(LstmNetwork::rowV) * B;
        const double* Ca = S + std::size_t(LstmNetwork::rowCa) * B;
        for (int b = 0; b < B; ++b) {
            const std::size_t i = std::size_t(t) * B + b;
            if (scaleV > 0 && std::isfinite(data.targetV[i])) {
                const double d = V[b] - data.targetV[i];
                total += scaleV * d * d;
                if (adj) adj[std::size_t(LstmNetwork::rowV) * B + b] += 2.0 * scaleV * d;
            }
            if (scaleCa > 0 && std::isfinite(data.targetCa[i])) {
                const double d = Ca[b] - data.targetCa[i];
                total += scaleCa * d * d;
                if (adj) adj[std::size_t(LstmNetwork::rowCa) * B + b] += 2.0 * scaleCa * d;
            }
        }
        return total;
    }
};

// Buffers of one thread, kept between calls (an optimizer repeats the same shapes every epoch).
// All are aligned to Eigen's largest packet, and the weights and gradient of a set are copied
// into such buffers: where Eigen starts vectorising (and so which elements go through the
// vectorised exp and in which order a short sum is taken) depends on the address alignment,
// and results must be bit-identical from run to run (resume) whatever the caller's buffers.
using AlignedVector = std::vector<double, Eigen::aligned_allocator<double>>;
struct Workspace {
    AlignedVector states, gates, adjA, adjB, adjIn, weights, grad;
    LstmScratch scratch;
};
thread_local Workspace workspace;

// Forward pass of one set; keepAll keeps every state and gate row for the reverse pass.
// onStep(t, S) sees the state after the step consuming current row t.
template <class OnStep>
void forward(const LstmNetwork& net, const double* w, const Stimulus& stim, bool keepAll, Workspace& ws,
             OnStep&& onStep) {
    const int T = stim.steps, B = stim.batch, R = net.stateRows(), G = net.gateSize();
    const std::size_t stateSize = std::size_t(R) * B, gateSize = std::size_t(G) * B;
    ws.states.resize((keepAll ? T + 1 : 2) * stateSize);
    ws.gates.resize((keepAll ? T : 1) * gateSize);
    net.initialState(ws.states.data(), B, B);
    for (int t = 0; t < T; ++t) {
        const double* old = ws.states.data() + (keepAll ? t : t % 2) * stateSize;
        double* neu = ws.states.data() + (keepAll ? t + 1 : (t + 1) % 2) * stateSize;
        double* gates = ws.gates.data() + (keepAll ? t : 0) * gateSize;
        net.step(w, old, neu, gates, B, 0, B, stim.current.data() + std::size_t(t) * B, ws.scratch);
        onStep(t, neu);
    }
}

LossGradient evaluate(const LstmNetwork& net, const std::vector<double>& weights, int sets, const FitDataset& data,
                      const LossWeights& lw, int threads, bool withGradient) {
    const Stimulus& stim = data.stimulus;
    checkShapes(net, weights, sets, stim);
    const Targets tg(data, lw);
    const int P = net.weightCount(), T = stim.steps, B = stim.batch;
    const std::size_t stateSize = std::size_t(net.stateRows()) * B, gateSize = std::size_t(net.gateSize()) * B;
    LossGradient out;
    out.loss.assign(sets, 0.0);
    if (withGradient) out.gradient.assign(std::size_t(sets) * P, 0.0);

#pragma omp parallel for num_threads(threadCount(threads, sets)) schedule(dynamic, 1)
    for (int set = 0; set < sets; ++set) {
        Workspace& ws = workspace;
        ws.weights.assign(weights.begin() + std::size_t(set) * P, weights.begin() + std::size_t(set + 1) * P);
        const double* w = ws.weights.data();
        double loss = 0;
        forward(net, w, stim, withGradient, ws, [&](int t, const double* S) { loss += tg.at(t, S, B, nullptr); });
        out.loss[set] = loss;
        if (!withGradient) continue;
        ws.grad.assign(P, 0.0);
        double* grad = ws.grad.data();
        ws.adjA.assign(stateSize, 0.0);
        ws.adjB.assign(stateSize, 0.0);
        ws.adjIn.resize(B);
        tg.at(T - 1, ws.states.data() + T * stateSize, B, ws.adjA.data());
        for (int t = T - 1; t >= 0; --t) {
            // adjA holds adj(S[t+1]); adjB receives adj(S[t]).
            net.reverseStep(w, ws.states.data() + t * stateSize, ws.states.data() + (t + 1) * stateSize,
                            ws.gates.data() + t * gateSize, ws.adjA.data(), ws.adjB.data(), B, 0, B,
                            stim.current.data() + std::size_t(t) * B, ws.adjIn.data(), grad, ws.scratch);
            if (t >= 1) tg.at(t - 1, ws.states.data() + t * stateSize, B, ws.adjB.data());
            std::swap(ws.adjA, ws.adjB);
        }
        std::copy(ws.grad.begin(), ws.grad.end(), out.gradient.begin() + std::size_t(set) * P);
    }
    return out;
}

}  // namespace

std::vector<Trajectory> simulateLstm(const LstmNetwork& net, const std::vector<double>& weights, int sets,
                                     const Stimulus& stim, int threads) {
    checkShapes(net, weights, sets, stim);
    const int P = net.weightCount(), T = stim.steps, B = stim.batch;
    std::vector<Trajectory> out(sets);
#pragma omp parallel for num_threads(threadCount(threads, sets)) schedule(dynamic, 1)
    for (int set = 0; set < sets; ++set) {
        Trajectory& tr = out[set];
        tr.steps = T;
        tr.states = 2;
        tr.batch = B;
        tr.neurons = 1;
        tr.values.resize(std::size_t(T) * 2 * B);
        Workspace& ws = workspace;
        ws.weights.assign(weights.begin() + std::size_t(set) * P, weights.begin() + std::size_t(set + 1) * P);
        forward(net, ws.weights.data(), stim, false, ws, [&](int t, const double* S) {
            std::copy(S, S + 2 * B, tr.values.begin() + std::size_t(t) * 2 * B);  // rows V and Ca
        });
    }
    return out;
}

LossGradient lstmLossAndGradient(const LstmNetwork& net, const std::vector<double>& weights, int sets,
                                 const FitDataset& data, const LossWeights& lw, int threads) {
    return evaluate(net, weights, sets, data, lw, threads, true);
}

std::vector<double> lstmLossOnly(const LstmNetwork& net, const std::vector<double>& weights, int sets,
                                 const FitDataset& data, const LossWeights& lw, int threads) {
    return evaluate(net, weights, sets, data, lw, threads, false).loss;
}

}  // namespace odynn
