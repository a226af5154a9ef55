// check_screenshot FILE.png MIN_WIDTH MIN_HEIGHT MIN_COLOURS
// Exits 0 when the PNG has at least the given size and number of distinct colours (a blank
// or black window has a handful), else prints what is wrong and exits 1.
#include <QCoreApplication>
#include <QImage>
#include <QSet>
#include <QTextStream>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);  // QImage reads PNG without a display
    QTextStream out(stdout);
    if (argc != 5) {
        out << "usage: check_screenshot FILE.png MIN_WIDTH MIN_HEIGHT MIN_COLOURS\n";
        return 2;
    }
    const QImage image = QImage(QString::fromLocal8Bit(argv[1])).convertToFormat(QImage::Format_RGB32);
    if (image.isNull()) {
        out << argv[1] << ": not a readable image\n";
        return 1;
    }
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) colours.insert(line[x]);
    }
    out << argv[1] << ": " << image.width() << "x" << image.height() << ", " << colours.size() << " colours\n";
    const bool ok = image.width() >= atoi(argv[2]) && image.height() >= atoi(argv[3]) && colours.size() >= atoi(argv[4]);
    return ok ? 0 : 1;
}
