// NWB files (HDF5) as fitting data: listing, conversion and offset, rate and timestamps, ROI
// choice by index or label, stimulus, resampling, and the errors. Fixtures:
// tests/make_nwb_fixtures.py -> tests/data/nwb/*.nwb.
#include <QProcess>
#include <QTemporaryDir>

#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/nwb_import.hpp"
#include "test_support.hpp"

using namespace odynn;

namespace {

std::string patchClamp() { return test::dataPath("nwb/patch_clamp.nwb"); }
std::string calcium() { return test::dataPath("nwb/calcium.nwb"); }

template <class F>
InputError expectError(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e;
    }
    QTest::qFail("no InputError", __FILE__, __LINE__);
    return InputError("", 0, "", "");
}

}  // namespace

class TestNwbImport : public QObject {
    Q_OBJECT

private slots:
    void listsSeriesAndSkipsUnknownTypes() {
        const auto all = listNwbSeries(patchClamp());
        QCOMPARE(int(all.size()), 4);  // MysterySeries skipped
        QCOMPARE(all[0].path, std::string("/acquisition/cc_response"));
        QCOMPARE(all[0].neurodataType, std::string("CurrentClampSeries"));
        QCOMPARE(all[0].unit, std::string("volts"));
        QCOMPARE(all[0].conversion, 1e-4);
        QCOMPARE(all[0].offset, -0.065);
        QCOMPARE(all[0].rate, 10000.0);
        QCOMPARE(all[0].startingTime, 0.5);
        QCOMPARE(all[0].shape, (std::vector<unsigned long long>{2000}));
        QCOMPARE(all[3].path, std::string("/stimulus/presentation/cc_stimulus"));

        const auto ca = listNwbSeries(calcium());
        QCOMPARE(int(ca.size()), 2);
        QCOMPARE(ca[1].path, std::string("/processing/ophys/Fluorescence/RoiResponseSeries"));
        QVERIFY(ca[1].hasTimestamps);
        QCOMPARE(ca[1].shape, (std::vector<unsigned long long>{120, 3}));
        QCOMPARE(ca[1].roiLabels, (std::vector<std::string>{"AVAL", "AVAR", "RIML"}));
    }

    void currentClampWithStimulus() {
        NwbImportOptions o;
        o.series = "cc_response";
        o.stimulus = "/stimulus/presentation/cc_stimulus";
        const NwbFittingData d = importNwb(patchClamp(), o);
        QCOMPARE(d.targetColumn, std::string("V"));
        QCOMPARE(int(d.t.size()), 2000);
        QCOMPARE(d.t[0], 0.0);
        QCOMPARE(d.t[10], 1.0);  // 10 kHz: 0.1 ms, from the first sample (starting_time 0.5 s dropped)
        // V = (counts x 1e-4 - 0.065) V in mV; the fixture's V(k) = -65 + 10 (1 - exp(-(k-500)/200)) mV.
        QVERIFY(std::abs(d.target[0] - -65.0) < 1e-9);
        const double v1000 = -65.0 + 10.0 * (1 - std::exp(-500.0 / 200.0));
        QVERIFY(std::abs(d.target[1000] - v1000) <= 0.1 * 0.5 + 1e-9);  // 0.1 mV counts
        // i_inj: 20 pA between samples 500 and 1499 (stored as pA counts x 1e-12 A, x 1e12).
        QCOMPARE(d.current[499], 0.0);
        QVERIFY(std::abs(d.current[500] - 20.0) < 1e-9);
        QCOMPARE(d.current[1500], 0.0);

        o.currentScale = 1e9;  // nA
        QVERIFY(std::abs(importNwb(patchClamp(), o).current[700] - 0.02) < 1e-12);

        o.stimulus.clear();
        const NwbFittingData noStim = importNwb(patchClamp(), o);
        for (double c : noStim.current) QCOMPARE(c, 0.0);
        // gzip is in every HDF5 build.
        o.series = "gzip_response";
        QVERIFY(std::abs(importNwb(patchClamp(), o).target[1000] - v1000) < 1e-9);
    }

    void nativeIntervalKeepsSamplesOtherDtResamples() {
        NwbImportOptions o;
        o.series = "cc_response";
        o.dt = 0.1;
        QCOMPARE(int(importNwb(patchClamp(), o).t.size()), 2000);
        o.dt = 0.5;
        const NwbFittingData d = importNwb(patchClamp(), o);
        QCOMPARE(int(d.t.size()), 400);  // 0 .. 199.9 ms every 0.5 ms
        QCOMPARE(d.t[3], 1.5);
    }

