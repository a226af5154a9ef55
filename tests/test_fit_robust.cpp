// The robust method, bounds and fixed parameters over the one optimizer: recovery of a known
// answer on a short problem, bounds that hold, bad bounds and starting sets rejected, fixed
// values per set, stop and bit-for-bit resume in every stage, the parameters the hops free, and
// the part of a circuit a gate's hop polishes.
#include <QTemporaryDir>
#include <algorithm>

#include "odynn/circuit_fixed.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"
#include "odynn/objective.hpp"
#include "odynn/stimuli.hpp"
#include "robust_fit.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

FitDataset targetOf(const Circuit& c, double maxT) { return test::simulatedTarget(c, maxT, 2); }

FitOptions robustOptions(int population, int adamEpochs) {
    FitOptions o;
    o.method = FitMethod::Robust;
    o.population = population;
    o.seed = 2;
    o.robust.screenSets = 100;
    o.robust.adamEpochs = adamEpochs;
    o.robust.polishRounds = 2;
    o.robust.hopRounds = 2;
    o.robust.hopCandidates = 20;
    o.robust.polishEvaluations = 150;
    return o;
}

QByteArray readAll(const QString& f) {
    QFile h(f);
    h.open(QIODevice::ReadOnly);
    return h.readAll();
}

}  // namespace

class TestFitRobust : public QObject {
    Q_OBJECT
private slots:
    void recoversTheAnswerOfAShortProblem() {
        // hhsimple's defaults made the data; the robust fit of 4 starts finds them again.
        const Circuit c = singleNeuronCircuit("hhsimple", 1.0);
        FitRun run(c, targetOf(c, 400.0), std::nullopt, robustOptions(4, 60));
        const FitResult r = run.run();
        QVERIFY(r.termination == Termination::Completed);
        const double start = run.lossHistory().front()[0];  // best screened start
        qInfo("loss %.3g -> %.3g in %.1f s", start, r.bestLoss, r.wallSeconds);
        QVERIFY(r.bestLoss * 1e3 <= start);
        QCOMPARE(run.epochsDone(), 1 + 60 + 2 + 2);
        // Every set ends at the best point it reached, inside the bounds.
        const auto& L = run.layout();
        for (int s = 0; s < 4; ++s)
            for (int p = 0; p < L.size(); ++p) {
                const double x = run.population()[s * L.size() + p];
                QVERIFY(x >= L.entries()[p].lowerBound && x <= L.entries()[p].upperBound);
            }
    }

