#include "engine.hpp"

#include <algorithm>
#include <thread>

#include "odynn/errors.hpp"

namespace odynn::detail {

int resolveThreads(int requested) {
    if (requested > 0) return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

int Engine::threadsFor(int requested) const {
    size_t elems = 0;
    for (const auto& g : groups) elems += g.elems;
    const size_t work = elems + size_t(conn.count) * lanes;
    // An explicit request is honoured as long as every thread gets some elements.
    if (requested > 0) return int(std::clamp<size_t>(elems / packet, 1, size_t(requested)));
    const size_t perThread = conn.count > 0 ? 4096 : 32;  // elements per thread, see the header
    return int(std::clamp<size_t>(work / perThread, 1, size_t(resolveThreads(0))));
}

Engine::Engine(const Circuit& c, const ParameterLayout& layout, const double* pop, int sets_, int batch_)
    : lanes(sets_ * batch_), sets(sets_), batch(batch_), neuronCount(int(c.neurons.size())), dt(c.dt) {
    const int P = layout.size();
    groupOf.assign(neuronCount, -1);
    slotOf.assign(neuronCount, -1);
    for (int i = 0; i < neuronCount; ++i) {
        const ModelSpec& spec = modelSpec(c.neurons[i].model);
        const ModelKernels& kernels = *spec.kernels;
        int g = 0;
        while (g < int(groups.size()) && (groups[g].spec != &spec || kernels.groupPerNeuron())) ++g;
        if (g == int(groups.size())) {
            ModelGroup grp;
            grp.spec = &spec;
            grp.kernels = &kernels;
            grp.batch = batch;
            grp.states = grp.recordStates = spec.stateCount();
            grp.params = int(spec.params.size());
            grp.derivedCount = kernels.derivedCount();
            kernels.prepare(grp, c.neurons[i], sets);
            groups.push_back(grp);
        }
        groupOf[i] = g;
        slotOf[i] = int(groups[g].neurons.size());
        groups[g].neurons.push_back(i);
    }
    for (auto& g : groups) {
        g.elems = int(g.neurons.size()) * lanes;
        g.stride = roundUpToPacket(g.elems);
        g.inputColumn.resize(size_t(g.elems));
        for (int k = 0; k < g.elems; ++k)
            g.inputColumn[size_t(k)] = (k % lanes) % batch * neuronCount + g.neurons[size_t(k / lanes)];
        g.raw.assign(size_t(g.params) * g.stride, 0.0);
        g.derived.assign(size_t(g.derivedCount) * g.stride, 0.0);
        if (g.net) {
            g.gates.assign(size_t(g.net->gateSize()) * g.stride, 0.0);
            g.scratchState.assign(size_t(g.states) * g.stride, 0.0);
        }
    }
    // Scatter the population's parameter vectors into lanes.
    const auto& entries = layout.entries();
    conn.synapses = int(c.synapses.size());
    conn.count = conn.synapses + 2 * int(c.gaps.size());
    for (const auto& s : c.synapses) { conn.pre.push_back(s.pre); conn.post.push_back(s.post); }
    for (int i = 0; i < conn.synapses; ++i) conn.source.push_back(i);
    for (size_t i = 0; i < c.gaps.size(); ++i) {
        conn.pre.push_back(c.gaps[i].a); conn.post.push_back(c.gaps[i].b); conn.source.push_back(int(i));
    }
    for (size_t i = 0; i < c.gaps.size(); ++i) {
        conn.pre.push_back(c.gaps[i].b); conn.post.push_back(c.gaps[i].a); conn.source.push_back(int(i));
    }
    // One packet of padding lets the last block read whole packets (G = 0, inv = 1: a zero current).
    const size_t CL = size_t(conn.count) * lanes;
    conn.G.assign(CL + packet, 0.0); conn.mdp.assign(CL + packet, 0.0); conn.inv.assign(CL + packet, 1.0);
    conn.E.assign(CL + packet, 0.0);
    for (int s = 0; s < sets; ++s) {
        const double* theta = pop + size_t(s) * P;
        for (int k = 0; k < P; ++k) {
            const ParamEntry& e = entries[k];
            const double val = theta[k];
            for (int b = 0; b < batch; ++b) {
                const int lane = s * batch + b;
                if (e.owner == ParamOwner::Neuron) {
                    ModelGroup& g = groups[groupOf[e.index]];
                    if (g.perSetWeights())
                        g.weights[size_t(s) * g.weightStride + e.slot] = val;
                    else
                        g.raw[size_t(e.slot) * g.stride + size_t(slotOf[e.index]) * lanes + lane] = val;
                } else if (e.owner == ParamOwner::Synapse) {
                    const size_t at = size_t(e.index) * lanes + lane;
                    if (e.slot == 0) conn.G[at] = val;
                    else if (e.slot == 1) conn.mdp[at] = val;
                    else if (e.slot == 2) conn.inv[at] = 1.0 / val;
                    else conn.E[at] = val;
                } else {
                    conn.G[size_t(conn.synapses + e.index) * lanes + lane] = val;
                    conn.G[size_t(conn.synapses + int(c.gaps.size()) + e.index) * lanes + lane] = val;
                }
            }
        }
    }
    for (auto& g : groups) {
        // Padding elements simulate a copy of the last element (valid numbers, results unused).
        for (int p = 0; p < g.params; ++p)
            std::fill(g.raw.begin() + size_t(p) * g.stride + g.elems, g.raw.begin() + size_t(p + 1) * g.stride,
                      g.raw[size_t(p) * g.stride + g.elems - 1]);
        g.kernels->derive(g.raw.data(), g.derived.data(), g.stride, dt);
    }
    for (int c = 0; c < conn.count; ++c) {
        conn.preGroup.push_back(groupOf[conn.pre[c]]);
        conn.preOffset.push_back(int(groups[groupOf[conn.pre[c]]].voltageRow()) + slotOf[conn.pre[c]] * lanes);
        conn.postGroup.push_back(groupOf[conn.post[c]]);
        conn.postOffset.push_back(int(groups[groupOf[conn.post[c]]].voltageRow()) + slotOf[conn.post[c]] * lanes);
    }
    // CSR lists of incoming and outgoing connections per neuron.
    auto buildCsr = [&](const std::vector<int>& key, std::vector<int>& start, std::vector<int>& list) {
        start.assign(neuronCount + 1, 0);
        for (int k : key) ++start[k + 1];
        for (int i = 0; i < neuronCount; ++i) start[i + 1] += start[i];
        list.assign(key.size(), 0);
        std::vector<int> fill(start.begin(), start.end() - 1);
        for (int ci = 0; ci < int(key.size()); ++ci) list[fill[key[ci]]++] = ci;
    };
    buildCsr(conn.post, conn.inStart, conn.inList);
    buildCsr(conn.pre, conn.outStart, conn.outList);
}

void Engine::initialState(std::vector<AlignedVector>& state) const {
    state.resize(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
        const ModelGroup& grp = groups[g];
        state[g].resize(size_t(grp.states) * grp.stride);
        grp.kernels->initialState(grp, state[g].data());
    }
}

void ModelKernels::initialState(const ModelGroup& g, double* state) const {
    for (int s = 0; s < g.states; ++s) std::fill_n(state + size_t(s) * g.stride, g.stride, g.spec->initialState[s]);
}

namespace {

// Gathers Vpre and Vpost of the (connection, lane) pairs [q0, q0 + n) into the scratch rows
// a0, a1, zero-padded to whole packets.
void gatherVoltages(const Engine& eng, const std::vector<const double*>& state, size_t q0, int n, Scratch& s) {
    const int L = eng.lanes;
    const Connections& cn = eng.conn;
    if (L == 1 && state.size() == 1) {  // one model, one lane: a plain gather from one buffer
        const double* v = state[0];
        const int* pre = cn.preOffset.data() + q0;
        const int* post = cn.postOffset.data() + q0;
        for (int k = 0; k < n; ++k) {
            s.a0[k] = v[pre[k]];
            s.a1[k] = v[post[k]];
        }
    } else if (L == 1) {
        for (int k = 0; k < n; ++k) {
            const size_t c = q0 + k;
            s.a0[k] = state[cn.preGroup[c]][cn.preOffset[c]];
            s.a1[k] = state[cn.postGroup[c]][cn.postOffset[c]];
        }
    } else {
        int c = int(q0 / L), l = int(q0 % L);
        for (int k = 0; k < n;) {
            const double* vPre = state[cn.preGroup[c]] + cn.preOffset[c];
            const double* vPost = state[cn.postGroup[c]] + cn.postOffset[c];
            for (; l < L && k < n; ++l, ++k) {
                s.a0[k] = vPre[l];
                s.a1[k] = vPost[l];
            }
            l = 0;
            ++c;
        }
    }
    for (int k = n; k < roundUpToPacket(n); ++k) s.a0[k] = s.a1[k] = 0.0;
}

// Synapse activation s = 1 / (1 + exp((mdp - Vpre) / scale)) of [q0, q0 + n) into a6, over
// whole packets (a0, a1 hold the voltages afterwards). Parameters are read in place: the
// arrays carry a packet of padding past the last connection.
void synapseSigmoids(const Engine& eng, const std::vector<const double*>& state, size_t q0, int n, Scratch& s) {
    gatherVoltages(eng, state, q0, n, s);
    kernels().synapseSigmoid(&eng.conn.mdp[q0], &eng.conn.inv[q0], s.a0.data(), s.a6.data(), roundUpToPacket(n));
}

}  // namespace

void Engine::connectionCurrents(const std::vector<const double*>& state, double* cur, int c0, int c1,
                                Scratch& s) const {
    // Chemical: G / (1 + exp((mdp - Vpre) / scale)) * (E - Vpost), vectorised over (synapse, lane).
    const int L = lanes;
    const size_t qEnd = size_t(std::min(c1, conn.synapses)) * L;
    for (size_t q0 = size_t(c0) * L; q0 < qEnd; q0 += block) {
        const int n = int(std::min<size_t>(block, qEnd - q0));
        synapseSigmoids(*this, state, q0, n, s);
        Map(cur + q0, n) = CMap(&conn.G[q0], n) * s.a6.head(n) * (CMap(&conn.E[q0], n) - s.a1.head(n));
    }
    // Gap junctions: G (Vpre - Vpost).
    const size_t gEnd = size_t(c1) * L;
    for (size_t q0 = size_t(std::max(c0, conn.synapses)) * L; q0 < gEnd; q0 += block) {
        const int n = int(std::min<size_t>(block, gEnd - q0));
        gatherVoltages(*this, state, q0, n, s);
        Map(cur + q0, n) = CMap(&conn.G[q0], n) * (s.a0.head(n) - s.a1.head(n));
    }
}

void Engine::gatherInput(int gi, int b0, int n, const Stimulus& stim, int t, const double* cur, double* in) const {
    const ModelGroup& g = groups[gi];
    const int L = lanes;
    // Walk (slot, lane, batch entry) incrementally: integer division per element is costly.
    int slot = b0 / L, lane = b0 % L, entry = lane % batch;
    const double* row = stim.current.data() + size_t(t) * stim.batch * stim.neurons;
    if (conn.count == 0) {  // independent neurons: the stimulus alone
        const int valid = std::clamp(g.elems - b0, 0, n);
        const int* column = g.inputColumn.data() + b0;
        for (int k = 0; k < valid; ++k) in[k] = row[column[k]];
        std::fill(in + valid, in + n, 0.0);  // padding
        return;
    }
    for (int k = 0; k < n; ++k) {
        if (b0 + k >= g.elems) {  // padding
            in[k] = 0.0;
            continue;
        }
        const int neuron = g.neurons[slot];
        double i = row[size_t(entry) * stim.neurons + neuron];
        for (int q = conn.inStart[neuron]; q < conn.inStart[neuron + 1]; ++q) i += cur[size_t(conn.inList[q]) * L + lane];
        in[k] = i;
        if (++entry == batch) entry = 0;
        if (++lane == L) { lane = 0; entry = 0; ++slot; }
    }
}

std::pair<int, int> Engine::rangeFor(int g, int nth, int tid) const {
    if (groups[g].kernels->serial())
        return tid == 0 ? std::pair<int, int>{0, groups[g].stride} : std::pair<int, int>{0, 0};
    return splitPackets(groups[g].stride, nth, tid);
}

bool Engine::reverseNeedsInput() const {
    for (const auto& g : groups)
        if (g.kernels->reverseNeedsInput()) return true;
    return false;
}

void Engine::stepGroup(int gi, const double* old, double* out, int e0, int e1, const Stimulus& stim, int t,
                       const double* cur, Scratch& s, double* kept) const {
    const ModelGroup& g = groups[gi];
    for (int b0 = e0; b0 < e1; b0 += block) {
        const int n = std::min(block, e1 - b0);
        double* in = s.input.data();
        gatherInput(gi, b0, n, stim, t, cur, in);
        if (kept) g.kernels->stepKeeping(g, Block{b0, n, g.stride}, old, out, kept, in, s, dt);
        else g.kernels->step(g, Block{b0, n, g.stride}, old, out, in, s, dt);
    }
}

void Engine::stepGroup(int gi, const double* old, double* out, int e0, int e1, const double* input, Scratch& s) const {
    const ModelGroup& g = groups[gi];
    for (int b0 = e0; b0 < e1; b0 += block)
        g.kernels->step(g, Block{b0, std::min(block, e1 - b0), g.stride}, old, out, input + (b0 - e0), s, dt);
}

void Engine::reverseGroup(int gi, const double* old, const double* neu, const double* kept, const double* adjNew,
                          double* adjOld, double* adjInput, double* grad, int e0, int e1, const Stimulus& stim, int t,
                          const double* cur, Scratch& s) const {
    const ModelGroup& g = groups[gi];
    const bool needsInput = g.kernels->reverseNeedsInput();
    for (int b0 = e0; b0 < e1; b0 += block) {
        const int n = std::min(block, e1 - b0);
        double* in = s.input.data();
        if (needsInput) gatherInput(gi, b0, n, stim, t, cur, in);
        g.kernels->reverse(g, Block{b0, n, g.stride}, old, neu, kept, adjNew, adjOld, in, adjInput + b0, grad, s,
                           dt);
    }
}

void Engine::reverseConnections(const std::vector<const double*>& state, const std::vector<const double*>& adjInput,
                                double* dPre, double* dPost, double* connGrad, int c0, int c1, Scratch& s) const {
    const int L = lanes;
    const size_t CL = size_t(conn.count) * L;
    auto adjOfInput = [&](int c) { return adjInput[groupOf[conn.post[c]]] + size_t(slotOf[conn.post[c]]) * L; };
    // Chemical synapses: I = G s (E - Vpost) with s = sigmoid((Vpre - mdp) / scale).
    const size_t qEnd = size_t(std::min(c1, conn.synapses)) * L;
    for (size_t q0 = size_t(c0) * L; q0 < qEnd; q0 += block) {
        const int n = int(std::min<size_t>(block, qEnd - q0));
        synapseSigmoids(*this, state, q0, n, s);
        for (int k = 0; k < n; ++k) {
            const size_t q = q0 + k;
            const int c = int(q / L), l = int(q % L);
            const double aI = adjOfInput(c)[l];
            const double vPre = s.a0[k], vPost = s.a1[k], G = conn.G[q], mdp = conn.mdp[q], inv = conn.inv[q], E = conn.E[q];
            const double sg = s.a6[k];
            const double aS = aI * G * (E - vPost);
            const double ds = sg * (1.0 - sg) * inv;
            connGrad[q] += aI * sg * (E - vPost);
            connGrad[CL + q] -= aS * ds;
            connGrad[2 * CL + q] += aS * ds * (mdp - vPre) * inv;
            connGrad[3 * CL + q] += aI * G * sg;
            dPre[q] = aS * ds;
            dPost[q] = -aI * G * sg;
        }
    }
    // Gap junctions (one direction of each): I = G (Vpre - Vpost).
    for (int c = std::max(c0, conn.synapses); c < c1; ++c) {
        const double* vPre = voltage(state, conn.pre[c]);
        const double* vPost = voltage(state, conn.post[c]);
        const double* aI = adjOfInput(c);
        const size_t at = size_t(c) * L;
        for (int l = 0; l < L; ++l) {
            connGrad[at + l] += aI[l] * (vPre[l] - vPost[l]);
            dPre[at + l] = aI[l] * conn.G[at + l];
            dPost[at + l] = -aI[l] * conn.G[at + l];
        }
    }
}

}  // namespace odynn::detail
