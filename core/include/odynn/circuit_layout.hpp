#pragma once
// Readable diagrams of large circuits: a force-directed layout for circuits without positions
// (Boost.Graph's Fruchterman-Reingold), and the removal of overlaps between the boxes each
// neuron and its label take, moving neurons as little as it can, so positions from data (the
// connectome's soma positions) keep their shape while every label can be read.
#include <array>
#include <vector>

#include "odynn/circuit.hpp"

namespace odynn {

using Point2 = std::array<double, 2>;

// Positions for every neuron, synapses and gap junctions as springs, in a square of about
// `spacing` scene units per neuron; the same seed gives the same layout.
std::vector<Point2> forceLayout(const Circuit& circuit, double spacing, unsigned seed = 1);

// Moves boxes (centres `centres`, half sizes `halfSizes` [width, height]) apart until no two
// overlap by more than a rounding error. The layout is first scaled up, keeping its aspect,
// when the boxes need more area than it spans; then each overlapping pair is pushed apart along
// the axis where they overlap less.
std::vector<Point2> removeOverlaps(std::vector<Point2> centres, const std::vector<Point2>& halfSizes);

// Whether any two boxes overlap (for callers and tests).
bool boxesOverlap(const std::vector<Point2>& centres, const std::vector<Point2>& halfSizes);

}  // namespace odynn
