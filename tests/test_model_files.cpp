// Models written as equations (SPEC 1.5): the shipped model files reproduce the golden traces
// and the built-in gradients, gradients of other update methods match central finite
// differences, mixed circuits work, and bad input names file:line:column and the symbol.
#include <QProcess>
#include <QTemporaryDir>

#include <fstream>
#include <sstream>

#include "odynn/circuit_io.hpp"
#include "odynn/csv.hpp"
#include "odynn/currents.hpp"
#include "odynn/datasets.hpp"
#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"
#include "odynn/model_file.hpp"
#include "odynn/stimuli.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

const ModelSpec& shipped(const std::string& name) { return loadModelFile(test::resourcePath("models/" + name + ".odm")); }

// Steps and pulses into every neuron; targets from the circuit's own run, offset.
FitDataset makeData(const Circuit& c, int steps, int batch) {
    FitDataset d;
    d.stimulus = Stimulus(steps, batch, int(c.neurons.size()));
    const auto t = timeVector(steps, c.dt);
    for (int b = 0; b < batch; ++b)
        for (int n = 0; n < d.stimulus.neurons; ++n) {
            const auto i = n % 2 == 0 ? stepCurrent(t, 20 + 10 * b, 90 + 5 * n, 15.0 + 5 * b)
                                      : pulseTrain(t, 10, 15, 40, 3, 12.0 + 4 * b);
            for (int k = 0; k < steps; ++k) d.stimulus.at(k, b, n) = i[k];
        }
    SimulationOptions opt;
    opt.record = Record::VoltageCalcium;
    const auto r = simulate(c, d.stimulus, opt);
    const size_t n = size_t(steps) * batch * c.neurons.size();
    d.targetV.resize(n);
    d.targetCa.resize(n);
    for (int k = 0; k < steps; ++k)
        for (int b = 0; b < batch; ++b)
            for (size_t m = 0; m < c.neurons.size(); ++m) {
                const size_t at = (size_t(k) * batch + b) * c.neurons.size() + m;
                d.targetV[at] = r.sets[0].at(k, 0, b, int(m)) + 0.5;
                d.targetCa[at] = r.sets[0].at(k, 1, b, int(m)) * 1.1;
            }
    return d;
}

// The defaults perturbed by +-7 %, two sets.
std::vector<double> perturbed(const Circuit& c, int sets) {
    const ParameterLayout layout(c);
    const auto base = layout.values(c);
    Rng rng(7);
    std::uniform_real_distribution<double> u(-0.07, 0.07);
    std::vector<double> pop;
    for (int s = 0; s < sets; ++s)
        for (double v : base) pop.push_back(v * (1.0 + u(rng)));
    return pop;
}

// Reverse-pass gradient against Richardson-extrapolated central differences.
double worstFiniteDifferenceError(const Circuit& c, int steps, double wCa) {
    const ParameterLayout layout(c);
    const FitDataset data = makeData(c, steps, 2);
    LossWeights w;
    w.ca = wCa;
    const int sets = 2, P = layout.size();
    const auto pop = perturbed(c, sets);
    const LossGradient lg = lossAndGradient(c, pop, sets, data, w, 1);
    double worst = 0;
    for (int s = 0; s < sets; ++s) {
        double gmax = 0;
        for (int p = 0; p < P; ++p) gmax = std::max(gmax, std::abs(lg.gradient[size_t(s) * P + p]));
        for (int p = 0; p < P; ++p) {
            const double x = pop[size_t(s) * P + p];
            auto lossAt = [&](double v) {
                std::vector<double> q = pop;
                q[size_t(s) * P + p] = v;
                return lossOnly(c, q, sets, data, w, 1)[s];
            };
            const double h = 1e-2 * std::max(1e-2, std::abs(x));
            auto central = [&](double hh) { return (lossAt(x + hh) - lossAt(x - hh)) / (2 * hh); };
            const double d1 = central(h), d2 = central(h / 2), d4 = central(h / 4);
            const double r1 = (4 * d2 - d1) / 3, r2 = (4 * d4 - d2) / 3, fd = (16 * r2 - r1) / 15;
            const double ad = lg.gradient[size_t(s) * P + p];
            const double err = std::abs(fd - ad) / std::max({std::abs(fd), std::abs(ad), 1e-5 * gmax});
            if (err > 1e-6) qInfo("  %s set %d: fd %.10g ad %.10g", layout.entries()[p].name.c_str(), s, fd, ad);
            if (!std::isfinite(err)) qInfo("  %s set %d: fd %g ad %g", layout.entries()[p].name.c_str(), s, fd, ad);
            worst = std::isfinite(err) ? std::max(worst, err) : INFINITY;
        }
    }
    return worst;
}

