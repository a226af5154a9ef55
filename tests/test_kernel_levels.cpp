// The kernels compiled for each x86-64 level (core/src/kernel_level.hpp) give the same numbers
// bit for bit: simulations of every built-in model, a model file and a circuit with synapses
// and gap junctions, and the exact gradient, on every level this CPU runs.
#include <cstdio>
#include <cstring>
#include <string>
#include <fstream>
#include <sstream>

#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/datasets.hpp"
#include "odynn/fitting.hpp"
#include "odynn/kernel_level.hpp"
#include "odynn/model_file.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

std::vector<double> trajectory(const Circuit& c, const Stimulus& stim) {
    SimulationOptions opt;
    opt.record = Record::AllStates;
    return simulate(c, stim, opt).sets[0].values;
}

// A circuit's loss and gradient for two perturbed sets against targets offset from its own run.
std::vector<double> gradient(const Circuit& c, const Stimulus& stim) {
    FitDataset d;
    d.stimulus = stim;
    SimulationOptions opt;
    opt.record = Record::VoltageCalcium;
    const auto r = simulate(c, stim, opt);
    for (int k = 0; k < stim.steps; ++k)
        for (size_t m = 0; m < c.neurons.size(); ++m) {
            d.targetV.push_back(r.sets[0].at(k, 0, 0, int(m)) + 0.5);
            d.targetCa.push_back(r.sets[0].at(k, 1, 0, int(m)) * 1.1);
        }
    const ParameterLayout layout(c);
    std::vector<double> pop = layout.values(c);
    for (double v : layout.values(c)) pop.push_back(v * 1.03);
    LossWeights w;
    w.ca = 0.5;
    const LossGradient lg = lossAndGradient(c, pop, 2, d, w, 1);
    std::vector<double> all = lg.loss;
    all.insert(all.end(), lg.gradient.begin(), lg.gradient.end());
    return all;
}

// Empty when a and b hold the same bits, else where they first differ.
std::string difference(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size());
    for (size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(double)) != 0) {
            char at[160];
            std::snprintf(at, sizeof at, "value %zu of %zu: %.17g and %.17g", i, a.size(), a[i], b[i]);
            return at;
        }
    return {};
}

}  // namespace

class TestKernelLevels : public QObject {
    Q_OBJECT

    // Runs `f` on every level and compares its numbers with the lowest level's.
    static void sameOnEveryLevel(const std::function<std::vector<double>()>& f) {
        const auto levels = supportedKernelLevels();
        QVERIFY(!levels.empty());
        const std::string before = kernelLevel();
        std::vector<double> reference;
        for (const std::string& level : levels) {
            QVERIFY(setKernelLevel(level));
            QCOMPARE(kernelLevel(), level);
            const auto values = f();
            QVERIFY(!values.empty());
            if (reference.empty()) reference = values;
            else if (const std::string d = difference(values, reference); !d.empty())
                QFAIL(qPrintable(QString::fromStdString(level + " differs from " + levels[0] + " at " + d)));
        }
        QVERIFY(setKernelLevel(before));
    }

private slots:
    void theBestLevelIsChosen() {
        const auto levels = supportedKernelLevels();
        QVERIFY(!levels.empty());
        if (qEnvironmentVariableIsSet("ODYNN_ISA")) QSKIP("ODYNN_ISA chooses the level");
        QCOMPARE(kernelLevel(), levels.back());
        qInfo("kernels: %s of %d levels", kernelLevel().c_str(), int(levels.size()));
    }

    void unknownOrMissingLevelsAreRefused() {
        const std::string before = kernelLevel();
        QVERIFY(!setKernelLevel("v9"));
        QVERIFY(!setKernelLevel(""));
        QCOMPARE(kernelLevel(), before);
    }

    void singleNeurons_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("model");
        QTest::newRow("celegans") << "celegans_random1" << "celegans";
        QTest::newRow("hhsimple") << "hhsimple_default" << "hhsimple";
        QTest::newRow("leaky") << "leaky_default" << "leaky";
    }
    void singleNeurons() {
        QFETCH(QString, name);
        QFETCH(QString, model);
        const std::string base = test::dataPath("golden/" + name.toStdString());
        const CsvTable in = readCsv(base + "_input.csv");
        const ModelSpec& spec = modelSpec(model.toStdString());
        const Circuit c = singleNeuronCircuit(spec.name, uniformStep(in), paramsFromJson(spec, readJsonFile(base + "_params.json")));
        const Stimulus stim = stimulusFromTable(c, in);
        sameOnEveryLevel([&] { return trajectory(c, stim); });
    }

    // The bytecode evaluator of model files.
    void modelFile() {
        std::ifstream f(test::resourcePath("models/celegans.odm"));
        std::stringstream text;
        text << f.rdbuf();
        const ModelSpec& spec = registerModelSource(text.str(), "celegans.odm");
        const CsvTable in = readCsv(test::dataPath("golden/celegans_random1_input.csv"));
        const Circuit c = singleNeuronCircuit(spec.name, uniformStep(in));
        const Stimulus stim = stimulusFromTable(c, in);
        sameOnEveryLevel([&] { return trajectory(c, stim); });
        sameOnEveryLevel([&] { return gradient(c, stim); });
    }

    // Synapses and gap junctions, forward and reverse.
    void circuit() {
        const std::string base = test::dataPath("golden/circuit_pair");
        const Circuit c = loadCircuit(base + ".json");
        QVERIFY(!c.synapses.empty() && !c.gaps.empty());
        Stimulus stim = stimulusFromTable(c, readCsv(base + "_input.csv"));
        sameOnEveryLevel([&] { return trajectory(c, stim); });
        // The gradient on the first 3,000 steps keeps the suite quick.
        Stimulus shortStim(3000, stim.batch, stim.neurons);
        std::copy_n(stim.current.begin(), shortStim.current.size(), shortStim.current.begin());
        sameOnEveryLevel([&] { return gradient(c, shortStim); });
    }
};

QTEST_APPLESS_MAIN(TestKernelLevels)
#include "test_kernel_levels.moc"
