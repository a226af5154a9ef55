// Inputs found by the libFuzzer target (tests/fuzz) that once escaped the InputError contract,
// checked in the normal build.
#include <QTemporaryDir>

#include <fstream>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "test_support.hpp"

using namespace odynn;

class TestFuzzRegressions : public QObject {
    Q_OBJECT

private slots:
    void jsonNumberOverflowIsAnInputError() {
        // nlohmann::json throws out_of_range (not parse_error) for a number beyond double.
        QVERIFY_THROWS_EXCEPTION(InputError, parseJsonText(R"({"dt": 1e999, "neurons": []})", "c.json"));
        QVERIFY_THROWS_EXCEPTION(InputError, parseJsonText("[4444444" + std::string(400, '0') + "]", "c.json"));
        QTemporaryDir dir;
        const std::string path = dir.filePath("big.json").toStdString();
        std::ofstream(path) << R"({"dt": 0.1, "neurons": [{"label": "A", "params": {"C_m": -1e400}}]})";
        try {
            loadCircuit(path);
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(e.file(), path);
            QVERIFY(std::string(e.what()).find("number overflow") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "test_fuzz_regressions.moc"