// The error message of compiling `text` (empty when it compiles).
std::string errorOf(const std::string& text) {
    try {
        compileModel(text, "bad.odm");
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

struct Run {
    int code;
    QString out, err;
};

Run cli(const QStringList& args) {
    QProcess p;
    p.start(ODYNN_CLI, args);
    p.waitForFinished(120000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

void writeText(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

const char* header = "model m\nparameter C = 1\nstate V = -60 voltage\n";

}  // namespace

class TestModelFiles : public QObject {
    Q_OBJECT
private slots:
    void shippedFilesReproduceGoldenTraces_data() {
        QTest::addColumn<QString>("golden");
        QTest::addColumn<QString>("file");
        QTest::newRow("celegans_default") << "celegans_default" << "celegans";
        QTest::newRow("celegans_random1") << "celegans_random1" << "celegans";
        QTest::newRow("hhsimple_default") << "hhsimple_default" << "hhsimple";
        QTest::newRow("leaky_default") << "leaky_default" << "leaky";
    }
    void shippedFilesReproduceGoldenTraces() {
        QFETCH(QString, golden);
        QFETCH(QString, file);
        const ModelSpec& spec = shipped(file.toStdString());
        const std::string base = test::dataPath("golden/" + golden.toStdString());
        const CsvTable in = readCsv(base + "_input.csv");
        const CsvTable expected = readCsv(base + "_expected.csv");
        const auto params = paramsFromJson(spec, readJsonFile(base + "_params.json"));
        const Circuit c = singleNeuronCircuit(spec.name, uniformStep(in), params);
        const SimulationResult r = simulate(c, stimulusFromTable(c, in));
        QCOMPARE(r.sets[0].steps, expected.rows());
        double worst = 0;
        for (int s = 0; s < spec.stateCount(); ++s) {
            const auto& col = expected.column(spec.stateNames[s]);
            double maxAbs = 0, maxDiff = 0;
            for (double x : col) maxAbs = std::max(maxAbs, std::abs(x));
            for (int t = 0; t < expected.rows(); ++t) maxDiff = std::max(maxDiff, std::abs(r.sets[0].at(t, s, 0, 0) - col[t]));
            QVERIFY2(maxDiff <= 1e-9 * maxAbs, qPrintable(QString::fromStdString(spec.stateNames[s]) +
                                                          QString(": max |diff| %1 > 1e-9 x %2").arg(maxDiff).arg(maxAbs)));
            worst = std::max(worst, maxDiff / maxAbs);
        }
        qInfo("worst relative difference to the golden trace: %.3g", worst);
    }

    void shippedFilesMatchBuiltinGradients_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<double>("dt");
        QTest::addColumn<double>("wCa");
        QTest::newRow("celegans") << "celegans" << 0.5 << 1e3;
        QTest::newRow("hhsimple") << "hhsimple" << 0.2 << 0.0;
        QTest::newRow("leaky") << "leaky" << 0.5 << 0.5;
    }
    void shippedFilesMatchBuiltinGradients() {
        QFETCH(QString, model);
        QFETCH(double, dt);
        QFETCH(double, wCa);
        const Circuit builtin = singleNeuronCircuit(model.toStdString(), dt);
        const Circuit fromFile = singleNeuronCircuit(shipped(model.toStdString()).name, dt);
        const FitDataset data = makeData(builtin, 300, 2);
        LossWeights w;
        w.ca = wCa;
        const auto pop = perturbed(builtin, 2);
        const LossGradient a = lossAndGradient(builtin, pop, 2, data, w, 1);
        const LossGradient b = lossAndGradient(fromFile, pop, 2, data, w, 1);
        QCOMPARE(a.gradient.size(), b.gradient.size());
        double gmax = 0, worst = 0;
        for (double g : a.gradient) gmax = std::max(gmax, std::abs(g));
        for (size_t i = 0; i < a.gradient.size(); ++i)
            worst = std::max(worst, std::abs(a.gradient[i] - b.gradient[i]) / std::max(std::abs(a.gradient[i]), 1e-6 * gmax));
        for (int s = 0; s < 2; ++s) QVERIFY(std::abs(a.loss[s] - b.loss[s]) <= 1e-10 * std::abs(a.loss[s]));
        qInfo("worst relative gradient difference to the built-in model: %.3g", worst);
        QVERIFY2(worst < 1e-10, qPrintable(QString("relative difference %1").arg(worst)));
    }

    void otherMethodsMatchFiniteDifferences() {
        // Exponential and Euler updates, a discrete map, helpers reading new states, min/max/abs
        // (away from their kinks, where finite differences would not apply), and an exp that
        // overflows inside a quotient.
        const ModelSpec& spec = registerModelSource(R"(model methods_test "every update form"
parameter C = 2 bounds 0.5 10
parameter g = 0.3 bounds 0 5
parameter E = -65 unit mV
parameter k = 200
parameter tau = 20 bounds 1 100
state V = -60 voltage unit mV
state w = 0.1
state c = 0.5 calcium
act = 1 / (1 + exp((k - V) / 0.001))   # overflows for most V: gives 0 or 1
dV/dt = (i_inj - g * (V - E) - 0.5 * w * (V + 80)) / C : exponential
dw/dt = (max(tanh((V + 40) / 10), -2) + 0.01 * act - w) / tau : euler
c' = c + dt * (0.005 * abs(V + 100) ^ 1.5 / (1 + c) - c / tau) + min(w, 5) * 0.01
)", "methods.odm");
        const Circuit c = singleNeuronCircuit(spec.name, 0.25);
        const double err = worstFiniteDifferenceError(c, 300, 1.0);
        qInfo("worst relative error against central differences: %.3g", err);
        QVERIFY(err < 1e-6);
    }

    void mixedCircuitSimulatesAndDifferentiates() {
        Circuit c = test::pairCircuit(0.5);
        c.addNeuron("F", shipped("celegans").name);
        c.addNeuron("H", shipped("hhsimple").name);
        c.synapses.push_back({2, 0, presets::excitatory2});
        c.synapses.push_back({0, 3, presets::inhibitory2});
        c.gaps.push_back({1, 2, 0.1});
        const double err = worstFiniteDifferenceError(c, 150, 1e3);
        qInfo("mixed circuit: worst relative error against central differences: %.3g", err);
        QVERIFY(err < 1e-6);
        // The file's celegans neuron behaves as a built-in one in the same place.
        Circuit same = c;
        same.neurons[2].model = "celegans";
        const Stimulus stim = makeData(c, 100, 1).stimulus;
        const auto a = simulate(c, stim), b = simulate(same, stim);
        for (int t = 0; t < 100; ++t)
            for (int n = 0; n < 4; ++n) QVERIFY(std::abs(a.sets[0].at(t, 0, 0, n) - b.sets[0].at(t, 0, 0, n)) < 1e-9);
    }

    void helpersNamedICurrentsAreCurrents() {
        for (const char* name : {"celegans", "hhsimple"}) {
            const ModelSpec& file = shipped(name);
            const ModelSpec& builtin = modelSpec(name);
            QCOMPARE(ionicCurrentNames(file.name), ionicCurrentNames(builtin.name));
            const Circuit c = singleNeuronCircuit(builtin.name, 0.5);
            Stimulus stim(200, 1, 1);
            for (int t = 20; t < 150; ++t) stim.at(t, 0, 0) = 15.0;
            const auto r = simulate(c, stim);
            std::vector<std::vector<double>> states(size_t(builtin.stateCount()), std::vector<double>(200));
            for (int s = 0; s < builtin.stateCount(); ++s)
                for (int t = 0; t < 200; ++t) states[size_t(s)][size_t(t)] = r.sets[0].at(t, s, 0, 0);
            const auto a = ionicCurrents(builtin.name, c.neurons[0].params, states);
            const auto b = ionicCurrents(file.name, c.neurons[0].params, states);
            QCOMPARE(a.size(), b.size());
            for (size_t k = 0; k < a.size(); ++k)
                for (size_t t = 0; t < a[k].size(); ++t)
                    QVERIFY(std::abs(a[k][t] - b[k][t]) <= 1e-12 * std::max(1.0, std::abs(a[k][t])));
        }
    }

    void voltageNeedNotComeFirst() {
        const ModelSpec& spec = registerModelSource("model gate_first\nparameter g = 0.1\nstate x = 0.5\n"
                                                    "state U = -60 voltage\nx' = 0.9 * x\n"
                                                    "dU/dt = i_inj - g * (U + 60)\n",
                                                    "gate_first.odm");
        QCOMPARE(spec.voltageIndex, 1);
        Circuit c = test::pairCircuit(0.5);
        c.neurons[1].model = spec.name;
        c.neurons[1].params = spec.defaults();
        QVERIFY(worstFiniteDifferenceError(c, 100, 0.0) < 1e-6);
    }

    void badInputNamesLineColumnAndSymbol_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString h = header;
        QTest::newRow("syntax") << h + "dV/dt = (C * V\n" << "bad.odm:4:15: ";
        QTest::newRow("unknown symbol") << h + "dV/dt = -V / Cm\n" << "bad.odm:4:14: Cm: unknown symbol 'Cm'";
        QTest::newRow("unknown function") << h + "dV/dt = erf(V)\n" << "bad.odm:4:9: erf: unknown function 'erf'";
        QTest::newRow("no update") << h + "state w = 0\ndV/dt = -V\n" << "bad.odm:4:7: w: state 'w' has no update line";
        QTest::newRow("two updates") << h + "dV/dt = -V\nV' = V\n" << "bad.odm:5:1: V: a second update of state 'V'";
        QTest::newRow("no voltage") << "model m\nstate x = 0\nx' = x\n" << "bad.odm:2:7: voltage: no state is marked voltage";
        QTest::newRow("duplicate") << h + "parameter V = 2\ndV/dt = -V\n" << "bad.odm:4:11: V: duplicate name 'V'";
        QTest::newRow("non-affine") << h + "dV/dt = -V^2 / C\n" << "bad.odm:4:2: V: dV/dt is not affine in V";
        QTest::newRow("non-affine exponential") << h + "dV/dt = exp(V) : exponential\n"
                                                << "bad.odm:4:2: V: dV/dt is not affine in V";
        QTest::newRow("unknown method") << h + "dV/dt = -V : rk4\n" << "bad.odm:4:14: rk4: unknown method 'rk4'";
        QTest::newRow("no model line") << "state V = 0 voltage\nV' = V\n" << "bad.odm:1:1: model: missing";
        QTest::newRow("bad option") << "model m\nparameter a = 1 bound 0 1\n" << "bad.odm:2:17: bound: expected bounds";
        QTest::newRow("update of a parameter") << h + "C' = 2\ndV/dt = -V\n" << "bad.odm:4:1: C: 'C' is not a state";
        QTest::newRow("division by zero") << h + "dV/dt = -V + 1/0\n" << "bad.odm:4:9: -V + 1/0: cannot evaluate";
        QTest::newRow("wrong argument count") << h + "dV/dt = pow(V)\n" << "bad.odm:4:9: pow: pow takes 2 arguments";
    }
    void badInputNamesLineColumnAndSymbol() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const std::string error = errorOf(text.toStdString());
        QVERIFY2(error.rfind(expected.toStdString(), 0) == 0, error.empty() ? "compiled" : error.c_str());
    }

    void circuitsCarryTheirModels() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        writeText(folder + "/cell.odm", "model carried_file\nparameter g = 0.2\nstate V = -60 voltage\n"
                                        "dV/dt = i_inj - g * (V + 60)\n");
        const std::string source = "model carried_source\nparameter g = 0.1\nstate V = -50 voltage\n"
                                   "dV/dt = i_inj - g * (V + 50)\n";
        nlohmann::json doc = {{"dt", 0.5},
                              {"models", {{{"file", "cell.odm"}}, {{"source", source}}}},
                              {"neurons", {{{"label", "A"}, {"model", "carried_file"}, {"params", {{"g", 0.3}}}},
                                           {{"label", "B"}, {"model", "carried_source"}},
                                           {{"label", "C"}, {"model", "leaky"}}}},
                              {"gaps", {{{"a", "A"}, {"b", "B"}, {"G_gap", 0.1}}}}};
        writeText(folder + "/c.json", doc.dump());
        const Circuit c = loadCircuit(folder + "/c.json");
        QCOMPARE(c.neurons[0].params, std::vector<double>{0.3});
        // Saved files embed the source of the model files they use (and only those).
        const nlohmann::json saved = circuitToJson(c);
        QCOMPARE(int(saved.at("models").size()), 2);
        for (const auto& m : saved.at("models")) QVERIFY(m.contains("source") && !m.contains("file"));
        const Circuit back = circuitFromJson(saved);
        Stimulus stim(50, 1, 3);
        for (int t = 10; t < 40; ++t) stim.at(t, 0, 0) = 5.0;
        const auto a = simulate(c, stim), b = simulate(back, stim);
        QCOMPARE(a.sets[0].values, b.sets[0].values);
        // A model error inside a circuit names the circuit, the model entry and the position.
        doc["models"] = {{{"source", "model broken\nstate V = 0 voltage\nV' = V + w\n"}}};
        try {
            circuitFromJson(doc, "c.json");
            QFAIL("accepted a broken model");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).rfind("c.json models[0]:3:10: w: unknown symbol", 0) == 0, e.what());
        }
    }

    void commandLineTakesModelFiles() {
        QTemporaryDir dir;
        const QString model = QString::fromStdString(test::resourcePath("models/leaky.odm"));
        const QString input = dir.filePath("i.csv");
        writeText(input.toStdString(), "t,i_inj\n0,0\n0.5,1\n1,1\n1.5,1\n2,0\n");
        Run r = cli({"simulate", "--model", model, "--input", input, "--out", dir.filePath("o.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const CsvTable fromFile = readCsv(dir.filePath("o.csv").toStdString());
        r = cli({"simulate", "--model", "leaky", "--input", input, "--out", dir.filePath("b.csv")});
        QCOMPARE(r.code, 0);
        const CsvTable builtin = readCsv(dir.filePath("b.csv").toStdString());
        for (int t = 0; t < builtin.rows(); ++t) QVERIFY(std::abs(fromFile.column("V")[t] - builtin.column("V")[t]) < 1e-12);
        r = cli({"models", model});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("leaky_eq") && r.out.contains("g_L") && r.out.contains("V=-60 (voltage)"));
        const QString bad = dir.filePath("bad.odm");
        writeText(bad.toStdString(), "model bad\nstate V = 0 voltage\ndV/dt = -V^2\n");
        r = cli({"simulate", "--model", bad, "--input", input, "--out", dir.filePath("x.csv")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(bad + ":3:2: V: dV/dt is not affine in V"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath("x.csv")));
    }

    void builtinNamesAreTaken() {
        QVERIFY_THROWS_EXCEPTION(InputError, registerModelSource("model leaky\nstate V = 0 voltage\nV' = V\n", "x.odm"));
    }

    void fileModelsHaveTheirTables() {
        const ModelSpec& spec = shipped("celegans");
        const ModelSpec& builtin = modelSpec("celegans");
        QCOMPARE(spec.stateNames, builtin.stateNames);
        QCOMPARE(spec.initialState, builtin.initialState);
        QCOMPARE(spec.calciumIndex, builtin.calciumIndex);
        QCOMPARE(spec.params.size(), builtin.params.size());
        for (size_t i = 0; i < spec.params.size(); ++i) {
            const ParamSpec &a = spec.params[i], &b = builtin.params[i];
            QCOMPARE(a.name, b.name);
            QCOMPARE(a.defaultValue, b.defaultValue);
            QCOMPARE(a.lowerBound, b.lowerBound);
            QCOMPARE(a.upperBound, b.upperBound);
            QCOMPARE(a.randomLow, b.randomLow);
            QCOMPARE(a.randomHigh, b.randomHigh);
            QCOMPARE(a.unit, b.unit);
        }
        // random defaults to the bounds when both are finite, else the default value
        const ModelSpec& m = registerModelSource("model r\nparameter a = 1 bounds 0 2\nparameter b = 3 bounds 0 inf\n"
                                                 "state V = 0 voltage\nV' = V + a + b\n", "r.odm");
        QCOMPARE(m.params[0].randomLow, 0.0);
        QCOMPARE(m.params[0].randomHigh, 2.0);
        QCOMPARE(m.params[1].randomLow, 3.0);
        QCOMPARE(m.params[1].randomHigh, 3.0);
    }
};

QTEST_APPLESS_MAIN(TestModelFiles)
#include "test_model_files.moc"