    void userBoundsHoldForBothMethods() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        for (FitMethod m : {FitMethod::Odynn, FitMethod::Robust}) {
            FitOptions o = robustOptions(3, 8);
            o.method = m;
            o.epochs = 8;
            o.learningRate = LearningRate{5.0, 9, 0.92};
            o.bounds = {{"C_m", 10.0, 12.0}, {"g_Ca", 1.0, 2.0}};
            FitRun run(c, targetOf(c, 200.0), std::nullopt, o);
            const auto& L = run.layout();
            for (int s = 0; s < 3 && m == FitMethod::Odynn; ++s) {
                const double x = run.population()[s * L.size() + L.find("C_m")];
                QVERIFY(x >= 10.0 && x <= 12.0);  // random starts are drawn inside the bounds
            }
            run.run();
            for (int s = 0; s < 3; ++s) {
                const double* th = run.population().data() + s * L.size();
                QVERIFY(th[L.find("C_m")] >= 10.0 && th[L.find("C_m")] <= 12.0);
                QVERIFY(th[L.find("g_Ca")] >= 1.0 && th[L.find("g_Ca")] <= 2.0);
            }
        }
    }

    void badBoundsAndStartsAreRejected() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        const FitDataset d = targetOf(c, 50.0);
        auto problem = [&](const FitOptions& o) {
            try {
                FitRun run(c, d, std::nullopt, o);
            } catch (const InputError& e) {
                return QString::fromStdString(e.what());
            }
            return QString();
        };
        FitOptions o;
        o.bounds = {{"C_m", 5.0, 1.0}};
        QVERIFY(problem(o).contains("lower must be below upper"));
        o.bounds = {{"C_m", 0.1, 10.0}};  // the model's lower bound is 0.5
        QVERIFY(problem(o).contains("leave the model's bounds"));
        o.bounds = {{"nope", 0.0, 1.0}};
        QVERIFY(problem(o).contains("unknown parameter"));
        o.bounds = {{"C_m", 1.0, 2.0}};
        const ParameterLayout L(c);
        o.initial = L.values(c);  // C_m = 20, outside [1, 2]
        QVERIFY(problem(o).contains("outside its bounds"));
        o.bounds.clear();
        o.fixed = {"C_m"};
        o.initial[L.find("C_m")] = 0.1;  // a fixed value outside the model's bounds
        QVERIFY(problem(o).contains("outside the model's bounds"));
    }

    void fixedValuesPerSetAndFixAll() {
        const Circuit c = singleNeuronCircuit("leaky", 1.0);
        const ParameterLayout L(c);
        std::vector<double> init = L.values(c), second = init;
        second[L.find("C_m")] = 7.0;
        init.insert(init.end(), second.begin(), second.end());
        FitOptions o;
        o.population = 3;
        o.epochs = 3;
        o.fixed = {"C_m"};
        o.initial = init;
        FitRun run(c, targetOf(c, 100.0), std::nullopt, o);
        run.run();
        const int P = L.size();
        QCOMPARE(run.population()[0 * P + L.find("C_m")], init[L.find("C_m")]);
        QCOMPARE(run.population()[1 * P + L.find("C_m")], 7.0);  // the user's set keeps its own value
        QCOMPARE(run.population()[2 * P + L.find("C_m")], init[L.find("C_m")]);  // a random set: the model's
        o.fixed = {"all"};
        o.initial.clear();
        FitRun frozen(c, targetOf(c, 100.0), std::nullopt, o);
        const std::vector<double> before = frozen.population();
        frozen.run();
        QVERIFY(frozen.population() == before);
    }

    void circuitFileFixedKeysAreHonoured() {
        const nlohmann::json doc = nlohmann::json::parse(R"({"format": "odynn-circuit", "dt": 1,
            "neurons": [{"label": "A", "fixed": ["C_m", "g_L"]}, {"label": "B", "fixed": true}],
            "synapses": [{"pre": "A", "post": "B", "fixed": ["G"]}],
            "gaps": [{"a": "A", "b": "B", "fixed": true}]})");
        const Circuit c = circuitFromJson(doc, "c.json");
        const std::vector<std::string> names = fixedParameterNames(doc, c, "c.json");
        const ParameterLayout L(c);
        const int bFixed = int(modelSpec("celegans").params.size());
        QCOMPARE(int(names.size()), 2 + bFixed + 1 + 1);
        QVERIFY(std::find(names.begin(), names.end(), "A/C_m") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "B/rho_ca") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "A->B/G") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "A--B/G_gap") != names.end());
        for (const auto& n : names) QVERIFY(L.find(n) >= 0);
        nlohmann::json bad = doc;
        bad["neurons"][0]["fixed"] = {"nope"};
        try {
            fixedParameterNames(bad, c, "c.json");
            QFAIL("an unknown fixed name must be an error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("c.json"));
            QVERIFY(QString(e.what()).contains("neurons[0].fixed"));
        }
    }

    void hopsFindTheParametersStuckOnABoundOrAtACap() {
        // ODYNN's celegans defaults have g_Ks on its upper bound (10) and h__scale on its (-1).
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        const CircuitObjective obj(c, targetOf(c, 50.0), std::nullopt, robustOptions(1, 0));
        const std::vector<std::string> names = obj.names();
        std::vector<double> set = ParameterLayout(c).values(c);
        auto entry = [&](const std::string& n) { return size_t(std::find(names.begin(), names.end(), n) - names.begin()); };
        set[entry("g_Kf")] = 10.0;                // on its upper bound
        set[entry("decay_ca")] = 1e8;             // ms, random range 10-500: far past it
        set[entry("q__tau")] = 1.9e4;             // ms, random range 1-200: far out, but not 100x
        set[entry("g_L")] = 1e-5 * (1 + 1e-3);    // near its lower bound, not on it
        set[entry("E_K")] = -80.0;                // the end of its random range, no bound
        std::vector<std::string> stuck;
        for (const int f : detail::stuckVariables(obj, set.data()))
            for (size_t p = 0; p < names.size(); ++p)
                if (obj.freeIndex()[p] == f) stuck.push_back(names[p]);
        std::sort(stuck.begin(), stuck.end());
        std::string listed;
        for (const auto& n : stuck) listed += n + " ";
        qInfo("stuck: %s", listed.c_str());
        QCOMPARE(stuck, (std::vector<std::string>{"decay_ca", "g_Kf", "g_Ks", "h__scale"}));
        // At the defaults themselves only the two on their bounds.
        const std::vector<double> defaults = ParameterLayout(c).values(c);
        QCOMPARE(int(detail::stuckVariables(obj, defaults.data()).size()), 2);
    }

    void aGateHopPolishesItsNeuronAndItsConnections() {
        // A -> B and A -- B, B -> C: a hop of one of A's gates polishes A, A->B and A--B only.
        const nlohmann::json doc = nlohmann::json::parse(R"({"format": "odynn-circuit", "dt": 1,
            "neurons": [{"label": "A"}, {"label": "B"}, {"label": "C"}],
            "synapses": [{"pre": "A", "post": "B"}, {"pre": "B", "post": "C"}],
            "gaps": [{"a": "A", "b": "B"}]})");
        const Circuit c = circuitFromJson(doc, "c.json");
        const CircuitObjective obj(c, targetOf(c, 60.0), std::nullopt, robustOptions(1, 0));
        const std::vector<std::string> names = obj.names();
        auto nameOf = [&](int f) {
            for (size_t p = 0; p < names.size(); ++p)
                if (obj.freeIndex()[p] == f) return names[p];
            return std::string();
        };
        auto nearA = [](const std::string& n) {  // A's parameters and those of its connections
            return n.rfind("A/", 0) == 0 || n.rfind("A->B/", 0) == 0 || n.rfind("A--B/", 0) == 0;
        };
        const auto groups = detail::hopGroups(obj);
        const int pTau = obj.freeIndex()[size_t(std::find(names.begin(), names.end(), "A/p__tau") - names.begin())];
        const auto gateOfA = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
            return std::find(g.begin(), g.end(), pTau) != g.end();
        });
        QVERIFY(gateOfA != groups.end());
        const std::vector<int> vary = detail::hopNeighbourhood(obj, *gateOfA);
        QVERIFY(std::is_sorted(vary.begin(), vary.end()));
        std::vector<std::string> polished;
        for (const int f : vary) polished.push_back(nameOf(f));
        const int perNeuron = int(modelSpec("celegans").params.size());
        const int synapse = int(std::count_if(names.begin(), names.end(), [](const auto& n) { return n.rfind("A->B/", 0) == 0; }));
        const int gap = int(std::count_if(names.begin(), names.end(), [](const auto& n) { return n.rfind("A--B/", 0) == 0; }));
        QVERIFY(synapse > 0 && gap > 0);
        QCOMPARE(int(polished.size()), perNeuron + synapse + gap);
        for (const auto& n : polished) QVERIFY2(nearA(n), n.c_str());

        // The polish moves those alone and lowers the loss; B's, C's and B->C's stay bit for bit.
        std::vector<double> set = ParameterLayout(c).values(c);
        const std::vector<double> truth = set;
        for (size_t p = 0; p < names.size(); ++p)
            if (names[p] == "A/p__tau" || names[p] == "A/C_m" || names[p] == "B/C_m") set[p] *= 1.2;
        double loss = obj.loss(set, 1, false)[0];
        const double before = loss;
        const auto coords = detail::coordinatesOf(obj);
        QVERIFY(detail::polishWithLevenbergMarquardt(obj, coords, 10, set.data(), loss, {}, {}, 0, vary).value_or(false));
        qInfo("loss %.3g -> %.3g", before, loss);
        QVERIFY(loss < before);
        for (size_t p = 0; p < names.size(); ++p)
            if (!nearA(names[p]))
                QVERIFY2(set[p] == (names[p] == "B/C_m" ? truth[p] * 1.2 : truth[p]), names[p].c_str());

        // A single neuron, or a connection's parameter in the group: every free variable.
        QVERIFY(detail::hopNeighbourhood(obj, {obj.freeIndex()[size_t(std::find(names.begin(), names.end(), "A->B/G") - names.begin())]}).empty());
        const Circuit one = singleNeuronCircuit("celegans", 1.0);
        const CircuitObjective single(one, targetOf(one, 50.0), std::nullopt, robustOptions(1, 0));
        QVERIFY(detail::hopNeighbourhood(single, detail::hopGroups(single).front()).empty());
    }

    void stopAndResumeBitForBitInEveryStage() {
        const Circuit c = singleNeuronCircuit("hhsimple", 1.0);
        const FitDataset d = targetOf(c, 150.0);
        const FitOptions o = robustOptions(3, 6);
        QTemporaryDir dirA;
        std::vector<double> reference;  // every set's final point
        {
            FitRun straight(c, d, d, o);
            straight.attachRunDirectory(dirA.path().toStdString());
            straight.run();
            reference = straight.population();
        }
        for (int stopAfter : {0, 3, 7, 9}) {  // screen, adam, first polish round, first hop
            QTemporaryDir dirB;
            {
                FitRun first(c, d, d, o);
                first.attachRunDirectory(dirB.path().toStdString());
                const FitResult r = first.run(
                    [&](const EpochSummary& s) { return s.epoch == stopAfter ? FitControl::Stop : FitControl::Continue; });
                QVERIFY(r.termination == Termination::Stopped);
            }
            FitRun resumed = FitRun::resume(dirB.path().toStdString());
            QCOMPARE(resumed.epochsDone(), stopAfter + 1);
            resumed.run();
            QVERIFY(resumed.population() == reference);
            QCOMPARE(readAll(dirB.filePath("history.csv")), readAll(dirA.filePath("history.csv")));
            QCOMPARE(readAll(dirB.filePath("params.csv")), readAll(dirA.filePath("params.csv")));
            QCOMPARE(readAll(dirB.filePath("best.json")), readAll(dirA.filePath("best.json")));
        }
        const QList<QByteArray> rows = readAll(dirA.filePath("history.csv")).split('\n');
        QVERIFY(rows[0].endsWith(",stage"));
        QVERIFY(rows[1].endsWith(",screen"));
        QVERIFY(rows[2].endsWith(",adam"));
        QVERIFY(rows[8].endsWith(",polish"));
        QVERIFY(rows[10].endsWith(",hop"));
    }
};

QTEST_APPLESS_MAIN(TestFitRobust)
#include "test_fit_robust.moc"
