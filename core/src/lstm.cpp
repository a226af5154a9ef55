// LSTM neuron: weight layout, TensorFlow-style initialisation, one step over a run of lanes
// and its exact reverse. A run of lanes is a [units x lanes] matrix per layer (each lane's
// hidden vector is contiguous), so a layer costs two matrix products per step and the gate
// arithmetic vectorises over units.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>

#include "odynn/errors.hpp"
#include "odynn/lstm.hpp"

namespace odynn {

namespace {

using Mat = Eigen::MatrixXd;
using Stride = Eigen::OuterStride<>;
// [rows x lanes] view of a run of lanes whose vectors are `ld` doubles apart.
using Block = Eigen::Map<Mat, 0, Stride>;
using CBlock = Eigen::Map<const Mat, 0, Stride>;
using CVec = Eigen::Map<const Eigen::VectorXd>;
using Vec = Eigen::Map<Eigen::VectorXd>;
using CRowVec = Eigen::Map<const Eigen::RowVectorXd>;

// sig(x) = 1 / (1 + exp(-x)); exact limits 0 and 1.
template <class X>
auto sigmoid(const X& x) {
    return (1.0 + (-x).exp()).inverse();
}

// Uniform double in [0, 1) from the top 53 bits: the same sequence on every standard library.
double unit(Rng& rng) { return double(rng() >> 11) * 0x1.0p-53; }

}  // namespace

struct LstmScratch::Impl {
    Mat z, u, x, dh, dc, dz, dx;
};

LstmScratch::LstmScratch() : impl_(std::make_unique<Impl>()) {}
LstmScratch::~LstmScratch() = default;
LstmScratch::LstmScratch(LstmScratch&&) noexcept = default;
LstmScratch& LstmScratch::operator=(LstmScratch&&) noexcept = default;

std::string LstmSpec::problem() const {
    if (units < 1) return "units must be at least 1";
    if (layers < 0) return "layers must not be negative";
    if (calciumLayers < 0) return "calcium layers must not be negative";
    if (units > 4096 || layers > 64 || calciumLayers > 64) return "network too large";
    return {};
}

LstmNetwork::LstmNetwork(const LstmSpec& spec) : spec_(spec) {
    if (const std::string why = spec.problem(); !why.empty()) throw InputError({}, 0, "lstm", why);
    // Voltage network: 1 -> units x layers -> 1; head: 1 -> units x calciumLayers -> 1.
    std::vector<std::pair<int, int>> shapes;  // (inputs, units)
    int in = 1;
    for (int k = 0; k < spec.layers; ++k) shapes.push_back({in, spec.units}), in = spec.units;
    shapes.push_back({in, 1});
    if (spec.calciumLayers > 0) {
        in = 1;
        for (int k = 0; k < spec.calciumLayers; ++k) shapes.push_back({in, spec.units}), in = spec.units;
        shapes.push_back({in, 1});
    }
    std::size_t offset = 0;
    int hidden = 0, gate = 0;
    for (std::size_t k = 0; k < shapes.size(); ++k) {
        const auto [nIn, n] = shapes[k];
        const bool head = int(k) >= voltageLayers();
        const std::string prefix = std::string(head ? "calc" : "volt") + "/cell_" +
                                   std::to_string(head ? int(k) - voltageLayers() : int(k)) + "/";
        LstmLayer l;
        l.inputs = nIn;
        l.units = n;
        auto add = [&](const std::string& name, int rows, int cols) {
            tensors_.push_back({prefix + name, offset, rows, cols});
            const std::size_t at = offset;
            offset += std::size_t(rows) * cols;
            return at;
        };
        l.kernel = add("kernel", nIn + n, 4 * n);
        l.bias = add("bias", 1, 4 * n);
        l.wF = add("w_f_diag", 1, n);
        l.wI = add("w_i_diag", 1, n);
        l.wO = add("w_o_diag", 1, n);
        l.c = hidden;
        l.h = hidden + n;
        hidden += 2 * n;
        l.gates = gate;
        gate += 5 * n;
        layers_.push_back(l);
    }
    weightCount_ = int(offset);
    hiddenSize_ = hidden;
    gateSize_ = gate;
}

std::vector<double> LstmNetwork::randomWeights(Rng& rng) const {
    std::vector<double> w(weightCount_, 0.0);
    for (const LstmTensor& t : tensors_) {
        if (t.name.ends_with("/bias")) continue;  // zeros
        // Glorot uniform: limit sqrt(6 / (fan_in + fan_out)); a vector of n: fan_in = fan_out = n.
        const double fanIn = t.rows == 1 ? t.cols : t.rows, fanOut = t.cols;
        const double limit = std::sqrt(6.0 / (fanIn + fanOut));
        for (std::size_t i = 0; i < t.size(); ++i) w[t.offset + i] = limit * (2.0 * unit(rng) - 1.0);
    }
    return w;
}

void LstmNetwork::initialState(double* state, int stride, int lanes) const {
    std::fill_n(state + std::size_t(rowV) * stride, lanes, restVoltage);
    std::fill_n(state + std::size_t(rowCa) * stride, lanes, hasCalciumHead() ? 0.0 : restVoltage);
    std::fill_n(state + 2 * std::size_t(stride), std::size_t(hiddenSize_) * lanes, 0.0);
}

void LstmNetwork::step(const double* w, const double* old, double* neu, double* gates, int stride, int first,
                       int lanes, const double* input, LstmScratch& scratch) const {
    LstmScratch::Impl& s = scratch.impl();
    const int L = lanes, H = hiddenSize_;
    const double* hOld = old + 2 * std::size_t(stride) + std::size_t(first) * H;
    double* hNeu = neu + 2 * std::size_t(stride) + std::size_t(first) * H;
    double* gBase = gates + std::size_t(first) * gateSize_;
    s.x = CRowVec(input, L) / currentScale;
    for (std::size_t k = 0; k < layers_.size(); ++k) {
        const LstmLayer& ly = layers_[k];
        const int n = ly.units, nIn = ly.inputs;
        // Kernel [inputs + units][4 units] row-major is its transpose Kt [4 units][inputs + units] column-major.
        const Eigen::Map<const Mat> Kt(w + ly.kernel, 4 * n, nIn + n);
        // z = Kt [x; h] + b. The input: the scaled current, or the new h of the layer below
        // (layers form one chain: the head's first layer reads the voltage network's output).
        if (k == 0) s.z.noalias() = Kt.leftCols(nIn) * s.x;
        else s.z.noalias() = Kt.leftCols(nIn) * CBlock(hNeu + layers_[k - 1].h, nIn, L, Stride(H));
        s.z.noalias() += Kt.rightCols(n) * CBlock(hOld + ly.h, n, L, Stride(H));
        s.z.colwise() += CVec(w + ly.bias, 4 * n);

        const auto cOld = CBlock(hOld + ly.c, n, L, Stride(H)).array();
        const auto wF = CVec(w + ly.wF, n).array(), wI = CVec(w + ly.wI, n).array(), wO = CVec(w + ly.wO, n).array();
        // Pre-activations in z, then one sigmoid over all of z (contiguous, so every element goes
        // through the same vectorised exp), with tanh(j) = 2 sig(2j) - 1. The o rows are
        // saved first: their pre-activation needs c'.
        auto zI = s.z.middleRows(0, n).array(), zJ = s.z.middleRows(n, n).array(),
             zF = s.z.middleRows(2 * n, n).array();
        s.u.resize(2 * n, L);
        s.u.topRows(n) = s.z.middleRows(3 * n, n);
        zI = zI + cOld.colwise() * wI;
        zJ = 2.0 * zJ;
        zF = zF + forgetBias + cOld.colwise() * wF;
        s.z.array() = sigmoid(s.z.array());
        Block g(gBase + ly.gates, 5 * n, L, Stride(gateSize_));
        auto sI = g.middleRows(0, n).array(), tJ = g.middleRows(n, n).array(), sF = g.middleRows(2 * n, n).array(),
             sO = g.middleRows(3 * n, n).array(), tC = g.middleRows(4 * n, n).array();
        sI = zI;
        tJ = 2.0 * zJ - 1.0;
        sF = zF;
        auto cNew = Block(hNeu + ly.c, n, L, Stride(H)).array();
        cNew = sF * cOld + sI * tJ;
        // The same for sig(o + w_o c') and tanh(c') = 2 sig(2c') - 1.
        s.u.topRows(n).array() += cNew.colwise() * wO;
        s.u.bottomRows(n).array() = 2.0 * cNew;
        s.u.array() = sigmoid(s.u.array());
        sO = s.u.topRows(n).array();
        tC = 2.0 * s.u.bottomRows(n).array() - 1.0;
        Block(hNeu + ly.h, n, L, Stride(H)).array() = sO * tC;
    }
    const int hV = layers_[voltageLayers() - 1].h, hCa = layers_.back().h;
    double* V = neu + std::size_t(rowV) * stride + first;
    double* Ca = neu + std::size_t(rowCa) * stride + first;
    for (int q = 0; q < L; ++q) {
        V[q] = voltageScale * hNeu[std::size_t(q) * H + hV] + restVoltage;
        Ca[q] = hasCalciumHead() ? calciumScale * hNeu[std::size_t(q) * H + hCa] : V[q];
    }
}

void LstmNetwork::reverseStep(const double* w, const double* old, const double* neu, const double* gates,
                              const double* adjNew, double* adjOld, int stride, int first, int lanes,
                              const double* input, double* adjInput, double* grad, LstmScratch& scratch) const {
    LstmScratch::Impl& s = scratch.impl();
    const int L = lanes, H = hiddenSize_, K = int(layers_.size()), vOut = voltageLayers() - 1;
    const std::size_t hidden = 2 * std::size_t(stride) + std::size_t(first) * H;
    const double *hOld = old + hidden, *hNeu = neu + hidden, *aNew = adjNew + hidden;
    double* aOld = adjOld + hidden;
    const double* gBase = gates + std::size_t(first) * gateSize_;
    const CRowVec aV(adjNew + std::size_t(rowV) * stride + first, L);
    const CRowVec aCa(adjNew + std::size_t(rowCa) * stride + first, L);
    for (int k = K - 1; k >= 0; --k) {
        const LstmLayer& ly = layers_[k];
        const int n = ly.units, nIn = ly.inputs;
        const Eigen::Map<const Mat> Kt(w + ly.kernel, 4 * n, nIn + n);
        Eigen::Map<Mat> dKt(grad + ly.kernel, 4 * n, nIn + n);

        // Adjoint of this layer's new h: from the next step, from the outputs (V = 100 h - 60,
        // Ca = 500 h or Ca = V) and from the layer above, which reads it as its input.
        s.dh = CBlock(aNew + ly.h, n, L, Stride(H));
        if (k == vOut) s.dh.row(0) += voltageScale * aV;
        if (k == vOut && !hasCalciumHead()) s.dh.row(0) += voltageScale * aCa;
        if (k == K - 1 && hasCalciumHead()) s.dh.row(0) += calciumScale * aCa;
        if (k + 1 < K) s.dh += s.dx;

        const CBlock g(gBase + ly.gates, 5 * n, L, Stride(gateSize_));
        const auto sI = g.middleRows(0, n).array(), tJ = g.middleRows(n, n).array(), sF = g.middleRows(2 * n, n).array(),
                   sO = g.middleRows(3 * n, n).array(), tC = g.middleRows(4 * n, n).array();
        const auto cOld = CBlock(hOld + ly.c, n, L, Stride(H)).array();
        const auto cNew = CBlock(hNeu + ly.c, n, L, Stride(H)).array();
        const auto wF = CVec(w + ly.wF, n).array(), wI = CVec(w + ly.wI, n).array(), wO = CVec(w + ly.wO, n).array();

        // h' = sO tC: d zo = dh tC sO (1 - sO); dc' += dh sO (1 - tC^2) + d zo w_o
        s.dz.resize(4 * n, L);
        auto dzI = s.dz.middleRows(0, n).array(), dzJ = s.dz.middleRows(n, n).array(),
             dzF = s.dz.middleRows(2 * n, n).array(), dzO = s.dz.middleRows(3 * n, n).array();
        const auto dh = s.dh.array();
        dzO = dh * tC * sO * (1.0 - sO);
        s.dc = CBlock(aNew + ly.c, n, L, Stride(H));
        auto dc = s.dc.array();
        dc += dh * sO * (1.0 - tC * tC) + dzO.colwise() * wO;
        // c' = sF c + sI tJ with sF = sig(zf + 1 + w_f c), sI = sig(zi + w_i c)
        dzF = dc * cOld * sF * (1.0 - sF);
        dzI = dc * tJ * sI * (1.0 - sI);
        dzJ = dc * sI * (1.0 - tJ * tJ);
        Block(aOld + ly.c, n, L, Stride(H)).array() = dc * sF + dzF.colwise() * wF + dzI.colwise() * wI;

        Vec(grad + ly.bias, 4 * n) += s.dz.rowwise().sum();
        Vec(grad + ly.wO, n).array() += (dzO * cNew).rowwise().sum();
        Vec(grad + ly.wF, n).array() += (dzF * cOld).rowwise().sum();
        Vec(grad + ly.wI, n).array() += (dzI * cOld).rowwise().sum();

        const CBlock hPrev(hOld + ly.h, n, L, Stride(H));
        dKt.rightCols(n).noalias() += s.dz * hPrev.transpose();
        Block(aOld + ly.h, n, L, Stride(H)).noalias() = Kt.rightCols(n).transpose() * s.dz;
        // The layer's input: the scaled current (layer 0), or the new h of the layer below.
        if (k == 0) {
            s.x = CRowVec(input, L) / currentScale;
            dKt.leftCols(nIn).noalias() += s.dz * s.x.transpose();
        } else {
            dKt.leftCols(nIn).noalias() += s.dz * CBlock(hNeu + layers_[k - 1].h, nIn, L, Stride(H)).transpose();
        }
        s.dx.noalias() = Kt.leftCols(nIn).transpose() * s.dz;
    }
    for (int q = 0; q < L; ++q) adjInput[q] = s.dx(0, q) / currentScale;
    std::fill_n(adjOld + std::size_t(rowV) * stride + first, L, 0.0);
    std::fill_n(adjOld + std::size_t(rowCa) * stride + first, L, 0.0);
}

}  // namespace odynn
