// The best iterate: the lowest loss any set had at any epoch, kept beside ODYNN's choice (the
// lowest loss of the final sets, best.json). It is never above ODYNN's choice, it is the set
// that really had that loss, the run folder holds it (best_iterate.json, summary keys, the
// checkpoint) and a resumed run restores it bit for bit.
#include <QFile>
#include <QTemporaryDir>
#include <cstring>

#include <nlohmann/json.hpp>

#include "odynn/errors.hpp"
#include "odynn/fitting.hpp"
#include "odynn/run_lock.hpp"
#include "odynn/stimuli.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

// The voltage of a lone celegans neuron on two short training currents (dt 1 ms).
FitDataset selfTarget(const Circuit& c) { return test::simulatedTarget(c, 300.0, 2); }

// A learning rate far too large for the neuron: the losses jump about, so the final sets are
// seldom the best ones seen (after 7 epochs, the lowest loss was seen at epoch 4).
FitOptions jumpyOptions(int epochs = 7) {
    FitOptions o;
    o.population = 4;
    o.epochs = epochs;
    o.seed = 3;
    o.learningRate = LearningRate{3.0, 1000, 1.0};
    o.threads = 1;
    return o;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

nlohmann::json readJson(const QString& path) { return nlohmann::json::parse(readAll(path).toStdString()); }

bool bitEqual(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

class TestBestIterate : public QObject {
    Q_OBJECT
private slots:
    void lowestLossOfAnyEpochIsKept() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        QTemporaryDir dir;
        FitRun run(c, selfTarget(c), std::nullopt, jumpyOptions());
        run.attachRunDirectory(dir.path().toStdString());
        const FitResult r = run.run();
        const BestIterate& b = r.bestIterate;
        QVERIFY(b.exists());
        QVERIFY(b.loss <= r.bestLoss);
        // It is the lowest finite loss of the history (or of the final sets).
        double lowest = r.bestLoss;
        for (const auto& epoch : run.lossHistory())
            for (double l : epoch)
                if (std::isfinite(l)) lowest = std::min(lowest, l);
        QCOMPARE(b.loss, lowest);
        // This run's jumps leave the final sets above the best seen: the two choices differ.
        QVERIFY2(b.loss < r.bestLoss, qPrintable(QString("best iterate %1, final %2").arg(b.loss).arg(r.bestLoss)));
        // The kept parameters really have that loss.
        const double again = lossOnly(c, b.params, 1, selfTarget(c), jumpyOptions().weights, 1)[0];
        QVERIFY(test::closeRel(again, b.loss, 1e-12, 0));
        // Run folder: best.json keeps ODYNN's choice, best_iterate.json the lowest seen.
        const ParameterLayout layout(c);
        const auto best = readJson(dir.filePath("best.json"));
        const auto iterate = readJson(dir.filePath("best_iterate.json"));
        for (int p = 0; p < layout.size(); ++p) {
            QCOMPARE(best.at(layout.entries()[p].name).get<double>(), r.bestParams[p]);
            QCOMPARE(iterate.at(layout.entries()[p].name).get<double>(), b.params[p]);
        }
        QVERIFY(QFile::exists(dir.filePath("best_iterate_circuit.json")));
        // A new run over this folder (fit --overwrite) leaves no best iterate of the old one.
        {
            QTemporaryDir copy;
            for (const char* f : {"best_iterate.json", "best_iterate_circuit.json", "best.json"})
                QVERIFY(QFile::copy(dir.filePath(f), copy.filePath(f)));
            prepareNewRunFolder(copy.path().toStdString(), true);
            QVERIFY(!QFile::exists(copy.filePath("best_iterate.json")));
            QVERIFY(!QFile::exists(copy.filePath("best_iterate_circuit.json")));
        }
        const auto summary = readJson(dir.filePath("summary.json"));
        QCOMPARE(summary.at("best_loss").get<double>(), r.bestLoss);
        QCOMPARE(summary.at("best_iterate_loss").get<double>(), b.loss);
        QCOMPARE(summary.at("best_iterate_epoch").get<int>(), b.epoch);
        QCOMPARE(summary.at("best_iterate_index").get<int>(), b.set);
        // The epoch is the iterate's: its loss is in that history row, for that set.
        if (b.epoch < r.epochsDone) QCOMPARE(run.lossHistory()[size_t(b.epoch)][size_t(b.set)], b.loss);
    }

    void resumedRunRestoresItBitForBit() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        const FitDataset d = selfTarget(c);
        QTemporaryDir straightDir, splitDir;
        FitRun straight(c, d, std::nullopt, jumpyOptions(12));
        straight.attachRunDirectory(straightDir.path().toStdString());
        const FitResult whole = straight.run();
        {
            FitRun first(c, d, std::nullopt, jumpyOptions(12));
            first.attachRunDirectory(splitDir.path().toStdString());
            first.run([](const EpochSummary& s) { return s.epoch == 5 ? FitControl::Stop : FitControl::Continue; });
        }
        FitRun resumed = FitRun::resume(splitDir.path().toStdString());
        QVERIFY(resumed.bestIterate().exists());  // restored from the checkpoint
        const FitResult rest = resumed.run();
        QCOMPARE(rest.bestIterate.loss, whole.bestIterate.loss);
        QCOMPARE(rest.bestIterate.epoch, whole.bestIterate.epoch);
        QCOMPARE(rest.bestIterate.set, whole.bestIterate.set);
        QVERIFY(bitEqual(rest.bestIterate.params, whole.bestIterate.params));
        QVERIFY(bitEqual(resumed.bestIterate().params, straight.bestIterate().params));
        for (const char* file : {"best.json", "best_iterate.json", "best_iterate_circuit.json", "history.csv"})
            QVERIFY2(readAll(splitDir.filePath(file)) == readAll(straightDir.filePath(file)), file);
        QCOMPARE(readJson(splitDir.filePath("checkpoint.json")).at("best_iterate"),
                 readJson(straightDir.filePath("checkpoint.json")).at("best_iterate"));
        // The whole run's time counts every epoch, those before the stop too.
        QVERIFY(resumed.wallSeconds() > 0);
        QCOMPARE(readJson(splitDir.filePath("summary.json")).at("wall_seconds").get<double>(), resumed.wallSeconds());
    }

    void olderCheckpointsResumeAndDamageIsNamed() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        QTemporaryDir dir;
        {
            FitRun first(c, selfTarget(c), std::nullopt, jumpyOptions());
            first.attachRunDirectory(dir.path().toStdString());
            first.run([](const EpochSummary& s) { return s.epoch == 2 ? FitControl::Stop : FitControl::Continue; });
        }
        const QString cp = dir.filePath("checkpoint.json");
        nlohmann::json j = readJson(cp);
        QVERIFY(j.contains("best_iterate"));
        auto write = [&](const nlohmann::json& doc) {
            QFile f(cp);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(QByteArray::fromStdString(doc.dump()));
        };
        nlohmann::json damaged = j;
        damaged["best_iterate"]["params"].erase(0);
        write(damaged);
        try {
            FitRun::resume(dir.path().toStdString());
            QFAIL("a short best_iterate.params was accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("best_iterate.params"), e.what());
        }
        // A checkpoint written before best iterates were kept: the run goes on and finds one.
        j.erase("best_iterate");
        write(j);
        FitRun older = FitRun::resume(dir.path().toStdString());
        QVERIFY(!older.bestIterate().exists());
        const FitResult r = older.run();
        QVERIFY(r.bestIterate.exists() && r.bestIterate.loss <= r.bestLoss);
    }

    void robustMethodKeepsItToo() {
        const Circuit c = singleNeuronCircuit("celegans", 1.0);
        FitOptions o;
        o.population = 4;
        o.seed = 2;
        o.threads = 1;
        o.method = FitMethod::Robust;
        o.robust.screenSets = 8;
        o.robust.adamEpochs = 3;
        o.robust.polishRounds = 1;
        o.robust.polishEvaluations = 5;
        o.robust.validation = 0;  // (with held-out steps the returned set is judged on them)
        FitRun run(c, selfTarget(c), std::nullopt, o);
        const FitResult r = run.run();
        QVERIFY(r.bestIterate.exists());
        // The robust method ends every set at its best point: both choices agree.
        QCOMPARE(r.bestIterate.loss, r.bestLoss);
    }
};

QTEST_APPLESS_MAIN(TestBestIterate)
#include "test_best_iterate.moc"
