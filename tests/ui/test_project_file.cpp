// Project files: save, load and compare; positions, stimuli and fixed parameters survive;
// broken files give errors that name the file.
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "project/project_file.hpp"

using namespace odynn;
using namespace odynn::ui;

class TestProjectFile : public QObject {
    Q_OBJECT
private slots:
    void bundledExampleHasEveryKindOfElement() {
        const Project p = exampleProject();
        const Circuit& c = p.circuit;
        QVERIFY(c.neurons.size() >= 3 && c.neurons.size() <= 5);
        bool sensory = false, inter = false, command = false;
        for (const Neuron& n : c.neurons) {
            sensory |= n.role == Role::Sensory;
            inter |= n.role == Role::Inter;
            command |= n.role == Role::Command;
            QVERIFY(n.position.has_value());
        }
        QVERIFY(sensory && inter && command);
        bool excitatory = false, inhibitory = false;
        for (const Synapse& s : c.synapses) (s.excitatory() ? excitatory : inhibitory) = true;
        QVERIFY(excitatory && inhibitory);
        QVERIFY(!c.gaps.empty());
        QVERIFY(p.stimulus.entries.size() >= 2);
        c.validate();
    }

    void roundTripKeepsEverything() {
        Project p = exampleProject();
        p.circuit.neurons[1].position = std::array<double, 2>{-12.5, 40.25};
        p.circuit.neurons[2].params[0] = 17.0;
        p.circuit.dt = 0.05;
        p.stimulus.duration = 321.0;
        CurrentSource ramp;
        ramp.neuron = QStringLiteral("AIB");
        ramp.shape = StimulusShape::Ramp;
        ramp.amplitude = -3.0;
        ramp.endAmplitude = 7.0;
        p.stimulus.entries[0].sources.append(ramp);
        p.fixedParameters = {QStringLiteral("ASH/C_m"), QStringLiteral("ASH->AVA/G")};

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("project.json"));
        saveProject(p, path);
        const Project back = loadProject(path);

        QCOMPARE(circuitToJson(back.circuit).dump(), circuitToJson(p.circuit).dump());
        QVERIFY(back.circuit.neurons[1].position.has_value());
        QCOMPARE((*back.circuit.neurons[1].position)[0], -12.5);
        QCOMPARE((*back.circuit.neurons[1].position)[1], 40.25);
        QCOMPARE(back.circuit.dt, 0.05);
        QVERIFY(back.stimulus == p.stimulus);
        QCOMPARE(back.fixedParameters, p.fixedParameters);

        // The saved file is a plain odynn-circuit document other tools can read.
        const Circuit plain = loadCircuitIgnoringAppKeys(path);
        QCOMPARE(plain.neurons.size(), p.circuit.neurons.size());
    }

    void stimulusShapesGiveTheExpectedCurrents() {
        CurrentSource step;
        step.start = 10;
        step.stop = 20;
        step.amplitude = 4;
        QCOMPARE(step.at(9.99), 0.0);
        QCOMPARE(step.at(10.0), 4.0);
        QCOMPARE(step.at(20.0), 0.0);
        CurrentSource ramp = step;
        ramp.shape = StimulusShape::Ramp;
        ramp.endAmplitude = 14;
        QCOMPARE(ramp.at(15.0), 9.0);
        CurrentSource pulses = step;
        pulses.shape = StimulusShape::PulseTrain;
        pulses.period = 4;
        pulses.width = 1;
        QCOMPARE(pulses.at(10.5), 4.0);
        QCOMPARE(pulses.at(12.0), 0.0);
        QCOMPARE(pulses.at(14.5), 4.0);

        const Project p = exampleProject();
        const Stimulus s = p.stimulus.build(p.circuit);
        QCOMPARE(s.steps, 10000);  // 1000 ms at 0.1 ms
        QCOMPARE(s.batch, static_cast<int>(p.stimulus.entries.size()));
        QCOMPARE(s.neurons, static_cast<int>(p.circuit.neurons.size()));
        const int ash = p.circuit.neuronIndex("ASH");
        QCOMPARE(s.at(500, 0, ash), 0.0);      // 50 ms: before the step
        QCOMPARE(s.at(0, 0, ash), 0.0);
        QCOMPARE(s.at(2000, 0, ash), 10.0);   // 200 ms
        QCOMPARE(s.at(2000, 0, p.circuit.neuronIndex("AVA")), 0.0);
    }

    void brokenFilesReportTheFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        {
            std::ofstream out(path.toStdString());
            out << R"({"format": "odynn-circuit", "version": 1, "dt": 0.1, "neurons": [)";
        }
        try {
            loadProject(path);
            QFAIL("a truncated file loaded");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("broken.json")), e.what());
        }
        {
            std::ofstream out(path.toStdString());
            out << R"({"format": "odynn-circuit", "version": 1, "dt": 0.1, "neurons": [{"label": "A"}],
                      "stimuli": {"duration": -5}})";
        }
        try {
            loadProject(path);
            QFAIL("a negative duration loaded");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("duration")), e.what());
        }
    }

private:
    static Circuit loadCircuitIgnoringAppKeys(const QString& path) {
        nlohmann::json doc = readJsonFile(path.toStdString());
        doc.erase("stimuli");
        doc.erase("fit");
        for (auto& n : doc["neurons"]) n.erase("position");
        return circuitFromJson(doc, path.toStdString());
    }
};

QTEST_GUILESS_MAIN(TestProjectFile)
#include "test_project_file.moc"
