#pragma once
// LSTM behavioural neuron (SPEC 1.4): a recurrent network stands in for a neuron.
//   input x = i_inj / 60
//   voltage network: `layers` peephole LSTM layers of `units` units, then one of 1 unit; V = out*100 - 60
//   calcium head (optional): `calciumLayers` layers of `units` units fed with the voltage
//   network's output out (= (V+60)/100, as ODYNN's fitting graph feeds its raw output), then
//   one of 1 unit; Ca = out*500. Without a head Ca = V.
// Each layer is TensorFlow 1's LSTMCell(use_peepholes=True) (gate order i, j, f, o):
//   z  = [x, h] K + b                  K: [inputs+units, 4*units], b: [4*units]
//   c' = sig(f + 1 + w_f*c) * c + sig(i + w_i*c) * tanh(j)
//   h' = sig(o + w_o*c') * tanh(c')
// The weights of every layer are the trainable parameters, initialised as TensorFlow does by
// default: Glorot-uniform kernel and peephole vectors (a vector of n has fan_in = fan_out = n),
// zero bias; the forget bias 1 is a constant of the cell.
//
// State buffer of `stride` lanes (stateRows() * stride doubles): rows V and Ca as the circuit
// engine stores every model's state (row r of lane k at state[r * stride + k]), then the hidden
// vector of each lane, contiguous (lane k's c and h of every layer at state[2 * stride + k *
// hiddenSize() + ...], voltage layers first), so that a run of lanes is a [hidden x lanes]
// matrix. V and Ca are outputs only: the next step does not read them. Gate buffers hold
// gateSize() activations per lane, lane k at gates[k * gateSize()].
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "odynn/fitting.hpp"
#include "odynn/model.hpp"
#include "odynn/simulator.hpp"

