// The data of a run folder (core/src/run_data.cpp): data.json with data.bin reads back bit for
// bit, repeated values are stored as runs, the earlier form (values in data.json) is still read,
// and damaged files are refused with one line naming the file and the field.
#include <QTemporaryDir>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "run_files.hpp"
#include "test_support.hpp"

using namespace odynn;
using namespace odynn::detail;
using nlohmann::json;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// A step current, a noisy voltage with a gap of missing samples, and (test only) calcium.
FitDataset dataset(int steps, int batch, bool calcium, unsigned seed) {
    FitDataset d;
    d.stimulus = Stimulus(steps, batch, 1);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    for (int k = 0; k < steps * batch; ++k) {
        d.stimulus.current[size_t(k)] = (k % steps > steps / 4 && k % steps < steps / 2) ? 12.5 : 0.0;
        d.targetV.push_back(k % steps > steps - 10 ? nan : -60.0 + 10 * std::sin(k * 0.01) + 1e-3 * noise(rng));
        if (calcium) d.targetCa.push_back(k % 7 == 0 ? 0.1 + 1e-4 * noise(rng) : nan);
    }
    return d;
}

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}
bool sameData(const FitDataset& a, const FitDataset& b) {
    return a.stimulus.steps == b.stimulus.steps && a.stimulus.batch == b.stimulus.batch &&
           a.stimulus.neurons == b.stimulus.neurons && sameBits(a.stimulus.current, b.stimulus.current) &&
           sameBits(a.targetV, b.targetV) && sameBits(a.targetCa, b.targetCa);
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

std::string readAll(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
void writeAll(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

}  // namespace

class TestRunData : public QObject {
    Q_OBJECT
    QTemporaryDir tmp;
    std::string dir(const char* name) {
        const std::string d = tmp.filePath(name).toStdString();
        std::filesystem::create_directories(d);
        return d;
    }

private slots:
    void roundTripIsExact() {
        const FitDataset train = dataset(5000, 3, false, 1), test = dataset(2000, 1, true, 2);
        const std::string d = dir("exact");
        writeRunData(d, train, test);
        const RunData r = readRunData(d);
        QVERIFY(sameData(r.train, train));
        QVERIFY(r.test.has_value());
        QVERIFY(sameData(*r.test, test));
        writeRunData(d, train, std::nullopt);
        QVERIFY(!readRunData(d).test.has_value());
    }

    // The step current and the mostly absent calcium are runs; the voltage stays 8 bytes a value.
    void repeatedValuesAreRuns() {
        const FitDataset test = dataset(100000, 1, true, 3);
        const std::string bytes = encodeRunData(test, std::nullopt);
        const size_t voltage = 100000 * sizeof(double);
        QVERIFY2(bytes.size() < voltage + 2 * (100000 / 7 + 1) * 16 + 200, qPrintable(QString::number(bytes.size())));
        QVERIFY(bytes.size() > voltage);
        // The JSON text of the earlier form is several times larger.
        QVERIFY(datasetToJson(test).dump().size() > 2 * bytes.size());
    }

    void earlierFormIsRead() {
        const FitDataset train = dataset(300, 2, true, 4);
        const std::string d = dir("earlier");
        writeFileAtomically(d + "/data.json", json{{"train", datasetToJson(train)}}.dump());
        const RunData r = readRunData(d);
        QCOMPARE(r.train.stimulus.steps, 300);
        QVERIFY(sameBits(r.train.stimulus.current, train.stimulus.current));
        for (size_t i = 0; i < train.targetV.size(); ++i)
            QVERIFY(std::isnan(train.targetV[i]) ? std::isnan(r.train.targetV[i]) : r.train.targetV[i] == train.targetV[i]);
        QVERIFY(!r.test.has_value());
    }

    void damagedDataIsRefused() {
        const FitDataset train = dataset(400, 1, true, 5);
        const std::string d = dir("damaged");
        writeRunData(d, train, std::nullopt);
        const std::string bin = d + "/data.bin", good = readAll(bin);
        const json header = readJsonFile(d + "/data.json");
        auto decode = [&](const std::string& bytes) {
            return errorOf([&] {
                RunData shapes = runShapesFromJson(header, "data.json");
                decodeRunValues(shapes, bytes, "data.bin");
            });
        };
        QCOMPARE(decode(good), std::string());
        // Through the files: any change breaks the recorded size or hash.
        std::string changed = good;
        changed[good.size() / 2] ^= 1;
        writeAll(bin, changed);
        QVERIFY(errorOf([&] { readRunData(d); }).find("does not match") != std::string::npos);
        writeAll(bin, good.substr(0, good.size() - 1));
        QVERIFY(errorOf([&] { readRunData(d); }).find("does not match") != std::string::npos);
        std::filesystem::remove(bin);
        QVERIFY(errorOf([&] { readRunData(d); }).find("data.bin") != std::string::npos);
        // Decoding alone checks every field.
        QVERIFY(decode(good.substr(0, good.size() - 3)).find("ends early") != std::string::npos);
        QVERIFY(decode(good + "x").find("unexpected bytes") != std::string::npos);
        QVERIFY(decode("ODYNNDAX" + good.substr(8)).find("not an ODYNN data file") != std::string::npos);
        std::string encoding = good;
        encoding[8] = 7;  // the first column's encoding
        QVERIFY(decode(encoding).find("unknown encoding") != std::string::npos);
        std::string infinite = good;
        const double inf = std::numeric_limits<double>::infinity();
        std::memcpy(&infinite[good.size() - 8], &inf, 8);  // the last value of the last column
        QVERIFY(decode(infinite).find("expected a finite number") != std::string::npos);
        // A run count beyond the column's length (the current is stored as runs).
        QCOMPARE(int(good[8]), 2);
        std::string runs = good;
        const std::uint64_t many = 1ull << 60;
        std::memcpy(&runs[9], &many, 8);
        QVERIFY(decode(runs).find("bad count of runs") != std::string::npos);
        std::string count = good;
        std::memcpy(&count[17], &many, 8);  // the first run's length
        QVERIFY(decode(count).find("add up") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestRunData)
#include "test_run_data.moc"
