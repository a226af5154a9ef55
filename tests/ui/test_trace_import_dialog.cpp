// File > Import Calcium Trace: AVAL1.csv with ODYNN's defaults gives exactly the core's
// import (odynn::importTrace); the preview follows the settings; bad windows and files are
// refused with a message; a dropped recording goes through the dialog and becomes a calcium
// target with loss weights (0, 1).
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QStatusBar>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <functional>
#include <qcustomplot.h>

#include "fit/fit_panel.hpp"
#include "window/main_window.hpp"
#include "window_test_support.hpp"
#include "odynn/trace_import.hpp"
#include "import/trace_import_dialog.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {

const QString aval1 = QStringLiteral(ODYNN_TEST_DATA_DIR "/AVAL1.csv");

template <class D>
void whenShown(std::function<void(D*)> act) {
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, act] {
        for (QWidget* w : QApplication::topLevelWidgets())
            if (auto* d = qobject_cast<D*>(w); d && d->isVisible()) {
                timer->stop();
                timer->deleteLater();
                act(d);
                return;
            }
    });
    timer->start();
}

QPushButton* okButton(const QDialog& d) {
    return d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

}  // namespace

class TestTraceImportDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY2(QFile::exists(aval1), qPrintable(aval1)); }

    // Enter in the file box loads the file and leaves the dialog open for the neuron and window.
    void enterInTheFileBoxDoesNotImport() {
        TraceImportDialog d({QStringLiteral("AVAL"), QStringLiteral("AVAR")}, QString(), 0.1);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QLineEdit* path = nullptr;  // the file box: the line edit that is not inside a spin or combo box
        for (QLineEdit* e : d.findChildren<QLineEdit*>())
            if (!qobject_cast<QAbstractSpinBox*>(e->parent()) && !qobject_cast<QComboBox*>(e->parent())) path = e;
        QVERIFY(path);
        path->setFocus();
        path->setText(aval1);
        QTest::keyClick(path, Qt::Key_Return);
        QVERIFY(okButton(d)->isEnabled());  // the file was read
        QVERIFY2(d.isVisible() && d.result() != QDialog::Accepted, "Enter imported the trace");
    }

    void odynnPreparationGivesFiveTargets() {
        TraceImportDialog d({QStringLiteral("AVAL")}, QString(), 5.0);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY2(d.setFile(aval1), qPrintable(d.errorText()));
        d.preparationBox()->setCurrentIndex(1);
        QVERIFY(d.odynnPreparation());
        QVERIFY(!d.smoothingBox()->isEnabled());  // fixed by ODYNN
        QVERIFY(!d.windowBox()->isEnabled());
        d.updatePreviewNow();
        QVERIFY(d.errorText().isEmpty());
        QVERIFY(d.plot()->graph(2)->dataCount() > 1000);
        QTest::mouseClick(okButton(d), Qt::LeftButton);
        QCOMPARE(d.result(), int(QDialog::Accepted));
        const std::vector<TargetTrace> all = d.targets();
        QCOMPARE(all.size(), size_t(5));
        // The core's get_real_data, itself checked against scipy (test_trace_import).
        const OdynnRealData want = odynnRealData(readTraceCsv(aval1.toStdString()), 5.0);
        for (size_t k = 0; k < 5; ++k) {
            QCOMPARE(all[k].steps(), 800);  // numpy.arange(0, 4000, 5)
            QCOMPARE(all[k].columns[0].values, want.train[k].cac);
            QCOMPARE(all[k].currents[0].second, want.train[k].current);
        }
        QCOMPARE(d.target()->columns[0].values, want.train[0].cac);
    }

    void defaultsMatchTheCore() {
        TraceImportDialog d({QStringLiteral("AVAL"), QStringLiteral("AVAR")}, QString(), 0.1);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY(!okButton(d)->isEnabled());  // no file yet
        QVERIFY2(d.setFile(aval1), qPrintable(d.errorText()));
        QCOMPARE(d.neuron(), QStringLiteral("AVAL"));
        QVERIFY(okButton(d)->isEnabled());

        // ODYNN's settings: x1000, x10, x10, s = 0.25, no Hill, the first training window.
        const TraceImportOptions o = d.options();
        QCOMPARE(o.timeScale, 1000.0);
        QCOMPARE(o.traceScale, 10.0);
        QCOMPARE(o.currentScale, 10.0);
        QCOMPARE(o.traceSmoothing, 0.25);
        QCOMPARE(o.dt, 0.1);
        QVERIFY(!o.hill);
        const RawTrace raw = readTraceCsv(aval1.toStdString());
        QVERIFY(o.window.has_value());
        QCOMPARE(o.window->first, raw.time[0] * 1000);
        QCOMPARE(o.window->second, raw.time[499] * 1000);

        QTest::mouseClick(okButton(d), Qt::LeftButton);
        QCOMPARE(d.result(), int(QDialog::Accepted));
        const std::optional<TargetTrace> target = d.target();
        QVERIFY(target.has_value());

        TraceImportOptions core;  // the core's own defaults plus ODYNN's first window
        core.dt = 0.1;
        core.window = std::make_pair(raw.time[0] * 1000, raw.time[499] * 1000);
        const ImportedTrace expected = importTrace(raw, core);
        QCOMPARE(target->steps(), static_cast<int>(expected.t.size()));
        QVERIFY(target->steps() > 1'000'000);  // 172 s at 0.1 ms
        QCOMPARE(target->time[1] - target->time[0], 0.1);
        QCOMPARE(target->time.front(), 0.0);
        QCOMPARE(target->columns.size(), size_t(1));
        QCOMPARE(target->columns[0].neuron, QStringLiteral("AVAL"));
        QVERIFY(target->columns[0].calcium);
        for (size_t k : {size_t(0), size_t(1), size_t(2), size_t(12345), expected.t.size() - 1}) {
            QCOMPARE(target->columns[0].values[k], expected.cac[k]);
            QCOMPARE(target->currents[0].second[k], expected.current[k]);
            QCOMPARE(target->time[k], expected.t[k]);
        }
        // The spline smooths: the first value is near the first scaled sample, not equal to it.
        QVERIFY(std::abs(target->columns[0].values[0] - raw.trace[0] * 10) < 0.5);
    }

    void previewFollowsTheSettings() {
        TraceImportDialog d({QStringLiteral("AVAL")}, QString(), 1.0);
        QVERIFY(d.setFile(aval1));
        QCustomPlot* plot = d.plot();
        QCOMPARE(plot->graphCount(), 3);
        const int recorded = plot->graph(1)->dataCount();
        QCOMPARE(recorded, 3137);
        const int resampledPoints = plot->graph(2)->dataCount();
        QVERIFY(resampledPoints > 1000);
        const double first = plot->graph(2)->data()->at(100)->value;

        // More smoothing: another curve.
        d.smoothingBox()->setValue(5.0);
        d.updatePreviewNow();
        QVERIFY(plot->graph(2)->data()->at(100)->value != first);

        // Hill on: the trace scale follows (raw fluorescence) and the target is calcium >= 0.
        QTest::mouseClick(d.hillBox(), Qt::LeftButton);
        QVERIFY(d.hillBox()->isChecked());
        QCOMPARE(d.options().traceScale, 1.0);
        d.updatePreviewNow();
        for (auto it = plot->graph(1)->data()->constBegin(); it != plot->graph(1)->data()->constEnd(); ++it)
            QVERIFY(it->value >= 0);

        // The whole recording, then a window outside it: refused with a message, OK disabled.
        d.windowBox()->setCurrentIndex(0);
        d.updatePreviewNow();
        QVERIFY(!d.options().window.has_value());
        QVERIFY(plot->graph(2)->data()->at(plot->graph(2)->dataCount() - 1)->key > 1e6);  // 1080 s
        d.windowBox()->setCurrentIndex(d.windowBox()->count() - 1);  // custom
        QVERIFY(d.windowStartBox()->isEnabled());
        d.windowStartBox()->setValue(5e6);
        d.windowEndBox()->setValue(6e6);
        d.updatePreviewNow();
        QVERIFY2(d.errorText().contains(QStringLiteral("window")), qPrintable(d.errorText()));
        QVERIFY(!okButton(d)->isEnabled());
        d.windowStartBox()->setValue(1000);
        d.windowEndBox()->setValue(60000);
        d.updatePreviewNow();
        QVERIFY(d.errorText().isEmpty());
        QVERIFY(okButton(d)->isEnabled());
        const std::optional<TargetTrace> t = d.target();
        QVERIFY(t.has_value());
        QVERIFY(t->steps() < 60000 && t->steps() > 50000);
        // The preview announces the number of steps the import gives (the window's end falls
        // between samples, so counting to the end of the window would be too many), and the
        // status bar says the same number once the target is loaded.
        const QString steps = QLocale().toString(t->steps()) + QStringLiteral(" steps");
        QVERIFY2(d.infoText().contains(steps), qPrintable(d.infoText() + QStringLiteral(" / ") + steps));
        MainWindow w(test::windowOptions());
        w.addTargetTrace(*t);
        const QString status = w.statusBar()->currentMessage();
        QVERIFY2(status.contains(steps), qPrintable(status));
    }

    void fitsASmallScreen() {
        TraceImportDialog d({QStringLiteral("AVAL")}, QString(), 0.1);
        QVERIFY(d.setFile(aval1));
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        // 1366x768 less a taskbar and the title bar.
        QVERIFY2(d.minimumSizeHint().width() <= 1300 && d.minimumSizeHint().height() <= 690,
                 qPrintable(QStringLiteral("%1x%2").arg(d.minimumSizeHint().width()).arg(d.minimumSizeHint().height())));
        QVERIFY(d.width() <= 1326 && d.height() <= 708);
        if (const QByteArray dir = qgetenv("ODYNN_SCREENSHOT_DIR"); !dir.isEmpty())
            d.grab().save(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("trace_import_dialog.png")));
    }

    void badFiles() {
        QTemporaryDir dir;
        const QString letters = dir.filePath(QStringLiteral("letters.csv"));
        QFile f(letters);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("trace,inputCurrent,timeVector\n0.1,0,0\n0.2,0,0.3\nabc,0,0.6\n0.3,0,0.9\n0.2,0,1.2\n");
        f.close();
        QVERIFY(isCalciumRecording(letters));
        TraceImportDialog d({QStringLiteral("AVAL")}, QString(), 0.1);
        QVERIFY(!d.setFile(letters));
        QVERIFY2(d.errorText().contains(QStringLiteral("letters.csv:4")), qPrintable(d.errorText()));
        QVERIFY(!okButton(d)->isEnabled());
        QVERIFY(!d.setFile(dir.filePath(QStringLiteral("missing.csv"))));
        QVERIFY(!d.errorText().isEmpty());
    }

    void droppedRecordingBecomesACalciumTarget() {
        MainWindow window(test::windowOptions());
        QVERIFY(!isCalciumRecording(QStringLiteral(":/examples/avoidance.json")));
        bool shown = false;
        whenShown<TraceImportDialog>([&shown](TraceImportDialog* d) {
            shown = true;
            QCOMPARE(d->file(), aval1);
            QCOMPARE(d->neuron(), QStringLiteral("AVA"));  // the example's AVA takes AVAL's recording
            d->dtBox()->setValue(1.0);                      // quicker; the circuit resamples
            QTest::mouseClick(okButton(*d), Qt::LeftButton);
        });
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(aval1)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(shown);
        QVERIFY2(window.targetTraceCount() == 1, qPrintable(window.lastError()));
        const FitOptions o = window.fitPanel()->options();
        QCOMPARE(o.weights.v, 0.0);
        QCOMPARE(o.weights.ca, 1.0);
        QCOMPARE(window.fitPanel()->targetBox()->currentIndex(), 0);  // fit to loaded traces

        // Cancelling the dialog adds nothing.
        whenShown<TraceImportDialog>([](TraceImportDialog* d) { d->reject(); });
        QVERIFY(!window.importCalciumTrace(aval1));
        QCOMPARE(window.targetTraceCount(), 1);
    }
};

QTEST_MAIN(TestTraceImportDialog)
#include "test_trace_import_dialog.moc"
