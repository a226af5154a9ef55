// Circuits from the real C. elegans wiring: sizes, named synapses and their signs, the
// neighbourhood selection, unknown names, and the connectome command with the bundled data.
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>

#include "odynn/circuit_io.hpp"
#include "odynn/circuit_layout.hpp"
#include "odynn/connectome.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

const Synapse* findSynapse(const Circuit& c, const std::string& pre, const std::string& post) {
    const int a = c.neuronIndex(pre), b = c.neuronIndex(post);
    for (const auto& s : c.synapses)
        if (s.pre == a && s.post == b) return &s;
    return nullptr;
}

const Gap* findGap(const Circuit& c, const std::string& x, const std::string& y) {
    const int a = c.neuronIndex(x), b = c.neuronIndex(y);
    for (const auto& g : c.gaps)
        if ((g.a == a && g.b == b) || (g.a == b && g.b == a)) return &g;
    return nullptr;
}

// Chalfie et al. 1985's touch (tap-withdrawal) circuit: touch receptors, DVA and the command
// interneurons.
const std::vector<std::string> kTap = {"ALML", "ALMR", "AVM",  "PLML", "PLMR", "AVAL", "AVAR",
                                       "AVBL", "AVBR", "AVDL", "AVDR", "PVCL", "PVCR", "DVA"};

}  // namespace

class TestConnectome : public QObject {
    Q_OBJECT
    Connectome cook, varshney;

private slots:
    void initTestCase() {
        const std::string dir = test::resourcePath("connectome");
        cook = loadConnectome(dir, ConnectomeSource::Cook2019);
        varshney = loadConnectome(dir, ConnectomeSource::Varshney2011);
    }

    void wholeDataSets() {
        // Counts of the data README (neuron-to-neuron, autapses and self gap junctions left out):
        // Cook 3,709 directed edges with 38 self-loops, 1,107 gap pairs with 14 self pairs;
        // Varshney 2,194 chemical pairs and 514 gap pairs (plus 3 self pairs).
        const Circuit c = connectomeCircuit(cook, allConnectomeNeurons(cook));
        QCOMPARE(int(c.neurons.size()), 302);
        QCOMPARE(int(c.synapses.size()), 3709 - 38);
        QCOMPARE(int(c.gaps.size()), 1107 - 14);
        c.validate();
        const Circuit v = connectomeCircuit(varshney, allConnectomeNeurons(varshney));
        QCOMPARE(int(v.neurons.size()), 280);
        QCOMPARE(int(v.synapses.size()), 2194);
        QCOMPARE(int(v.gaps.size()), 514);
        v.validate();
        QVERIFY(v.neuronIndex("I1L") < 0);  // pharyngeal neurons are not in Varshney's data
    }

    void tapWithdrawalCircuit() {
        // Counted independently from cook2019_herm_*.csv with a short Python script.
        const Circuit c = connectomeCircuit(cook, cook.indicesOf(kTap));
        QCOMPARE(int(c.neurons.size()), 14);
        QCOMPARE(int(c.synapses.size()), 74);
        QCOMPARE(int(c.gaps.size()), 29);
        QCOMPARE(c.neurons[c.neuronIndex("AVAL")].role, Role::Command);
        QCOMPARE(c.neurons[c.neuronIndex("PLML")].role, Role::Sensory);
        QCOMPARE(c.neurons[c.neuronIndex("DVA")].role, Role::Sensory);  // a stretch receptor in Cook's classes
        for (const auto& n : c.neurons) {
            QVERIFY(n.position.has_value());
            QVERIFY((*n.position)[0] >= 0 && (*n.position)[0] <= 1000);
        }
        // Anterior neurons to the left: ALM (mid-body) left of PLM (tail).
        QVERIFY((*c.neurons[c.neuronIndex("ALML")].position)[0] < (*c.neurons[c.neuronIndex("PLML")].position)[0]);
    }

    void namedSynapsesAndSigns() {
        const Circuit c = connectomeCircuit(cook, allConnectomeNeurons(cook));
        // AVAL -> AVAR, weight 12, acetylcholine: excitatory, G = min(0.5, 0.6).
        const Synapse* ava = findSynapse(c, "AVAL", "AVAR");
        QVERIFY(ava);
        QVERIFY(ava->excitatory());
        QCOMPARE(ava->p.G, 0.5);
        QCOMPARE(ava->p.E, presets::excitatory1.E);
        // RIS (GABA) -> CEPDR, weight 1: inhibitory with G = 0.05.
        const Synapse* ris = findSynapse(c, "RIS", "CEPDR");
        QVERIFY(ris);
        QVERIFY(!ris->excitatory());
        QCOMPARE(ris->p.E, presets::inhibitory1.E);
        QVERIFY(std::abs(ris->p.G - 0.05) < 1e-15);
        // Gap PVCR -- VA9 is 3 one way and 2 the other in Cook's sheet: the larger is used.
        const Gap* g = findGap(c, "PVCR", "VA9");
        QVERIFY(g);
        QVERIFY(std::abs(g->G_gap - 0.15) < 1e-15);
        QVERIFY(!findSynapse(c, "PLML", "PVCL"));  // no such chemical synapse in Cook's data
        // GABAergic neurons' synapses are all inhibitory.
        const int dd1 = c.neuronIndex("DD1");
        int fromDD1 = 0;
        for (const auto& s : c.synapses)
            if (s.pre == dd1) {
                ++fromDD1;
                QVERIFY(!s.excitatory());
            }
        QVERIFY(fromDD1 > 0);
        // Interneurons are `inter`; the ventral cord motor classes are `motor`, and the role survives a save.
        QCOMPARE(c.neurons[c.neuronIndex("RIS")].role, Role::Inter);
        for (const char* motor : {"VA9", "VB3", "VD5", "DA2", "DB4", "DD1", "AS7"})
            QVERIFY2(c.neurons[c.neuronIndex(motor)].role == Role::Motor, motor);
        QCOMPARE(roleFromName(roleName(Role::Motor)), std::optional<Role>(Role::Motor));
    }

