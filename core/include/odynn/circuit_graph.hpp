#pragma once
// Boost.Graph view of a circuit's wiring, for graph algorithms (validation of duplicate
// edges, neighbourhoods, layouts). Vertices are neuron indices; chemical synapses are
// directed edges, each gap junction appears once as an edge a -> b.
#include <boost/graph/adjacency_list.hpp>

#include "odynn/circuit.hpp"

namespace odynn {

enum class EdgeKind { Chemical, Gap };
struct WiringEdge {
    EdgeKind kind;
    int index;  // into Circuit::synapses or Circuit::gaps
};

using WiringGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                          boost::no_property, WiringEdge>;

// Edges whose ends are out of range are skipped (validate() reports them).
WiringGraph wiringGraph(const Circuit& circuit);

// Neurons within `hops` edges of `start`, ignoring direction (start included), ascending.
std::vector<int> neighbourhood(const Circuit& circuit, int start, int hops);

}  // namespace odynn
