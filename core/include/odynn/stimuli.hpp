#pragma once
// Standard input currents (ODYNN's `datas`): building blocks and the training / test
// protocols. Times in ms, currents in the models' units.
#include <cstdint>
#include <optional>
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

// datas.give_train: 5 currents [column][time], t = k*dt for t < maxT. ODYNN adds uniform noise
// 0.1 (u - 0.5) to every value from an unseeded generator; with noiseSeed the same noise comes
// from a seeded one (std::mt19937_64, values drawn time-major as numpy's rand(T, 5)).
std::vector<std::vector<double>> trainingCurrents(double dt, double maxT = 1200.0,
                                                  std::optional<std::uint64_t> noiseSeed = std::nullopt);
// datas.give_test: 5 currents. 1: ramp up 100-200 ms to 30, hold, ramp down 1000-1100;
// 2: steps 30, 15, 10; 3: triangle (t - 600)/500 on 100-600 then (1100 - t)/500 on 600-1100;
// 4: 50 ms pulses every 100 ms from 100 ms of 30 - 4n/100; 5: 20 x scipy.signal.gaussian(T, T/5)
// (a bell over the whole protocol, T the number of steps).
std::vector<std::vector<double>> testCurrents(double dt, double maxT = 1200.0);

}  // namespace odynn