    void roiByIndexOrLabelWithTimestamps() {
        NwbImportOptions o;
        o.series = "/processing/ophys/Fluorescence/RoiResponseSeries";
        o.roi = "AVAR";
        const NwbFittingData byLabel = importNwb(calcium(), o);
        o.roi = "1";
        const NwbFittingData byIndex = importNwb(calcium(), o);
        QCOMPARE(byLabel.targetColumn, std::string("cac"));
        QCOMPARE(byLabel.target, byIndex.target);
        QCOMPARE(int(byLabel.t.size()), 120);
        // timestamps 10 s + 0.25 s steps (+ jitter): t from the first, in ms.
        QCOMPARE(byLabel.t[0], 0.0);
        QVERIFY(std::abs(byLabel.t[1] - 250.0) < 1e-9);
        // AVAR = 2 + 0.2 cos(t / 5) (t in s), stored as float32.
        QVERIFY(std::abs(byLabel.target[0] - 2.2) < 1e-6);
        o.series = "dff";  // the DfOverF copy, x 0.1
        QVERIFY(std::abs(importNwb(calcium(), o).target[0] - 0.22) < 1e-7);
    }

    void errorsNameFileDatasetAndOption() {
        NwbImportOptions o;
        o.series = "lzf_response";
        InputError e = expectError([&] { importNwb(patchClamp(), o); });
        QCOMPARE(e.field(), std::string("/acquisition/lzf_response/data"));
        QVERIFY(std::string(e.what()).find("filter 32000") != std::string::npos);

        o.series = "RoiResponseSeries";
        e = expectError([&] { importNwb(calcium(), o); });
        QCOMPARE(e.field(), std::string("--roi"));
        QVERIFY(std::string(e.what()).find("AVAL, AVAR, RIML") != std::string::npos);
        o.roi = "AVBL";
        e = expectError([&] { importNwb(calcium(), o); });
        QVERIFY(std::string(e.what()).find("no ROI 'AVBL'") != std::string::npos);

        o = {};
        o.series = "mystery";  // skipped type: not a series here
        e = expectError([&] { importNwb(patchClamp(), o); });
        QCOMPARE(e.field(), std::string("--series"));
        QCOMPARE(e.file(), patchClamp());
        o.series = "cc_stimulus";  // a stimulus is no target
        e = expectError([&] { importNwb(patchClamp(), o); });
        QVERIFY(std::string(e.what()).find("not a fitting target") != std::string::npos);
        o.series = "cc_response";
        o.stimulus = "gzip_response";  // volts are no current
        e = expectError([&] { importNwb(patchClamp(), o); });
        QCOMPARE(e.field(), std::string("--stimulus"));

        e = expectError([&] { listNwbSeries(test::dataPath("AVAL1.csv")); });
        QVERIFY(std::string(e.what()).find("not an HDF5") != std::string::npos);
    }

    void command() {
        QTemporaryDir dir;
        QProcess list;
        list.start(ODYNN_CLI, {"import-trace", QString::fromStdString(calcium()), "--list"});
        QVERIFY(list.waitForFinished(60000));
        QCOMPARE(list.exitCode(), 0);
        const QByteArray listing = list.readAllStandardOutput();
        QVERIFY(listing.contains("/processing/ophys/Fluorescence/RoiResponseSeries  RoiResponseSeries"));
        QVERIFY(listing.contains("ROIs AVAL,AVAR,RIML"));

        const QString out = dir.filePath("cc.csv");
        QProcess p;
        p.start(ODYNN_CLI, {"import-trace", QString::fromStdString(patchClamp()), "--series", "cc_response",
                            "--stimulus", "cc_stimulus", "--out", out});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const CsvTable t = readCsv(out.toStdString());
        QCOMPARE(t.header, (std::vector<std::string>{"t", "i_inj", "V"}));
        QCOMPARE(uniformStep(t), 0.1);

        const QString bad = dir.filePath("bad.csv");
        QProcess e;
        e.start(ODYNN_CLI, {"import-trace", QString::fromStdString(patchClamp()), "--series", "lzf_response", "--out", bad});
        QVERIFY(e.waitForFinished(60000));
        QCOMPARE(e.exitCode(), 2);
        QVERIFY(e.readAllStandardError().contains("patch_clamp.nwb: /acquisition/lzf_response/data: compressed"));
        QVERIFY(!QFileInfo::exists(bad));
    }
};

QTEST_GUILESS_MAIN(TestNwbImport)
#include "test_nwb_import.moc"
