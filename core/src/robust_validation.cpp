// Held-out validation of the robust method. A recording is never fitted exactly: past some
// point a lower training loss comes from parameters that match the fitted samples and drift
// elsewhere (on ODYNN's AVAL calcium windows the polish reaches 0.4-0.5 while the loss on the
// whole recording grows from 1-5 to 10-90). So the method fits only the first steps of every
// training window and judges the points it reaches by how well they predict the rest of the
// window, simulated on from its start: it returns each set's point that predicted it best, and
// the set that predicted it best. On data a model reproduces exactly the two losses fall
// together, and the choice is the lowest loss as before.
#include <cmath>
#include <limits>
#include <optional>

#include "odynn/fitting.hpp"
#include "odynn/objective.hpp"
#include "robust_fit.hpp"

namespace odynn {

std::optional<ValidationSplit> splitValidation(const FitDataset& train, double fraction) {
    const Stimulus& s = train.stimulus;
    const int held = int(std::lround(fraction * s.steps)), kept = s.steps - held;
    if (held < 1 || kept < 1) return std::nullopt;
    const size_t row = size_t(s.batch) * s.neurons, cut = size_t(kept) * row;
    ValidationSplit split;
    split.fitted.stimulus = Stimulus(kept, s.batch, s.neurons);
    std::copy_n(s.current.begin(), cut, split.fitted.stimulus.current.begin());
    split.heldOut = train;
    constexpr double none = std::numeric_limits<double>::quiet_NaN();
    bool fittedTarget = false, heldTarget = false;
    auto divide = [&](const std::vector<double>& all, std::vector<double>& fitted, std::vector<double>& heldOut) {
        if (all.empty()) return;
        fitted.assign(all.begin(), all.begin() + cut);
        std::fill(heldOut.begin(), heldOut.begin() + cut, none);
        for (size_t i = 0; i < all.size(); ++i) (i < cut ? fittedTarget : heldTarget) |= std::isfinite(all[i]);
    };
    divide(train.targetV, split.fitted.targetV, split.heldOut.targetV);
    divide(train.targetCa, split.fitted.targetCa, split.heldOut.targetCa);
    if (!fittedTarget || !heldTarget) return std::nullopt;
    return split;
}

void FitRun::splitForValidation() {
    auto split = splitValidation(objective_->train(), options().robust.validation);
    if (!split) return;
    fitting_ = objective_->withTrain(std::move(split->fitted));
    validation_ = objective_->withTrain(std::move(split->heldOut));
}

void FitRun::robustValidate() {
    if (!validation_) return;
    RobustState& r = *robust_;
    const int N = options().population, P = objective_->size();
    const std::vector<double> loss = evaluateLoss(*validation_, r.bestTheta, N, false);
    if (!r.validated()) {
        r.validatedTheta = r.bestTheta;
        r.validationLoss.assign(N, std::numeric_limits<double>::quiet_NaN());
    }
    for (int s = 0; s < N; ++s) {
        if (!std::isfinite(loss[s]) || loss[s] >= r.validationLoss[s]) continue;
        r.validationLoss[s] = loss[s];
        std::copy_n(r.bestTheta.begin() + size_t(s) * P, P, r.validatedTheta.begin() + size_t(s) * P);
    }
}

bool FitRun::refitOnEveryStep() {
    // The returned set goes on from its chosen point over every training step, held-out ones
    // included, until its loss on the held-out steps falls to the loss it had on the fitted
    // steps there (Goodfellow, Bengio and Courville, Deep Learning, 2016, algorithm 7.3): the
    // steps it never fitted then count too, without fitting the fitted steps any closer than the
    // choice did. On data a model reproduces this polishes to the answer; at most the polish's
    // rounds of Levenberg-Marquardt.
    const int best = finalChoice(), P = objective_->size();
    if (best < 0) return true;
    std::vector<double> set(theta_.begin() + size_t(best) * P, theta_.begin() + size_t(best + 1) * P);
    const double target = fitObjective().loss(set, 1, false)[0];
    const auto enough = [&](const std::vector<double>& s) { return validation_->loss(s, 1, false)[0] <= target; };
    if (!std::isfinite(target) || enough(set)) return true;
    const auto coords = detail::coordinatesOf(*objective_);
    double loss = lastLoss_[size_t(best)];
    for (int round = 0; round < options().robust.polishRounds; ++round) {
        const std::optional<bool> lower =
            detail::polishWithLevenbergMarquardt(*objective_, coords, options().robust.polishIterations, set.data(),
                                                 loss, interrupt_, enough, nearExactLoss());
        if (interrupt_ && interrupt_()) return false;
        if (!lower || !*lower || enough(set)) break;
    }
    std::copy(set.begin(), set.end(), theta_.begin() + size_t(best) * P);
    lastLoss_[size_t(best)] = loss;
    return true;
}

}  // namespace odynn
