// Model parameter tables (SPEC 1) and seeded random parameter sets.
#include "odynn/model.hpp"
#include "odynn/parameters.hpp"
#include "odynn/simulator.hpp"
#include "test_support.hpp"

using namespace odynn;

class TestModels : public QObject {
    Q_OBJECT
private slots:
    void tablesMatchSpec() {
        const ModelSpec& c = modelSpec("celegans");
        QCOMPARE(c.stateNames, (std::vector<std::string>{"V", "p", "q", "n", "e", "f", "cac"}));
        QCOMPARE(c.initialState, (std::vector<double>{-60, 0, 0.95, 0, 0, 1, 1e-7}));
        QCOMPARE(int(c.params.size()), 28);
        auto p = [&](const char* n) { return c.params[c.paramIndex(n)]; };
        QCOMPARE(p("C_m").defaultValue, 20.0);
        QCOMPARE(p("g_Kf").defaultValue, 0.07);
        QCOMPARE(p("n__tau").randomLow, 200.0);
        QCOMPARE(p("n__tau").randomHigh, 1000.0);
        QCOMPARE(p("rho_ca").upperBound, 100.0);
        QCOMPARE(p("h__alpha").upperBound, 1.0);
        QCOMPARE(p("f__scale").upperBound, -1.0);
        QVERIFY(std::isinf(p("decay_ca").upperBound));
        QCOMPARE(modelSpec("hhsimple").params[modelSpec("hhsimple").paramIndex("E_K")].defaultValue, 30.0);
        QCOMPARE(modelSpec("leaky").stateNames.size(), size_t(1));
        QVERIFY(findModel("nope") == nullptr);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, modelSpec("nope"));
        for (const auto& m : builtinModels())
            for (const auto& prm : m.params) {
                QVERIFY2(!prm.unit.empty(), prm.name.c_str());
                QVERIFY(prm.lowerBound <= prm.upperBound && prm.randomLow <= prm.randomHigh);
            }
    }

    void randomSetsAreSeededAndInRange() {
        for (const auto& m : builtinModels()) {
            Rng a(123), b(123), c(124);
            const auto x = randomParams(m, a), y = randomParams(m, b), z = randomParams(m, c);
            QCOMPARE(x, y);
            QVERIFY(x != z);
            for (size_t k = 0; k < x.size(); ++k)
                QVERIFY(x[k] >= m.params[k].randomLow && x[k] <= m.params[k].randomHigh);
        }
    }

    void sigmoidOverflowGivesItsLimit() {
        // A tiny slope drives exp() far past the double range: gates must saturate, never NaN.
        Circuit c = singleNeuronCircuit("celegans", 0.1);
        const ModelSpec& spec = modelSpec("celegans");
        c.neurons[0].params[spec.paramIndex("p__scale")] = 1e-3;
        c.neurons[0].params[spec.paramIndex("q__scale")] = -1e-3;
        c.neurons[0].params[spec.paramIndex("h__scale")] = -1e-4;
        Stimulus s(2000, 1, 1);
        for (int t = 500; t < 1500; ++t) s.at(t, 0, 0) = 30.0;
        const auto r = simulate(c, s);
        for (double v : r.sets[0].values) QVERIFY(std::isfinite(v));
        QCOMPARE(r.sets[0].at(100, 1, 0, 0), 0.0);  // p: V far below p__mdp -> exactly the limit 0
    }
};

QTEST_APPLESS_MAIN(TestModels)
#include "test_models.moc"
