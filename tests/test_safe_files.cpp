// Nothing lost: bad arguments, damaged run folders, interrupted or concurrent fits and failed
// writes never destroy or corrupt a file, and say what is wrong in one line.
#include <signal.h>

#include <QDir>
#include <QElapsedTimer>
#include <QThread>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "odynn/atomic_file.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "odynn/run_lock.hpp"
#include "test_support.hpp"

using namespace odynn;
using namespace odynn::test;
using nlohmann::json;

namespace {

const QByteArray goodContent = "t,i_inj,cac\n0,1,2\n";

// Leaky-neuron data (V only) for quick fits.
QByteArray leakyData() {
    QByteArray csv = "t,i_inj,V\n";
    double v = -60;
    for (int k = 0; k < 100; ++k) {
        const double i = (k > 20 && k < 60) ? 5.0 : 0.0;
        v = (v + i + 0.1 * -60.0) / (1.0 + 0.1);
        csv += QByteArray::number(k) + "," + QByteArray::number(i) + "," + QByteArray::number(v, 'g', 17) + "\n";
    }
    return csv;
}

json readJson(const QString& path) { return json::parse(readBytes(path).toStdString()); }
void writeJson(const QString& path, const json& j) { writeFile(path, QByteArray::fromStdString(j.dump())); }

}  // namespace

class TestSafeFiles : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString data;

    QString freshRun(const QString& name, int epochs = 3) {
        const QString run = dir.filePath(name);
        const Run r = cli({"fit", "--model", "leaky", "--data", data, "--population", "2", "--epochs",
                           QString::number(epochs), "--seed", "1", "--out", run});
        if (r.code != 0) qWarning() << r.err;
        return run;
    }

