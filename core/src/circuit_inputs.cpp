#include "circuit_inputs.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace odynn::detail {

CircuitInputs::CircuitInputs(const Engine& eng, const std::vector<std::pair<int, int>>& range)
    : eng_(eng), lanes_(eng.lanes) {
    const int L = lanes_;
    const Connections& cn = eng.conn;
    int voltages = 0;
    for (const ModelGroup& g : eng.groups) {
        groupStart_.push_back(voltages);
        voltages += g.elems;
    }
    auto vIndex = [&](int neuron) { return groupStart_[size_t(eng.groupOf[neuron])] + eng.slotOf[neuron] * L; };
    // Distinct activations: per presynaptic neuron, the ones found so far.
    std::vector<std::vector<int>> byPre(size_t(eng.neuronCount));
    std::vector<double> mdp, inv;
    auto activation = [&](int c) {
        const double* m = &cn.mdp[size_t(c) * L];
        const double* s = &cn.inv[size_t(c) * L];
        std::vector<int>& known = byPre[size_t(cn.pre[size_t(c)])];
        for (int u : known)  // equal bits give equal activations
            if (std::memcmp(&mdp[size_t(u) * L], m, sizeof(double) * L) == 0 &&
                std::memcmp(&inv[size_t(u) * L], s, sizeof(double) * L) == 0)
                return u;
        const int u = int(actPre_.size());
        actPre_.push_back(vIndex(cn.pre[size_t(c)]));
        mdp.insert(mdp.end(), m, m + L);
        inv.insert(inv.end(), s, s + L);
        known.push_back(u);
        return u;
    };
    inputs_.resize(eng.groups.size());
    for (size_t g = 0; g < eng.groups.size(); ++g) {
        const ModelGroup& grp = eng.groups[g];
        const auto [e0, e1] = range[g];
        const int end = std::min(e1, grp.elems);
        inputs_[g].assign(size_t(std::max(0, e1 - e0)), 0.0);
        for (int k = e0; k < end;) {
            const int slot = k / L, lane0 = k % L, lane1 = std::min(L, lane0 + end - k);
            const int neuron = grp.neurons[size_t(slot)];
            Target tg{int(g), k - e0, neuron, lane0, lane1, int(synConn_.size()), 0, int(gapConn_.size()), 0};
            // inList holds a neuron's connections in index order: its synapses, then its gap junctions.
            for (int q = cn.inStart[size_t(neuron)]; q < cn.inStart[size_t(neuron) + 1]; ++q) {
                const int c = cn.inList[size_t(q)];
                if (c < cn.synapses) {
                    synConn_.push_back(c);
                    synAct_.push_back(activation(c));
                } else {
                    gapConn_.push_back(c);
                    gapPre_.push_back(vIndex(cn.pre[size_t(c)]));
                }
            }
            tg.syn1 = int(synConn_.size());
            tg.gap1 = int(gapConn_.size());
            targets_.push_back(tg);
            k += lane1 - lane0;
        }
    }
    // Padding past the last activation: mdp 0, 1/scale 1, V 0 (finite, unused).
    const size_t padded = size_t(roundUpToPacket(int(mdp.size())));
    actMdp_.assign(padded, 0.0);
    actInv_.assign(padded, 1.0);
    std::copy(mdp.begin(), mdp.end(), actMdp_.begin());
    std::copy(inv.begin(), inv.end(), actInv_.begin());
    actV_.assign(padded, 0.0);
    actAt_ = roundUpToPacket(voltages);
    table_.assign(size_t(actAt_) + padded, 0.0);
    if (L == 1) buildSlices(eng);
}

