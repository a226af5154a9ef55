// The robust method's held-out validation: the split of the training data, the returned set
// chosen by the held-out steps rather than by the fitted loss, and held-out steps that never
// steer the fit itself.
#include <QtTest>

#include <cmath>

#include "odynn/fitting.hpp"
#include "odynn/simulator.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

// Only the screen of the given starting sets: no step changes them.
FitOptions screenOnly(const std::vector<double>& initial, int population, double validation) {
    FitOptions o;
    o.method = FitMethod::Robust;
    o.population = population;
    o.initial = initial;
    o.robust.screenSets = population;
    o.robust.adamEpochs = 0;
    o.robust.polishRounds = 0;
    o.robust.hopRounds = 0;
    o.robust.validation = validation;
    return o;
}

// V of `c` under the stimulus of `d`, [time][batch][neuron] like the targets.
std::vector<double> voltageOf(const Circuit& c, const FitDataset& d) {
    SimulationOptions opt;
    opt.record = Record::VoltageCalcium;
    const auto r = simulate(c, d.stimulus, opt);
    const Stimulus& s = d.stimulus;
    std::vector<double> v(s.current.size());
    for (int t = 0; t < s.steps; ++t)
        for (int b = 0; b < s.batch; ++b) v[size_t(t) * s.batch + b] = r.sets[0].at(t, 0, b, 0);
    return v;
}

}  // namespace

class TestFitValidation : public QObject {
    Q_OBJECT
private slots:
    void theLastStepsOfEveryWindowAreHeldOut() {
        FitDataset d;
        d.stimulus = Stimulus(8, 2, 1);
        for (size_t i = 0; i < d.stimulus.current.size(); ++i) d.stimulus.current[i] = double(i);
        d.targetV.assign(16, 1.0);
        d.targetV[3] = std::nan("");  // a missing sample stays missing
        const auto split = splitValidation(d, 0.25);
        QVERIFY(split.has_value());
        const FitDataset& fitted = split->fitted;
        QCOMPARE(fitted.stimulus.steps, 6);
        QCOMPARE(fitted.stimulus.batch, 2);
        QVERIFY(std::equal(fitted.stimulus.current.begin(), fitted.stimulus.current.end(), d.stimulus.current.begin()));
        QCOMPARE(int(fitted.targetV.size()), 12);
        QVERIFY(fitted.targetCa.empty());
        QVERIFY(std::isnan(fitted.targetV[3]));
        const FitDataset& held = split->heldOut;
        QVERIFY(held.stimulus.current == d.stimulus.current);  // simulated from the start of the window
        for (size_t i = 0; i < 16; ++i) QCOMPARE(std::isfinite(held.targetV[i]), i >= 12);
        QVERIFY(!splitValidation(d, 0.0));
        QVERIFY(!splitValidation(d, 0.01));  // less than one step
        FitDataset noTail = d;
        for (size_t i = 12; i < 16; ++i) noTail.targetV[i] = std::nan("");
        QVERIFY(!splitValidation(noTail, 0.25));  // nothing to judge on
    }

    void theHeldOutStepsChooseTheReturnedSet() {
        // Targets of two neurons: the fitted steps come from `other`, the held-out steps from
        // `truth`. `other` fits the fitted steps exactly, `truth` predicts the held-out ones:
        // with validation the fit returns truth, without it `other`, the lower loss over all
        // the steps.
        const Circuit truth = singleNeuronCircuit("hhsimple", 1.0);
        Circuit other = truth;
        other.neurons[0].params[size_t(modelSpec("hhsimple").paramIndex("g_K"))] *= 1.3;
        FitDataset d = test::simulatedTarget(truth, 200.0, 2);
        const std::vector<double> otherV = voltageOf(other, d);
        const double heldOut = 0.1;  // the last 20 ms of 200
        const auto split = splitValidation(d, heldOut);
        QVERIFY(split.has_value());
        const size_t cut = split->fitted.targetV.size();
        std::copy_n(otherV.begin(), cut, d.targetV.begin());
        const ParameterLayout L(truth);
        std::vector<double> sets = L.values(other);
        const std::vector<double> truthSet = L.values(truth);
        sets.insert(sets.end(), truthSet.begin(), truthSet.end());

        FitRun chosen(truth, d, std::nullopt, screenOnly(sets, 2, heldOut));
        const FitResult r = chosen.run();
        QCOMPARE(r.bestIndex, 1);
        QVERIFY(r.bestValidationLoss < 1e-20);  // truth simulated on from the window's start
        // The reported loss is over all the training data; the lowest fitted loss stays known.
        const std::vector<double> all = lossOnly(truth, sets, 2, d, LossWeights{});
        QVERIFY(std::abs(r.bestLoss - all[1]) <= 1e-12 * all[1]);
        QCOMPARE(r.bestIterate.set, 0);
        QVERIFY(r.bestIterate.loss < 1e-20);

        FitRun lowest(truth, d, std::nullopt, screenOnly(sets, 2, 0.0));
        const FitResult plain = lowest.run();
        QVERIFY(all[0] < all[1]);
        QCOMPARE(plain.bestIndex, 0);
        QVERIFY(std::isnan(plain.bestValidationLoss));
    }

