#pragma once
// Standard input currents (ODYNN's `datas`): building blocks and the training / test
// protocols. Times in ms, currents in the models' units.
#include <vector>

namespace odynn {

// amplitude where start < t < end, else 0
std::vector<double> stepCurrent(const std::vector<double>& t, double start, double end, double amplitude);
// linear from `from` at start to `to` at end, 0 outside
std::vector<double> rampCurrent(const std::vector<double>& t, double start, double end, double from, double to);
// `count` pulses of `width` ms every `period` ms from `start`
std::vector<double> pulseTrain(const std::vector<double>& t, double start, double width, double period, int count,
                               double amplitude);
// amplitude * exp(-(t - centre)^2 / (2 sigma^2))
std::vector<double> gaussianBump(const std::vector<double>& t, double centre, double sigma, double amplitude);

// datas.give_train without noise: 5 currents [column][time], t = k*dt for t < maxT.
std::vector<std::vector<double>> trainingCurrents(double dt, double maxT = 1200.0);
// datas.give_test without the Gaussian column: 2 currents.
std::vector<std::vector<double>> testCurrents(double dt, double maxT = 1200.0);

}  // namespace odynn
