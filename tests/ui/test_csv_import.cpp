// Importing recorded traces: known headers load directly; other headers go through the
// column mapping (guessed, then confirmed in the dialog); bad files give clear errors that
// name the file, line and column.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGuiApplication>
#include <QMimeData>
#include <QScreen>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "import/column_mapping.hpp"
#include "import/column_mapping_dialog.hpp"
#include "fit/fit_panel.hpp"
#include "window/main_window.hpp"
#include "window_test_support.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return path;
}

QByteArray imagingCsv() {
    QByteArray text = "Time (s),GCaMP fluorescence,stimulus\n";
    for (int k = 0; k <= 50; ++k)
        text += QByteArray::number(k * 0.01) + "," + QByteArray::number(0.1 + 0.001 * k) + "," + (k > 10 ? "1" : "0") + "\n";
    return text;
}

}  // namespace

class TestCsvImport : public QObject {
    Q_OBJECT
private slots:
    void guessesAndBuildsFromAMapping() {
        const CsvTable table = parseCsv(imagingCsv().toStdString(), "imaging.csv");
        QVERIFY(!headerIsKnown(table));
        QVERIFY(headerIsKnown(parseCsv("t,V\n0,1\n1,2\n", "x.csv")));
        QVERIFY(headerIsKnown(parseCsv("timeVector,trace,inputCurrent\n0,1,0\n1,2,0\n", "x.csv")));
        const std::vector<ColumnMapping> guess = guessMapping(table, QStringLiteral("AVA"));
        QCOMPARE(guess.size(), size_t(3));
        QCOMPARE(guess[0].role, ColumnRole::TimeS);  // last time 0.5 < 100: seconds
        QCOMPARE(guess[1].role, ColumnRole::Calcium);
        QCOMPARE(guess[2].role, ColumnRole::Current);

        std::vector<ColumnMapping> m = guess;
        m[1].scale = 10.0;
        const TargetTrace trace = traceFromMapping(table, m);
        QCOMPARE(trace.time[1], 10.0);  // 0.01 s -> 10 ms
        QCOMPARE(trace.columns.size(), size_t(1));
        QVERIFY(trace.columns[0].calcium);
        QCOMPARE(trace.columns[0].neuron, QStringLiteral("AVA"));
        QCOMPARE(trace.columns[0].values[0], 1.0);
        QCOMPARE(trace.currents.size(), size_t(1));

        auto fails = [&](std::vector<ColumnMapping> bad, const char* text) {
            try {
                traceFromMapping(table, bad);
            } catch (const InputError& e) {
                return QString::fromUtf8(e.what()).contains(QLatin1String(text));
            }
            return false;
        };
        std::vector<ColumnMapping> noTime = guess;
        noTime[0].role = ColumnRole::Ignore;
        QVERIFY(fails(noTime, "no time column"));
        std::vector<ColumnMapping> noTarget = guess;
        noTarget[1].role = ColumnRole::Ignore;
        QVERIFY(fails(noTarget, "no target column"));
        std::vector<ColumnMapping> twoTimes = guess;
        twoTimes[2].role = ColumnRole::TimeMs;
        QVERIFY(fails(twoTimes, "two time columns"));
    }

    void dialogFitsTheScreenAndChecksTheMapping() {
        const CsvTable table = parseCsv(imagingCsv().toStdString(), "imaging.csv");
        const std::vector<ColumnMapping> guess = guessMapping(table, QStringLiteral("AVA"));
        ColumnMappingDialog dialog(table, {QStringLiteral("ASH"), QStringLiteral("AVA")}, guess);
        QVERIFY(dialog.width() <= 1366 && dialog.height() <= 700);
        QCOMPARE(dialog.table()->rowCount(), 3);
        QCOMPARE(dialog.mapping(), guess);
        // Making the calcium column "ignore" leaves no target: OK is refused.
        static_cast<QComboBox*>(dialog.table()->cellWidget(1, 2))->setCurrentIndex(0);
        dialog.show();
        dialog.accept();
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        static_cast<QComboBox*>(dialog.table()->cellWidget(1, 2))->setCurrentIndex(4);  // Ca
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void windowImportsThroughTheMapping() {
        QTemporaryDir dir;
        const QString imaging = writeFile(dir, QStringLiteral("imaging.csv"), imagingCsv());
        const QString ragged = writeFile(dir, QStringLiteral("ragged.csv"), "t,V\n0,1\n1\n");
        const QString letters = writeFile(dir, QStringLiteral("letters.csv"), "t,V\n0,1\n1,abc\n");
        MainWindow window(test::windowOptions());
        int asked = 0;
        bool accept = true;
        window.setMappingChooser([&](const CsvTable& table, const std::vector<ColumnMapping>& guess)
                                     -> std::optional<std::vector<ColumnMapping>> {
            ++asked;
            if (!accept) return std::nullopt;
            std::vector<ColumnMapping> m = guess;
            for (ColumnMapping& c : m) c.neuron = QStringLiteral("AVA");
            Q_UNUSED(table);
            return m;
        });
        QVERIFY(window.loadTargetTrace(imaging));
        QCOMPARE(asked, 1);
        QCOMPARE(window.targetTraceCount(), 1);
        accept = false;
        QVERIFY(!window.loadTargetTrace(imaging));  // the user cancelled
        QCOMPARE(window.targetTraceCount(), 1);

        QVERIFY(!window.loadTargetTrace(ragged));
        QVERIFY2(window.lastError().contains(QStringLiteral("ragged.csv:3")), qPrintable(window.lastError()));
        QVERIFY(!window.loadTargetTrace(letters));
        QVERIFY2(window.lastError().contains(QStringLiteral("letters.csv:3")) && window.lastError().contains(QStringLiteral("abc")),
                 qPrintable(window.lastError()));
        QCOMPARE(window.targetTraceCount(), 1);

        // A dropped CSV with a known header lands as a second trace.
        const QString known = writeFile(dir, QStringLiteral("known.csv"), "t,V_AVA\n0,-60\n10,-50\n20,-40\n");
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(known)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY2(window.targetTraceCount() == 2, qPrintable(window.lastError()));
        QCOMPARE(window.fitPanel()->targetBox()->currentIndex(), 0);  // fit to loaded traces now
        window.clearTargetTraces();
        QCOMPARE(window.targetTraceCount(), 0);
    }
};

QTEST_MAIN(TestCsvImport)
#include "test_csv_import.moc"