    void heldOutStepsDoNotSteerTheFit() {
        // The same fit on data whose held-out steps differ takes the same steps, bit for bit;
        // only its held-out judgement differs.
        const Circuit c = singleNeuronCircuit("hhsimple", 1.0);
        const FitDataset d = test::simulatedTarget(c, 150.0, 2);
        FitDataset shifted = d;
        const size_t cut = splitValidation(d, 0.25)->fitted.targetV.size();
        for (size_t i = cut; i < shifted.targetV.size(); ++i) shifted.targetV[i] += 20.0;
        FitOptions o;
        o.method = FitMethod::Robust;
        o.population = 3;
        o.seed = 4;
        o.robust.screenSets = 30;
        o.robust.adamEpochs = 12;
        o.robust.polishRounds = 1;
        o.robust.hopRounds = 1;
        o.robust.hopCandidates = 10;
        o.robust.validation = 0.25;
        FitRun a(c, d, std::nullopt, o), b(c, shifted, std::nullopt, o);
        const FitResult ra = a.run(), rb = b.run();
        QVERIFY(a.lossHistory() == b.lossHistory());
        QVERIFY(ra.bestIterate.params == rb.bestIterate.params);
        QVERIFY(std::isfinite(ra.bestValidationLoss) && std::isfinite(rb.bestValidationLoss));
        QVERIFY(rb.bestValidationLoss > ra.bestValidationLoss + 1.0);
    }

    void theChosenSetIsRefittedOnEveryStep() {
        // A start 2% off in g_K, polished only a little on the fitted steps, predicts the held-out
        // steps worse than it fits the fitted ones. The returned set then goes on over every step
        // until its held-out loss is no more than that: it ends closer to the truth than the
        // chosen point, which the run still reports.
        const Circuit truth = singleNeuronCircuit("hhsimple", 1.0);
        const FitDataset d = test::simulatedTarget(truth, 200.0, 2);
        const double heldOut = 0.1;
        const auto split = splitValidation(d, heldOut);
        QVERIFY(split.has_value());
        const ParameterLayout L(truth);
        const int gK = L.find("g_K");  // a bare single neuron: its own names
        QVERIFY(gK >= 0);
        std::vector<double> start = L.values(truth);
        start[size_t(gK)] *= 1.02;
        FitOptions o = screenOnly(start, 1, heldOut);
        o.robust.polishRounds = 1;
        o.robust.polishIterations = 1;
        FitRun run(truth, d, std::nullopt, o);
        const FitResult r = run.run();
        QCOMPARE(r.termination, Termination::Completed);
        const double chosenFitted = r.bestIterate.loss;  // the polish lowers the loss: its last point
        QVERIFY2(r.bestValidationLoss > chosenFitted, "the case needs a chosen point that predicts worse than it fits");
        const double finalHeldOut = lossOnly(truth, r.bestParams, 1, split->heldOut, LossWeights{})[0];
        qInfo("chosen: fitted %.3g, held out %.3g; refitted: held out %.3g", chosenFitted, r.bestValidationLoss, finalHeldOut);
        QVERIFY(finalHeldOut <= chosenFitted);
        const double truthGK = L.values(truth)[size_t(gK)];
        QVERIFY(std::abs(r.bestParams[size_t(gK)] - truthGK) < std::abs(r.bestIterate.params[size_t(gK)] - truthGK));

        // Already predicting the held-out steps as well as it fits: nothing more is done.
        FitRun exact(truth, d, std::nullopt, screenOnly(L.values(truth), 1, heldOut));
        QVERIFY(exact.run().bestParams == L.values(truth));
    }
};

QTEST_APPLESS_MAIN(TestFitValidation)
#include "test_fit_validation.moc"
