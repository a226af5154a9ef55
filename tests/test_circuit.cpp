// Circuits: validation messages, the JSON exchange format, presets, parameter names and
// neighbourhoods on the Boost.Graph wiring.
#include <QTemporaryDir>

#include "odynn/circuit_graph.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/parameters.hpp"
#include "test_support.hpp"

using namespace odynn;
using nlohmann::json;

namespace {
QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}
}  // namespace

class TestCircuit : public QObject {
    Q_OBJECT
private slots:
    void validationNamesTheProblem() {
        Circuit c = test::pairCircuit(0.1);
        c.validate();
        Circuit bad = c;
        bad.gaps.push_back({1, 1, 0.2});
        QVERIFY(errorOf([&] { bad.validate(); }).contains("to itself"));
        bad = c;
        bad.synapses.push_back(c.synapses[0]);
        QVERIFY(errorOf([&] { bad.validate(); }).contains("duplicate synapse A->B"));
        bad = c;
        bad.gaps.push_back({1, 0, 0.1});
        QVERIFY(errorOf([&] { bad.validate(); }).contains("duplicate gap junction"));
        bad = c;
        bad.neurons[1].params[0] = std::nan("");
        QVERIFY(errorOf([&] { bad.validate(); }).contains("B/C_m"));
        bad = c;
        bad.dt = 0;
        QVERIFY(errorOf([&] { bad.validate(); }).contains("dt"));
        bad = c;
        bad.synapses[0].post = 7;
        QVERIFY(errorOf([&] { bad.validate(); }).contains("unknown neuron"));
    }

    void jsonRoundTripAndDefaults() {
        const json doc = json::parse(R"({"format":"odynn-circuit","version":1,"dt":0.2,
          "neurons":[{"label":"PVD","role":"sensory","params":{"C_m":3}},{"label":"AVA","model":"leaky","role":"command",
                      "position":[10,-4]}],
          "synapses":[{"pre":"PVD","post":"AVA","G":0.5,"mdp":0,"scale":10,"E":-70}],
          "gaps":[{"a":"AVA","b":"PVD","G_gap":0.3}], "stimuli": {"kept": true}})");
        const Circuit c = circuitFromJson(doc, "x.json");
        QCOMPARE(c.dt, 0.2);
        QCOMPARE(c.neurons[0].role, Role::Sensory);
        QCOMPARE(c.neurons[0].params[0], 3.0);
        QCOMPARE(c.neurons[0].params[1], 20.0);  // E_Ca default
        QCOMPARE(c.neurons[1].model, std::string("leaky"));
        QVERIFY(c.neurons[1].position.has_value());
        QVERIFY(!c.synapses[0].excitatory());
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.json").toStdString();
        saveCircuit(c, path);
        const Circuit back = loadCircuit(path);
        QCOMPARE(circuitToJson(back), circuitToJson(c));
    }

    void unknownKeysAndNamesAreErrors() {
        auto load = [](const char* text) { return errorOf([&] { circuitFromJson(json::parse(text), "f.json"); }); };
        QVERIFY(load(R"({"neurons":[{"label":"A","colour":1}]})").contains("neurons[0].colour"));
        QVERIFY(load(R"({"neurons":[{"label":"A","params":{"Cm":1}}]})").contains("unknown parameter 'Cm'"));
        QVERIFY(load(R"({"neurons":[{"label":"A","model":"izhikevich"}]})").contains("unknown model"));
        QVERIFY(load(R"({"neurons":[{"label":"A"}],"gaps":[{"a":"A","b":"Q"}]})").contains("unknown neuron 'Q'"));
        QVERIFY(load(R"({"neurons":[{"label":"A","params":{"C_m":"x"}}]})").contains("C_m"));
        QVERIFY(load(R"({"neurons":[{"label":"A"}],"dt":-1})").contains("dt"));
        QVERIFY(load(R"({"format":"other","neurons":[]})").contains("format"));
    }

    void parameterNamesAndBounds() {
        const Circuit c = test::pairCircuit(0.1);
        const ParameterLayout L(c);
        QCOMPARE(L.size(), 2 * 28 + 2 * 4 + 1);
        QVERIFY(L.find("A/C_m") >= 0);
        QVERIFY(L.find("B->A/G") >= 0);
        QVERIFY(L.find("A--B/G_gap") >= 0);
        const auto& eInh = L.entries()[L.find("A->B/E")];
        QCOMPARE(eInh.lowerBound, -120.0);
        QCOMPARE(eInh.upperBound, -60.0);
        const auto& eExc = L.entries()[L.find("B->A/E")];
        QCOMPARE(eExc.lowerBound, -60.0);
        QCOMPARE(L.entries()[L.find("A->B/scale")].lowerBound, 0.2);
        QCOMPARE(ParameterLayout(singleNeuronCircuit("leaky", 1)).entries()[0].name, std::string("C_m"));
        std::vector<double> v = L.values(c);
        v[L.find("A->B/G")] = 0.123;
        Circuit d = c;
        L.apply(d, v.data());
        QCOMPARE(d.synapses[0].p.G, 0.123);
    }

    void neighbourhoodFollowsBothKindsOfEdge() {
        Circuit c;
        for (const char* n : {"A", "B", "C", "D", "E"}) c.addNeuron(n);
        c.synapses.push_back({0, 1, presets::excitatory1});  // A->B
        c.synapses.push_back({2, 1, presets::excitatory1});  // C->B (incoming counts too)
        c.gaps.push_back({2, 3, 0.1});                       // C--D
        QCOMPARE(neighbourhood(c, 0, 1), (std::vector<int>{0, 1}));
        QCOMPARE(neighbourhood(c, 0, 2), (std::vector<int>{0, 1, 2}));
        QCOMPARE(neighbourhood(c, 0, 3), (std::vector<int>{0, 1, 2, 3}));
        QCOMPARE(int(boost::num_edges(wiringGraph(c))), 3);
    }
};

QTEST_APPLESS_MAIN(TestCircuit)
#include "test_circuit.moc"