private slots:
    void initTestCase() { data = writeFile(dir.filePath("leaky.csv"), leakyData()); }

    // import-trace: a step that would need more rows than memory holds, or a time scale that
    // overflows, is refused with the numbers before anything is written; the old output stays.
    void importTraceBadStepKeepsOutput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("dt 1e-300") << QStringList{"--dt", "1e-300"} << "GB of memory";
        QTest::newRow("dt 1e-10") << QStringList{"--dt", "1e-10"} << "GB of memory";
        QTest::newRow("time scale 1e300") << QStringList{"--dt", "0.1", "--time-scale", "1e300"} << "GB of memory";
        QTest::newRow("time scale 1e308") << QStringList{"--dt", "0.1", "--time-scale", "1e308"} << "time-scale";
        QTest::newRow("dt inf") << QStringList{"--dt", "inf"} << "--dt: must be a finite number";
        QTest::newRow("trace scale nan") << QStringList{"--dt", "0.1", "--trace-scale", "nan"} << "--trace-scale";
    }
    void importTraceBadStepKeepsOutput() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const QString out = writeFile(dir.filePath("good.csv"), goodContent);
        const Run r = cli(QStringList{"import-trace", QString::fromStdString(dataPath("AVAL1.csv"))} + args +
                          QStringList{"--out", out});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(r.err.size() < 400, qPrintable(r.err));
        QCOMPARE(readBytes(out), goodContent);
    }

    // A write that is abandoned (an error, a full disk) leaves the previous file and no temporary.
    void abandonedWriteKeepsPreviousFile() {
        const QString target = writeFile(dir.filePath("keep.csv"), goodContent);
        {
            CsvWriter w(target.toStdString(), {"t", "V"});
            const double row[] = {0.0, 1.0};
            w.row(row);
        }  // destroyed without commit
        QCOMPARE(readBytes(target), goodContent);
        QVERIFY(!QFile::exists(QString::fromStdString(AtomicFile::temporaryPath(target.toStdString()))));
        CsvWriter w(target.toStdString(), {"t", "V"});
        const double row[] = {0.5, -60.25};
        w.row(row);
        w.commit();
        QCOMPARE(readBytes(target), QByteArray("t,V\n0.5,-60.25\n"));
    }

    void unwritableFolderIsOneLine() {
        const Run r = cli({"import-trace", QString::fromStdString(dataPath("AVAL1.csv")), "--dt", "0.5", "--out",
                           dir.filePath("no/such/folder/out.csv")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("out.csv") && r.err.contains("writable"), qPrintable(r.err));
    }

    void staleTemporariesAreRemoved() {
        QDir(dir.path()).mkdir("tmps");
        const QString d = dir.filePath("tmps");
        const QString stale = writeFile(d + "/.checkpoint.json.tmp999999999", "x");
        const QString live = writeFile(d + "/.checkpoint.json.tmp" + QString::number(QCoreApplication::applicationPid()), "x");
        const QString other = writeFile(d + "/notes.tmp12", "x");
        removeStaleTemporaries(d.toStdString());
        QVERIFY(!QFile::exists(stale));
        QVERIFY(QFile::exists(live));  // this process is running
        QVERIFY(QFile::exists(other));
    }

    // checkpoint.json and settings.json that are valid JSON but damaged are refused, naming the
    // file and the field, and the run folder is left as it was.
    void damagedRunFilesAreRefused_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("epoch 1e300") << "checkpoint.json" << "/epoch" << "1e300" << "epoch";
        QTest::newRow("epoch -5") << "checkpoint.json" << "/epoch" << "-5" << "epoch";
        QTest::newRow("null in theta") << "checkpoint.json" << "/theta/0" << "null" << "theta[0]";
        QTest::newRow("short theta") << "checkpoint.json" << "/theta" << "[1]" << "theta";
        QTest::newRow("negative v") << "checkpoint.json" << "/v/0" << "-1" << "v[0]";
        QTest::newRow("wall seconds text") << "checkpoint.json" << "/wall_seconds" << "\"x\"" << "wall_seconds";
        QTest::newRow("population text") << "settings.json" << "/options/population" << "\"50\"" << "options.population";
        QTest::newRow("population 0") << "settings.json" << "/options/population" << "0" << "options.population";
        QTest::newRow("epochs 1e300") << "settings.json" << "/options/epochs" << "1e300" << "options.epochs";
        QTest::newRow("lr nan") << "settings.json" << "/options/learning_rate/initial" << "null" << "options.learning_rate.initial";
        QTest::newRow("steps huge") << "data.json" << "/train/steps" << "4000000000" << "steps";
        QTest::newRow("data size") << "data.json" << "/bytes" << "3" << "data.bin";
        QTest::newRow("data hash") << "data.json" << "/fnv1a64" << "\"0123456789abcdef\"" << "data.bin";
        QTest::newRow("values elsewhere") << "data.json" << "/values" << "\"x.bin\"" << "values";
    }
    void damagedRunFilesAreRefused() {
        QFETCH(QString, file);
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        const QString run = freshRun("damaged_" + QString::number(qHash(pointer + value)));
        json j = readJson(run + "/" + file);
        j[json::json_pointer(pointer.toStdString())] = json::parse(value.toStdString());
        writeJson(run + "/" + file, j);
        const QByteArray history = readBytes(run + "/history.csv");
        const Run r = cli({"fit", "--resume", run, "--epochs", "5"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(file) && r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QCOMPARE(readBytes(run + "/history.csv"), history);
    }

    // A changed or cut data.bin is refused the same way.
    void damagedDataIsRefused_data() {
        QTest::addColumn<bool>("truncate");
        QTest::newRow("byte changed") << false;
        QTest::newRow("truncated") << true;
    }
    void damagedDataIsRefused() {
        QFETCH(bool, truncate);
        const QString run = freshRun(truncate ? "data_cut" : "data_changed");
        QByteArray bytes = readBytes(run + "/data.bin");
        QVERIFY(bytes.size() > 100);
        if (truncate) bytes.chop(9);
        else bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 1);
        writeFile(run + "/data.bin", bytes);
        const QByteArray history = readBytes(run + "/history.csv");
        const Run r = cli({"fit", "--resume", run, "--epochs", "5"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("data.bin") && r.err.contains("does not match"), qPrintable(r.err));
        QCOMPARE(readBytes(run + "/history.csv"), history);
    }

    void existingRunNeedsOverwrite() {
        const QString run = freshRun("existing");
        writeFile(run + "/best.json", "{\"stale\": true}");
        Run r = cli({"fit", "--model", "leaky", "--data", data, "--population", "2", "--epochs", "2", "--out", run});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--overwrite") && r.err.contains("--resume"), qPrintable(r.err));
        QCOMPARE(readBytes(run + "/best.json"), QByteArray("{\"stale\": true}"));
        r = cli({"fit", "--model", "leaky", "--data", data, "--population", "2", "--epochs", "2", "--overwrite", "--out", run});
        QCOMPARE(r.code, 0);
        QVERIFY(!readJson(run + "/best.json").contains("stale"));
        QCOMPARE(readCsv((run + "/history.csv").toStdString()).rows(), 2);
        QCOMPARE(readJson(run + "/settings.json")["options"]["epochs"].get<int>(), 2);
    }

    void lockedRunFolderIsRefused() {
        const QString run = freshRun("locked");
        const QByteArray history = readBytes(run + "/history.csv");
        {
            const RunFolderLock held(run.toStdString());
            const Run r = cli({"fit", "--resume", run, "--epochs", "6"});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("another fit"), qPrintable(r.err));
            QCOMPARE(readBytes(run + "/history.csv"), history);
        }
        QCOMPARE(cli({"fit", "--resume", run, "--epochs", "6"}).code, 0);
        QCOMPARE(readCsv((run + "/history.csv").toStdString()).rows(), 6);
    }

    // --resume --epochs N is remembered: a later plain --resume goes on to N, not the old total.
    void resumeEpochsAreSaved() {
        const QString run = freshRun("more", 2);
        writeFile(run + "/.checkpoint.json.tmp999999999", "partial");
        Run r = cli({"fit", "--resume", run, "--epochs", "4"});
        QCOMPARE(r.code, 0);
        QCOMPARE(readJson(run + "/settings.json")["options"]["epochs"].get<int>(), 4);
        QVERIFY(!QFile::exists(run + "/.checkpoint.json.tmp999999999"));
        QCOMPARE(readCsv((run + "/history.csv").toStdString()).rows(), 4);
        r = cli({"fit", "--resume", run});
        QCOMPARE(r.code, 0);
        QCOMPARE(readCsv((run + "/history.csv").toStdString()).rows(), 4);
    }

    // Ctrl-C stops after the current epoch with the checkpoint saved, and exits 130.
    void interruptExits130() {
        const QString run = dir.filePath("interrupted");
        QProcess p;
        p.start(ODYNN_CLI, {"fit", "--model", "leaky", "--data", data, "--population", "50", "--epochs", "100000000",
                            "--out", run});
        QVERIFY(p.waitForStarted());
        QElapsedTimer clock;
        clock.start();
        while (readBytes(run + "/history.csv").count('\n') < 3 && clock.elapsed() < 60000) QThread::msleep(50);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const json cp = readJson(run + "/checkpoint.json");
        QVERIFY(cp["epoch"].get<int>() >= 2);
        QCOMPARE(readCsv((run + "/history.csv").toStdString()).rows(), cp["epoch"].get<int>());
    }
};

QTEST_GUILESS_MAIN(TestSafeFiles)
#include "test_safe_files.moc"
