// The main window renders: after one simulation, a grab of the window has many colours
// (diagram, green and red neurons, plot curves), so it is not blank.
#include <QImage>
#include <QSet>
#include <QTest>

#include "editor/circuit_view.hpp"
#include "window/main_window.hpp"
#include "plots/trace_plots.hpp"

using namespace odynn::ui;

class TestWindowRender : public QObject {
    Q_OBJECT
private slots:
    void windowGrabIsNotBlank() {
        MainWindow::Options o;
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
};

QTEST_MAIN(TestWindowRender)
#include "test_window_render.moc"