void CircuitInputs::buildSlices(const Engine& eng) {
    const Connections& cn = eng.conn;
    // Neurons with about as many terms share a slice, so that few rows are masked out.
    std::vector<int> order(targets_.size());
    std::iota(order.begin(), order.end(), 0);
    auto synapses = [&](int i) { return targets_[size_t(i)].syn1 - targets_[size_t(i)].syn0; };
    auto gaps = [&](int i) { return targets_[size_t(i)].gap1 - targets_[size_t(i)].gap0; };
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
        return std::pair(synapses(x), gaps(x)) > std::pair(synapses(y), gaps(y));
    });
    const int slices = (int(order.size()) + packet - 1) / packet;
    sliceStart_.assign(1, 0);
    for (int s = 0; s < slices; ++s) {
        int synRows = 0, gapRows = 0;
        for (int k = 0; k < packet; ++k) {
            const int i = s * packet + k;
            if (i < int(order.size())) {
                const Target& tg = targets_[size_t(order[size_t(i)])];
                sliceSyn_.push_back(synapses(order[size_t(i)]));
                sliceGap_.push_back(gaps(order[size_t(i)]));
                slicePost_.push_back(groupStart_[size_t(tg.group)] + eng.slotOf[tg.neuron]);
                sliceNeuron_.push_back(tg.neuron);
                sliceOut_.push_back(inputs_[size_t(tg.group)].data() + tg.dst);
            } else {  // an empty place
                sliceSyn_.push_back(0);
                sliceGap_.push_back(0);
                slicePost_.push_back(0);
                sliceNeuron_.push_back(0);
                sliceOut_.push_back(&unused_);
            }
            synRows = std::max(synRows, sliceSyn_.back());
            gapRows = std::max(gapRows, sliceGap_.back());
        }
        const size_t first = sliceG_.size(), size = first + size_t(synRows + gapRows) * packet;
        sliceG_.resize(size, 0.0);  // elements past a place's own terms are masked out
        sliceE_.resize(size, 0.0);
        sliceIndex_.resize(size, 0);
        for (int k = 0; k < packet && s * packet + k < int(order.size()); ++k) {
            const Target& tg = targets_[size_t(order[size_t(s * packet + k)])];
            size_t at = first + size_t(k);
            for (int q = tg.syn0; q < tg.syn1; ++q, at += packet) {
                const int c = synConn_[size_t(q)];
                sliceG_[at] = cn.G[size_t(c)];
                sliceE_[at] = cn.E[size_t(c)];
                sliceIndex_[at] = actAt_ + synAct_[size_t(q)];
            }
            at = first + size_t(synRows) * packet + size_t(k);
            for (int q = tg.gap0; q < tg.gap1; ++q, at += packet) {
                sliceG_[at] = cn.G[size_t(gapConn_[size_t(q)])];
                sliceIndex_[at] = gapPre_[size_t(q)];
            }
        }
        sliceMiddle_.push_back(sliceStart_.back() + synRows);
        sliceStart_.push_back(sliceMiddle_.back() + gapRows);
    }
    sliceSums_.assign(size_t(slices) * packet, 0.0);
    slices_ = ConnectionSlices{slices, sliceStart_.data(), sliceMiddle_.data(), slicePost_.data(), sliceSyn_.data(),
                               sliceGap_.data(), sliceG_.data(), sliceE_.data(), sliceIndex_.data()};
}

void CircuitInputs::fillTable(const std::vector<const double*>& state) {
    for (size_t g = 0; g < eng_.groups.size(); ++g) {
        const ModelGroup& grp = eng_.groups[g];
        std::copy_n(state[g] + grp.voltageRow(), grp.elems, table_.begin() + groupStart_[g]);
    }
    const int L = lanes_, U = activationCount();
    if (U == 0) return;
    for (int u = 0; u < U; ++u)
        for (int l = 0; l < L; ++l) actV_[size_t(u) * L + l] = table_[size_t(actPre_[size_t(u)]) + l];
    kernels().synapseSigmoid(actMdp_.data(), actInv_.data(), actV_.data(), table_.data() + actAt_, int(actV_.size()));
}

void CircuitInputs::compute(const std::vector<const double*>& state, const Stimulus& stim, int t) {
    fillTable(state);
    if (lanes_ > 1) {
        sumLanes(stim, t);
        return;
    }
    const double* row = stim.current.data() + size_t(t) * stim.neurons;  // one lane: batch 1
    const size_t places = sliceSums_.size();
    for (size_t i = 0; i < places; ++i) sliceSums_[i] = row[sliceNeuron_[i]];
    kernels().connectionSums(slices_, table_.data(), sliceSums_.data());
    for (size_t i = 0; i < places; ++i) *sliceOut_[i] = sliceSums_[i];
}

// Several lanes: each term is a run of consecutive lanes.
void CircuitInputs::sumLanes(const Stimulus& stim, int t) {
    const int L = lanes_, B = stim.batch, N = stim.neurons;
    const Connections& cn = eng_.conn;
    const double* row = stim.current.data() + size_t(t) * B * N;
    const double* v = table_.data();
    const double* act = table_.data() + actAt_;
    for (const Target& tg : targets_) {
        const int n = tg.lane1 - tg.lane0;
        double* in = inputs_[size_t(tg.group)].data() + tg.dst;
        const double* vPost = v + groupStart_[size_t(tg.group)] + eng_.slotOf[tg.neuron] * L + tg.lane0;
        for (int k = 0; k < n; ++k) in[k] = row[size_t((tg.lane0 + k) % B) * N + tg.neuron];
        for (int q = tg.syn0; q < tg.syn1; ++q) {
            const size_t c = size_t(synConn_[size_t(q)]) * L + tg.lane0;
            const double *G = &cn.G[c], *E = &cn.E[c], *a = act + size_t(synAct_[size_t(q)]) * L + tg.lane0;
            for (int k = 0; k < n; ++k) in[k] += G[k] * a[k] * (E[k] - vPost[k]);
        }
        for (int q = tg.gap0; q < tg.gap1; ++q) {
            const size_t c = size_t(gapConn_[size_t(q)]) * L + tg.lane0;
            const double *G = &cn.G[c], *vPre = v + gapPre_[size_t(q)] + tg.lane0;
            for (int k = 0; k < n; ++k) in[k] += G[k] * (vPre[k] - vPost[k]);
        }
    }
}

}  // namespace odynn::detail
