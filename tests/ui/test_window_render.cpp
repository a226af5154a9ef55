// The main window renders: after one simulation, a grab of the window has many colours
// (diagram, green and red neurons, plot curves), so it is not blank.
#include <QImage>
#include <QPushButton>
#include <QSet>
#include <QTest>

#include "editor/circuit_view.hpp"
#include "fit/fit_panel.hpp"
#include "window/main_window.hpp"
#include "plots/trace_plots.hpp"

using namespace odynn::ui;

class TestWindowRender : public QObject {
    Q_OBJECT
private slots:
    void windowGrabIsNotBlank() {
        MainWindow::Options o;
        o.showDialogs = false;
        o.restoreSettings = false;
        o.offerRecovery = false;
        o.autoSimulate = false;
        MainWindow window(o);
        window.resize(1280, 860);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.simulateNow());
        window.view()->fitContent();
        QApplication::processEvents();
        QVERIFY(window.tracePlots()->graphCount() >= 4);

        const QImage image = window.grab().toImage().convertToFormat(QImage::Format_RGB32);
        QVERIFY(image.width() >= 1000 && image.height() >= 700);
        QSet<QRgb> colours;
        int green = 0, red = 0;
        for (int y = 0; y < image.height(); y += 2) {
            const QRgb* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
            for (int x = 0; x < image.width(); x += 2) {
                colours.insert(line[x]);
                const int r = qRed(line[x]), g = qGreen(line[x]), b = qBlue(line[x]);
                if (g > r + 40 && g > b + 40) ++green;
                if (r > g + 60 && r > b + 60) ++red;
            }
        }
        QVERIFY2(colours.size() > 50, qPrintable(QStringLiteral("only %1 colours").arg(colours.size())));
        QVERIFY2(green > 200, "no excitatory (green) elements visible");
        QVERIFY2(red > 200, "no inhibitory (red) elements visible");
    }

    // Everything is reachable at 1280 x 720: the window's minimum size fits, and with the Fit
    // dock raised its Start button lies inside the window.
    void fitsSmallScreens() {
        MainWindow::Options o;
        o.showDialogs = false;
        o.restoreSettings = false;
        o.offerRecovery = false;
        o.autoSimulate = false;
        MainWindow window(o);
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QApplication::processEvents();
        const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
        QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 720,
                 qPrintable(QStringLiteral("minimum size %1 x %2").arg(minimum.width()).arg(minimum.height())));
        QVERIFY2(window.height() <= 720, qPrintable(QStringLiteral("window height %1").arg(window.height())));
        window.showFitView();
        QApplication::processEvents();
        QPushButton* start = window.fitPanel()->startButton();
        QVERIFY(start->isVisible());
        const QRect inWindow(start->mapTo(&window, QPoint(0, 0)), start->size());
        QVERIFY2(window.rect().contains(inWindow),
                 qPrintable(QStringLiteral("Start at %1,%2 outside %3 x %4")
                                .arg(inWindow.x()).arg(inWindow.y()).arg(window.width()).arg(window.height())));
    }
};

QTEST_MAIN(TestWindowRender)
#include "test_window_render.moc"
