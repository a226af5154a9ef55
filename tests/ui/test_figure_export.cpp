// Exported figures have the size asked for, and PDFs show their text: each PDF is converted
// to PNG with pdftoppm (poppler-utils) and compared with the PNG export of the same figure.
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "plots/figure_export.hpp"
#include "window/main_window.hpp"
#include "window_test_support.hpp"

using namespace odynn::ui;

namespace {

// The first page of a PDF as an image at `dpi`, through pdftoppm.
QImage rasterise(const QString& pdf, int dpi) {
    const QString prefix = pdf + QStringLiteral(".page");
    QProcess p;
    p.start(QStringLiteral(ODYNN_PDFTOPPM),
            {QStringLiteral("-png"), QStringLiteral("-singlefile"), QStringLiteral("-r"), QString::number(dpi), pdf, prefix});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) return {};
    return QImage(prefix + QStringLiteral(".png")).convertToFormat(QImage::Format_RGB32);
}

// Pixels darker than mid-grey: text, lines and outlines.
int darkPixels(const QImage& image) {
    int dark = 0;
    for (int y = 0; y < image.height(); ++y) {
        const QRgb* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) dark += qGray(line[x]) < 100;
    }
    return dark;
}

}  // namespace

class TestFigureExport : public QObject {
    Q_OBJECT
private slots:
    void plotHasTheRequestedSize() {
        QTemporaryDir dir;
        MainWindow window(test::windowOptions());
        window.resize(1280, 720);
        window.show();
        QVERIFY(window.simulateNow());
        FigureSettings s;
        s.width = 120;
        s.height = 80;
        s.dpi = 200;
        const QString png = dir.filePath(QStringLiteral("traces.png"));
        QCOMPARE(window.exportFigure(1, png, s), QString());
        const QImage image(png);
        QCOMPARE(image.size(), QSize(945, 630));  // 120 x 80 mm at 200 dpi
        QVERIFY(darkPixels(image.convertToFormat(QImage::Format_RGB32)) > 1000);

        // The PDF page is the same 120 x 80 mm and shows the same amount of ink.
        const QString pdf = dir.filePath(QStringLiteral("traces.pdf"));
        QCOMPARE(window.exportFigure(1, pdf, s), QString());
        const QImage page = rasterise(pdf, 200);
        QVERIFY2(!page.isNull(), "pdftoppm failed");
        QVERIFY2(std::abs(page.width() - 945) <= 2 && std::abs(page.height() - 630) <= 2,
                 qPrintable(QStringLiteral("page %1 x %2 px").arg(page.width()).arg(page.height())));
        const int inkPdf = darkPixels(page), inkPng = darkPixels(image.convertToFormat(QImage::Format_RGB32));
        QVERIFY2(inkPdf > inkPng / 3 && inkPdf < inkPng * 3,
                 qPrintable(QStringLiteral("dark pixels: PDF %1, PNG %2").arg(inkPdf).arg(inkPng)));
    }

    // The diagram's neuron labels are text in the PDF, not filled blocks: the PDF page, drawn
    // at the PNG's resolution, has about as many dark pixels as the PNG.
    void diagramPdfShowsLabels() {
        QTemporaryDir dir;
        MainWindow window(test::windowOptions());
        FigureSettings s;
        s.width = 100;
        s.height = 70;
        s.dpi = 150;
        const QString png = dir.filePath(QStringLiteral("diagram.png"));
        const QString pdf = dir.filePath(QStringLiteral("diagram.pdf"));
        QCOMPARE(window.exportFigure(0, png, s), QString());
        QCOMPARE(window.exportFigure(0, pdf, s), QString());
        const QImage image = QImage(png).convertToFormat(QImage::Format_RGB32);
        const QImage page = rasterise(pdf, 150);
        QVERIFY2(!page.isNull(), "pdftoppm failed");
        page.save(dir.filePath(QStringLiteral("diagram-page.png")));
        const int inkPdf = darkPixels(page), inkPng = darkPixels(image);
        QVERIFY(inkPng > 200);
        QVERIFY2(inkPdf < inkPng * 2 && inkPdf > inkPng / 2,
                 qPrintable(QStringLiteral("dark pixels: PDF %1, PNG %2").arg(inkPdf).arg(inkPng)));
    }

    void badSuffixIsNamed() {
        QTemporaryDir dir;
        MainWindow window(test::windowOptions());
        const QString error = window.exportFigure(1, dir.filePath(QStringLiteral("plot.bmp")), FigureSettings{});
        QVERIFY2(error.contains(QStringLiteral("plot.bmp")), qPrintable(error));
    }
};

QTEST_MAIN(TestFigureExport)
#include "test_figure_export.moc"
