#include "project/examples.hpp"

#include <QCoreApplication>
#include <QFile>

#include "editor/circuit_scene.hpp"
#include "import/connectome_dialog.hpp"
#include "odynn/connectome.hpp"
#include "odynn/errors.hpp"
#include "odynn/trace_import.hpp"

namespace odynn::ui {

namespace {

const char* const kAvalRecording = ":/examples/AVAL1.csv";

QString tr(const char* text) { return QCoreApplication::translate("Examples", text); }

Connectome bundledConnectome() {
    const QString dir = findConnectomeDir();
    if (dir.isEmpty())
        throw InputError("connectome", 0, "", "the bundled connectome data (neurons.csv) were not found; set ODYNN_CONNECTOME_DIR");
    return loadConnectome(dir.toStdString(), ConnectomeSource::Cook2019);
}

CurrentSource touch(const char* neuron, double amplitude) {
    CurrentSource s;
    s.neuron = QString::fromLatin1(neuron);
    s.start = 100.0;
    s.stop = 400.0;
    s.amplitude = amplitude;
    return s;
}

Project tapWithdrawal() {
    const Connectome cook = bundledConnectome();
    Project p;
    p.circuit = connectomeCircuit(cook, cook.indicesOf({"ALML", "ALMR", "AVM", "PLML", "PLMR", "DVA", "AVAL", "AVAR",
                                                        "AVBL", "AVBR", "AVDL", "AVDR", "PVCL", "PVCR"}));
    // Soma positions along the body (head left), spread so every neuron can be read: a wide
    // picture that suits the diagram's wide view better than columns by role.
    layOutReadably(p.circuit);
    p.stimulus.duration = 800.0;
    // A touch at the front excites ALM and AVM, one at the back PLM (10 uA/cm2 for 300 ms).
    p.stimulus.entries = {BatchEntry{tr("anterior touch"), {touch("ALML", 10), touch("ALMR", 10), touch("AVM", 10)}},
                          BatchEntry{tr("posterior touch"), {touch("PLML", 10), touch("PLMR", 10)}}};
    return p;
}

Project avalCalciumFit() {
    Project p;
    p.circuit.dt = 0.1;
    p.circuit.addNeuron("AVAL", "celegans", Role::Command);
    p.circuit.neurons.back().position = std::array<double, 2>{0.0, 0.0};
    p.stimulus = StimulusSpec::defaultFor(p.circuit);
    return p;
}

Project wholeWorm() {
    const Connectome cook = bundledConnectome();
    Project p;
    p.circuit = connectomeCircuit(cook, allConnectomeNeurons(cook));
    layOutReadably(p.circuit);
    p.stimulus = StimulusSpec::defaultFor(p.circuit);  // a step into every sensory neuron
    return p;
}

}  // namespace

std::vector<ExampleInfo> examples() {
    return {
        {Example::TapWithdrawal, tr("Tap withdrawal"),
         tr("The touch circuit of Chalfie et al. (1985): touch receptors, DVA and the command interneurons, wired as "
            "in Cook et al. (2019), touched at the front and at the back.")},
        {Example::AvalCalciumFit, tr("Calcium fit: AVAL"),
         tr("One AVAL neuron and a calcium-imaging recording of it, prepared as ODYNN did (5 windows): press Start "
            "in the Fit panel to fit the neuron's parameters to the calcium.")},
        {Example::WholeWorm, tr("The whole worm"),
         tr("All 302 neurons of the hermaphrodite with their chemical synapses and gap junctions, laid out along the "
            "body. A run takes a few seconds.")},
        {Example::Avoidance, tr("Avoidance"), tr("A small circuit: ASH senses, AIB relays, AVA and AVB command.")},
    };
}

Project exampleProject(Example example) {
    switch (example) {
    case Example::TapWithdrawal: return tapWithdrawal();
    case Example::AvalCalciumFit: return avalCalciumFit();
    case Example::WholeWorm: return wholeWorm();
    case Example::Avoidance: break;
    }
    return exampleProject();
}

std::vector<TargetTrace> exampleTargets(Example example, double dt) {
    if (example != Example::AvalCalciumFit) return {};
    QFile file(QString::fromLatin1(kAvalRecording));
    if (!file.open(QIODevice::ReadOnly)) throw InputError(kAvalRecording, 0, "", "bundled recording is missing");
    const QByteArray bytes = file.readAll();
    const RawTrace raw = parseTraceCsv(bytes.toStdString(), "AVAL1.csv");
    const OdynnRealData prepared = odynnRealData(raw, dt);
    std::vector<TargetTrace> out;
    for (size_t k = 0; k < prepared.train.size(); ++k) {
        const ImportedTrace& w = prepared.train[k];
        TargetTrace t;
        t.source = QStringLiteral("AVAL1.csv (ODYNN train_%1)").arg(k);
        t.time = w.t;
        t.columns.push_back(TargetColumn{QStringLiteral("AVAL"), true, w.cac});
        t.currents.emplace_back(QStringLiteral("AVAL"), w.current);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace odynn::ui