namespace odynn {

// LstmSpec (units, layers, calciumLayers) is declared in model.hpp.

// One layer: its tensors' offsets in the flat weight vector and its place in a lane's hidden
// and gate vectors. Kernel is row-major [inputs + units][4 * units] (TensorFlow's layout).
struct LstmLayer {
    int inputs = 0, units = 0;
    std::size_t kernel = 0, bias = 0, wF = 0, wI = 0, wO = 0;
    int c = 0, h = 0;  // offsets of c and h in a lane's hidden vector
    int gates = 0;     // offset in a lane's gates: sig(i), tanh(j), sig(f), sig(o), tanh(c'), units each
};

// A named tensor of the weight vector, e.g. "volt/cell_0/kernel" [rows x cols] row-major,
// "calc/cell_1/w_f_diag" [1 x units].
struct LstmTensor {
    std::string name;
    std::size_t offset = 0;
    int rows = 1, cols = 0;
    std::size_t size() const { return std::size_t(rows) * cols; }
};

// Per-thread temporaries of step / reverseStep (opaque: holds Eigen matrices).
class LstmScratch {
public:
    LstmScratch();
    ~LstmScratch();
    LstmScratch(LstmScratch&&) noexcept;
    LstmScratch& operator=(LstmScratch&&) noexcept;
    struct Impl;
    Impl& impl() { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

class LstmNetwork {
public:
    static constexpr double currentScale = 60.0;   // x = i_inj / 60
    static constexpr double voltageScale = 100.0;  // V = out * 100 - 60   [mV]
    static constexpr double restVoltage = -60.0;
    static constexpr double calciumScale = 500.0;  // Ca = out * 500
    static constexpr double forgetBias = 1.0;
    static constexpr int rowV = 0, rowCa = 1;

    explicit LstmNetwork(const LstmSpec& spec = {});  // throws InputError for an invalid spec

    const LstmSpec& spec() const { return spec_; }
    const std::vector<LstmLayer>& layers() const { return layers_; }  // voltage layers, then the head
    int voltageLayers() const { return spec_.layers + 1; }
    bool hasCalciumHead() const { return spec_.calciumLayers > 0; }
    const std::vector<LstmTensor>& tensors() const { return tensors_; }
    int weightCount() const { return weightCount_; }
    int hiddenSize() const { return hiddenSize_; }    // c and h of every layer, per lane
    int stateRows() const { return 2 + hiddenSize_; }  // a state buffer holds stateRows() * stride
    int gateSize() const { return gateSize_; }        // per lane; a gate buffer holds gateSize() * stride

    // One weight vector drawn as TensorFlow initialises the cells (uniform draws from rng in
    // tensor order; bit-identical on every platform).
    std::vector<double> randomWeights(Rng& rng) const;
    // Zero LSTM state; V = -60, Ca = 0 with a head (else V).
    void initialState(double* state, int stride, int lanes) const;

    // One step of lanes [first, first + lanes) of buffers of `stride` lanes, all sharing the
    // weight vector w: neu = step(old, input), input[k] = injected current of lane first + k.
    // gates receives the activations that reverseStep needs. Other lanes are left untouched.
    // Where Eigen starts vectorising depends on address alignment: bit-identical results from
    // call to call need buffers (weights included) at the same alignment, e.g. all 64-byte
    // aligned as the engine's and the sequence functions' are.
    void step(const double* w, const double* old, double* neu, double* gates, int stride, int first, int lanes,
              const double* input, LstmScratch& s) const;
    // Reverse of step for the same lanes: given the adjoint of the new state (adjNew, with
    // d/dV in row V and d/dCa in row Ca), writes the adjoint of the old state (adjOld,
    // overwritten; rows V and Ca are 0), of each lane's input current (adjInput[k], overwritten)
    // and adds d/dw, summed over the lanes, into grad [weightCount]. old, neu and gates are
    // those of the forward step.
    void reverseStep(const double* w, const double* old, const double* neu, const double* gates,
                     const double* adjNew, double* adjOld, int stride, int first, int lanes, const double* input,
                     double* adjInput, double* grad, LstmScratch& s) const;

private:
    LstmSpec spec_;
    std::vector<LstmLayer> layers_;
    std::vector<LstmTensor> tensors_;
    int weightCount_ = 0, hiddenSize_ = 0, gateSize_ = 0;
};

// Weight file (best.json of an lstm fit, --params of simulate): {"format": "odynn-lstm",
// "units", "layers", "calcium_layers", "tensors": {name: [values, row-major]}}.
nlohmann::json lstmWeightsToJson(const LstmNetwork& net, const double* weights);
// Reads one weight set; spec is taken from the file. Throws InputError naming the problem.
std::vector<double> lstmWeightsFromJson(const nlohmann::json& doc, const std::string& source, LstmSpec& spec);

// Simulates `sets` weight vectors ([sets x weightCount]) on a one-neuron stimulus; one
// trajectory per set with states {V, cac} (Record::VoltageCalcium layout).
std::vector<Trajectory> simulateLstm(const LstmNetwork& net, const std::vector<double>& weights, int sets,
                                     const Stimulus& stimulus, int threads = 0);

// ODYNN's loss (SPEC 4) of every set and its exact gradient by backpropagation through time.
LossGradient lstmLossAndGradient(const LstmNetwork& net, const std::vector<double>& weights, int sets,
                                 const FitDataset& data, const LossWeights& lossWeights, int threads = 0);
std::vector<double> lstmLossOnly(const LstmNetwork& net, const std::vector<double>& weights, int sets,
                                 const FitDataset& data, const LossWeights& lossWeights, int threads = 0);

// ODYNN's learning rate for LSTM fits: 0.01 * 0.95^floor(epoch / 9).
inline LearningRate defaultLstmLearningRate() { return {0.01, 9, 0.95}; }

// A population fit of LSTM neurons with FitRun's optimizer (Adam in TensorFlow 1's form,
// staircase learning rate, per-set global-norm clipping; weights have no bounds) and its run
// folder: settings.json (format "odynn-lstm-fit-run"), data.json, checkpoint.json,
// history.csv, best.json (a weight file), summary.json. There is no params.csv: a network has
// ~10^4 weights; checkpoint.json holds every set's weights. options.fixed and options.groups
// must be empty; options.initial holds whole weight vectors.
class LstmFitRun : public FitRun {
public:
    LstmFitRun(const LstmSpec& spec, double dt, FitDataset train, std::optional<FitDataset> test, FitOptions options);

    static LstmFitRun resume(const std::string& dir);  // throws InputError on a bad folder
    static bool isRunFolder(const std::string& dir);   // settings.json says "odynn-lstm-fit-run"

    const LstmNetwork& network() const;
    double dt() const;

private:
    explicit LstmFitRun(FitRun run) : FitRun(std::move(run)) {}
};

}  // namespace odynn