    // The whole worm drawn readably: soma positions spread until no neuron's box (with its label)
    // overlaps another, the body's head-to-tail order kept; a force layout for position-less
    // circuits is reproducible and finite.
    void largeCircuitsLayOutWithoutOverlaps() {
        const Circuit worm = connectomeCircuit(cook, allConnectomeNeurons(cook));
        std::vector<Point2> at;
        const std::vector<Point2> half(worm.neurons.size(), Point2{32, 26});  // a neuron and its label (scene units)
        for (const Neuron& n : worm.neurons) at.push_back(*n.position);
        QVERIFY(boxesOverlap(at, half));
        const std::vector<Point2> apart = removeOverlaps(at, half);
        QVERIFY(!boxesOverlap(apart, half));
        const size_t head = size_t(worm.neuronIndex("AVAL")), tail = size_t(worm.neuronIndex("PVCL"));
        QVERIFY(apart[head][0] < apart[tail][0]);
        const std::vector<Point2> force = forceLayout(worm, 80);
        QVERIFY(force == forceLayout(worm, 80));
        for (const Point2& p : force) QVERIFY(std::isfinite(p[0]) && std::isfinite(p[1]));
        QVERIFY(!boxesOverlap(removeOverlaps(force, half), half));
    }

    void neighbourhoodOfAval() {
        const auto around = connectomeNeighbourhood(cook, cook.neuronIndex("AVAL"), 1);
        QCOMPARE(int(around.size()), 101);  // AVAL and its 100 partners (Python count)
        QVERIFY(std::find(around.begin(), around.end(), cook.neuronIndex("AVAR")) != around.end());
        QCOMPARE(int(connectomeNeighbourhood(cook, cook.neuronIndex("AVAL"), 0).size()), 1);
    }

    void unknownNamesRejected() {
        try {
            cook.indicesOf({"AVAL", "AVAX", "FOO"}, "--neurons");
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("--neurons"));
            QVERIFY(std::string(e.what()).find("AVAX, FOO") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(InputError, loadConnectome("/nonexistent", ConnectomeSource::Cook2019));
    }

    void textTableReader() {
        const TextTable t = parseTextCsv("a,b\n x ,\"y, z\"\r\n1,2,extra\n", "t.csv");
        QCOMPARE(int(t.rows.size()), 2);
        QCOMPARE(t.rows[0][0], std::string("x"));
        QCOMPARE(t.rows[0][1], std::string("y, z"));
        QCOMPARE(t.lines[1], 3L);
        try {
            parseTextCsv("a,b\n1\n", "t.csv");
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(e.line(), 2L);
            QCOMPARE(e.field(), std::string("b"));
        }
        QVERIFY_THROWS_EXCEPTION(InputError, parseTextCsv("a,a\n1,2\n", "t.csv"));
        QVERIFY_THROWS_EXCEPTION(InputError, parseTextCsv("", "t.csv"));
    }

    void connectomeCommandUsesBundledData() {
        QTemporaryDir dir;
        const QString out = dir.filePath("tap.json");
        QStringList names;
        for (const auto& n : kTap) names << QString::fromStdString(n);
        QProcess p;
        p.start(ODYNN_CLI, {"connectome", "--neurons", names.join(','), "--out", out});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const Circuit c = loadCircuit(out.toStdString());
        QCOMPARE(int(c.neurons.size()), 14);
        QCOMPARE(int(c.synapses.size()), 74);

        QProcess around;
        around.start(ODYNN_CLI, {"connectome", "--around", "AVAL", "--hops", "1", "--source", "varshney2011", "--data-dir",
                                 QString::fromStdString(test::resourcePath("connectome")), "--out", out});
        QVERIFY(around.waitForFinished(60000));
        QCOMPARE(around.exitCode(), 0);
        QVERIFY(loadCircuit(out.toStdString()).neuronIndex("AVAL") >= 0);

        QProcess bad;
        bad.start(ODYNN_CLI, {"connectome", "--neurons", "AVAL,NOPE", "--out", out});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("--neurons: unknown neuron name(s): NOPE"));
    }
};

QTEST_GUILESS_MAIN(TestConnectome)
#include "test_connectome.moc"
