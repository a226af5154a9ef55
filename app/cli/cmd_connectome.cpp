#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "validators.hpp"
#include "connectome_data.hpp"
#include "data_args.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/connectome.hpp"
#include "odynn/errors.hpp"

namespace odynn::cli {

namespace {

struct ConnectomeArgs {
    bool all = false;
    std::string neurons, around, source = "cook2019", dataDir, out;
    int hops = 1;
    double dt = 0.1;
};

}  // namespace

std::string bundledConnectomeDir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return "share/odynn-studio/connectome";
    return (exe.parent_path().parent_path() / "share" / "odynn-studio" / "connectome").string();
}

Command addConnectomeCommand(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "connectome",
        "Build an odynn-circuit file from the real C. elegans wiring (Cook et al. 2019 or Varshney et al. 2011).\n"
        "Rules: celegans neurons with default parameters; chemical synapse of weight w (Cook: EM sections, Varshney: "
        "synapse count): G = min(0.5, 0.05*w), inhibitory (preset inhibitory1) when the presynaptic neuron releases "
        "GABA, else excitatory (preset excitatory1; glutamate and unknown transmitters count as excitatory); gap "
        "junction: G_gap = min(0.5, 0.05*w); autapses and self gap junctions left out; roles: sensory neurons "
        "sensory, AVA/AVB/AVD/AVE/PVC command, motor neurons (Cook's motor class: VA, VB, VD, DA, DB, DD, AS, head and "
        "sublateral) motor, all others (inter-, pharyngeal) inter; positions: side view "
        "of the c302 soma positions, about 1000 scene units long");
    auto a = std::make_shared<ConnectomeArgs>();
    auto* all = sub->add_flag("--all", a->all, "Every neuron of the data set");
    auto* names = sub->add_option("--neurons", a->neurons, "Comma-separated neuron names, e.g. AVAL,AVAR,PVCL");
    auto* around = sub->add_option("--around", a->around, "A neuron and its neighbourhood (see --hops)");
    sub->add_option("--hops", a->hops, "Neighbourhood radius in synapses or gap junctions, either direction (default 1)")
        ->check(nonNegative);
    all->excludes(names)->excludes(around);
    names->excludes(around);
    sub->add_option("--source", a->source, "cook2019 (default, all 302 neurons) or varshney2011 (279 somatic)")
        ->check(CLI::IsMember({"cook2019", "varshney2011"}));
    sub->add_option("--data-dir", a->dataDir, "Folder with the connectome CSV files (default: the bundled copy)");
    sub->add_option("--dt", a->dt, "Time step of the circuit (ms, default 0.1)")->check(positive);
    sub->add_option("--out", a->out, "Output odynn-circuit JSON")->required();
    return {sub, [a] {
        if (!a->all && a->neurons.empty() && a->around.empty())
            throw InputError({}, 0, "connectome", "choose the neurons with --all, --neurons or --around");
        const std::string dir = a->dataDir.empty() ? bundledConnectomeDir() : a->dataDir;
        const Connectome con = loadConnectome(dir, connectomeSourceFromName(a->source));
        std::vector<int> picked;
        if (a->all) picked = allConnectomeNeurons(con);
        else if (!a->neurons.empty()) picked = con.indicesOf(splitNames(a->neurons), "--neurons");
        else picked = connectomeNeighbourhood(con, con.indicesOf({a->around}, "--around").front(), a->hops);
        const Circuit c = connectomeCircuit(con, picked, a->dt);
        c.validate(a->out);
        saveCircuit(c, a->out);
        int inhibitory = 0;
        for (const auto& s : c.synapses) inhibitory += s.excitatory() ? 0 : 1;
        std::printf("%zu neurons, %zu chemical synapses (%d inhibitory), %zu gap junctions written to %s\n",
                    c.neurons.size(), c.synapses.size(), inhibitory, c.gaps.size(), a->out.c_str());
        return 0;
    }};
}

}  // namespace odynn::cli
