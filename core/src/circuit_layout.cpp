#include "odynn/circuit_layout.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/random_layout.hpp>
#include <boost/graph/topology.hpp>
#include <boost/random/linear_congruential.hpp>
#include <cmath>

namespace odynn {

std::vector<Point2> forceLayout(const Circuit& circuit, double spacing, unsigned seed) {
    const size_t n = circuit.neurons.size();
    if (n == 0) return {};
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
    Graph graph(n);
    for (const Synapse& s : circuit.synapses) boost::add_edge(size_t(s.pre), size_t(s.post), graph);
    for (const Gap& g : circuit.gaps) boost::add_edge(size_t(g.a), size_t(g.b), graph);
    using Topology = boost::rectangle_topology<boost::minstd_rand>;
    boost::minstd_rand random(seed);
    const double half = 0.5 * spacing * std::sqrt(double(n));
    Topology topology(random, -half, -half, half, half);
    std::vector<Topology::point_type> where(n);
    auto map = boost::make_iterator_property_map(where.begin(), boost::get(boost::vertex_index, graph));
    boost::random_graph_layout(graph, map, topology);
    boost::fruchterman_reingold_force_directed_layout(graph, map, topology,
                                                      boost::cooling(boost::linear_cooling<double>(200)));
    std::vector<Point2> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = {where[i][0], where[i][1]};
    return out;
}

bool boxesOverlap(const std::vector<Point2>& c, const std::vector<Point2>& h) {
    for (size_t i = 0; i < c.size(); ++i)
        for (size_t j = i + 1; j < c.size(); ++j)
            if (std::abs(c[i][0] - c[j][0]) < h[i][0] + h[j][0] - 1e-6 && std::abs(c[i][1] - c[j][1]) < h[i][1] + h[j][1] - 1e-6)
                return true;
    return false;
}

namespace {

// Places the boxes one after another (from the centre outwards), each at the nearest height,
// searching up and down in quarter box heights, where it overlaps none placed before it.
std::vector<Point2> settle(std::vector<Point2> c, const std::vector<Point2>& h) {
    const size_t n = c.size();
    Point2 mid{0, 0};
    for (const Point2& p : c) mid = {mid[0] + p[0] / double(n), mid[1] + p[1] / double(n)};
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    auto distance = [&](size_t i) { return std::hypot(c[i][0] - mid[0], c[i][1] - mid[1]); };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return distance(a) < distance(b); });
    std::vector<size_t> placed;
    auto clear = [&](size_t i, double y) {
        for (size_t j : placed)
            if (std::abs(c[i][0] - c[j][0]) < h[i][0] + h[j][0] && std::abs(y - c[j][1]) < h[i][1] + h[j][1]) return false;
        return true;
    };
    for (size_t i : order) {
        const double y = c[i][1], step = h[i][1] / 2;
        for (int k = 0;; ++k) {
            const double offset = (k + 1) / 2 * step * (k % 2 == 1 ? 1.0 : -1.0);
            if (clear(i, y + offset)) {
                c[i][1] = y + offset;
                break;
            }
        }
        placed.push_back(i);
    }
    return c;
}

}  // namespace

std::vector<Point2> removeOverlaps(std::vector<Point2> c, const std::vector<Point2>& h) {
    const size_t n = c.size();
    if (n < 2) return c;
    // Scale up (about the centroid) until the layout's bounding box has twice the boxes' area.
    Point2 low = c[0], high = c[0], mid{0, 0};
    double area = 0;
    for (size_t i = 0; i < n; ++i) {
        for (int a = 0; a < 2; ++a) {
            low[a] = std::min(low[a], c[i][a]);
            high[a] = std::max(high[a], c[i][a]);
            mid[a] += c[i][a] / double(n);
        }
        area += 4 * h[i][0] * h[i][1];
    }
    const double spanned = std::max(high[0] - low[0], 1.0) * std::max(high[1] - low[1], 1.0);
    const double scale = std::max(1.0, std::sqrt(2 * area / spanned));
    for (Point2& p : c)
        for (int a = 0; a < 2; ++a) p[a] = mid[a] + (p[a] - mid[a]) * scale;

    // Push overlapping pairs apart, each by half the overlap along its cheaper axis; neurons at
    // the same place part by index, so the result does not depend on rounding. Dense clusters can
    // keep trading overlaps, so a bounded number of sweeps spreads them and a final pass settles
    // whatever still overlaps.
    constexpr int maxSweeps = 100;
    for (int sweep = 0; sweep < maxSweeps; ++sweep) {
        bool moved = false;
        for (size_t i = 0; i < n; ++i)
            for (size_t j = i + 1; j < n; ++j) {
                const double dx = c[j][0] - c[i][0], dy = c[j][1] - c[i][1];
                const double ox = h[i][0] + h[j][0] - std::abs(dx), oy = h[i][1] + h[j][1] - std::abs(dy);
                if (ox <= 0 || oy <= 0) continue;
                moved = true;
                const int axis = ox < oy ? 0 : 1;
                const double overlap = (axis == 0 ? ox : oy) + 1e-3;  // a hair more, so the pair is clear
                const double d = axis == 0 ? dx : dy;
                const double sign = d > 0 || (d == 0 && j > i) ? 1.0 : -1.0;
                c[i][size_t(axis)] -= sign * overlap / 2;
                c[j][size_t(axis)] += sign * overlap / 2;
            }
        if (!moved) break;
    }
    return settle(std::move(c), h);
}

}  // namespace odynn
