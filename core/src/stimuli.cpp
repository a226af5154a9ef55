#include "odynn/stimuli.hpp"

#include <cmath>
#include <random>

#include "odynn/datasets.hpp"

namespace odynn {

namespace {
std::vector<double> timesBelow(double dt, double maxT) {
    const int steps = int(std::ceil(maxT / dt - 1e-9));
    return timeVector(steps, dt);
}
}  // namespace

std::vector<double> stepCurrent(const std::vector<double>& t, double start, double end, double amplitude) {
    std::vector<double> i(t.size());
    for (size_t k = 0; k < t.size(); ++k) i[k] = (t[k] > start && t[k] < end) ? amplitude : 0.0;
    return i;
}

std::vector<double> rampCurrent(const std::vector<double>& t, double start, double end, double from, double to) {
    std::vector<double> i(t.size());
    for (size_t k = 0; k < t.size(); ++k)
        i[k] = (t[k] > start && t[k] <= end) ? from + (to - from) * (t[k] - start) / (end - start) : 0.0;
    return i;
}

std::vector<double> pulseTrain(const std::vector<double>& t, double start, double width, double period, int count,
                               double amplitude) {
    std::vector<double> i(t.size(), 0.0);
    for (int p = 0; p < count; ++p)
        for (size_t k = 0; k < t.size(); ++k)
            if (t[k] > start + p * period && t[k] < start + p * period + width) i[k] += amplitude;
    return i;
}

std::vector<double> gaussianBump(const std::vector<double>& t, double centre, double sigma, double amplitude) {
    std::vector<double> i(t.size());
    for (size_t k = 0; k < t.size(); ++k) i[k] = amplitude * std::exp(-(t[k] - centre) * (t[k] - centre) / (2 * sigma * sigma));
    return i;
}

std::vector<std::vector<double>> trainingCurrents(double dt, double maxT, std::optional<std::uint64_t> noiseSeed) {
    const auto t = timesBelow(dt, maxT);
    std::vector<std::vector<double>> c(5, std::vector<double>(t.size(), 0.0));
    for (size_t k = 0; k < t.size(); ++k) {
        const double x = t[k];
        auto in = [x](double a, double b) { return x > a && x < b ? 1.0 : 0.0; };
        c[0][k] = 10. * in(100, 300) + 20. * in(400, 600) + 40. * in(800, 950);
        c[1][k] = 30. * in(100, 500) + 25. * in(800, 900);
        double s = 0;
        for (int n = 100; n < 1100; n += 100) s += (10. + (n * 2 / 100)) * in(n, n + 50);
        c[2][k] = s;
        c[3][k] = 15. * in(400, 800);
        c[4][k] = (x - 450) * (8. / 550) * ((x > 100 && x <= 1100) ? 1.0 : 0.0);
    }
    if (noiseSeed) {
        std::mt19937_64 rng(*noiseSeed);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        for (size_t k = 0; k < t.size(); ++k)
            for (auto& column : c) column[k] += 0.1 * (u(rng) - 0.5);
    }
    return c;
}

std::vector<std::vector<double>> testCurrents(double dt, double maxT) {
    const auto t = timesBelow(dt, maxT);
    std::vector<std::vector<double>> c(5, std::vector<double>(t.size(), 0.0));
    const double count = double(t.size()), sigma = count / 5, middle = (count - 1) / 2;
    for (size_t k = 0; k < t.size(); ++k) {
        const double x = t[k];
        auto in = [x](double a, double b) { return x > a && x <= b ? 1.0 : 0.0; };
        auto open = [x](double a, double b) { return x > a && x < b ? 1.0 : 0.0; };
        c[0][k] = (x - 100) * (30. / 100) * in(100, 200) + 30 * in(200, 1100) - (x - 1000) * (30. / 100) * in(1000, 1100);
        c[1][k] = 30. * open(100, 300) + 15. * open(400, 500) + 10. * open(700, 1000);
        c[2][k] = (x - 600) * (1. / 500) * in(100, 600) + (1100 - x) * (1. / 500) * in(600, 1100);
        double pulses = 0;
        for (int n = 100; n < 1100; n += 100) pulses += (30. - (n * 4.0 / 100)) * open(n, n + 50);
        c[3][k] = pulses;
        const double d = double(k) - middle;
        c[4][k] = std::exp(-d * d / (2 * sigma * sigma)) * 20.;
    }
    return c;
}

}  // namespace odynn
