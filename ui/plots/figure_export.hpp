#pragma once
// Writes plots and the circuit diagram to image files at a size chosen for the page, not the
// screen's: width and height in mm (or px), a resolution in dots per inch and a font size in
// points. The format follows the file suffix (png, pdf, and svg when Qt Svg is available).
// Returns an empty string on success, else a message for the user.
#include <QSize>
#include <QString>
#include <QStringList>

class QCustomPlot;
class QGraphicsScene;
class QRectF;

namespace odynn::ui {

QStringList figureFormats();    // e.g. {"png", "pdf", "svg"}
QString figureFileFilter();     // for QFileDialog

struct FigureSettings {
    enum class Unit { Millimetres, Pixels };
    double width = 160, height = 100;  // in `unit`
    Unit unit = Unit::Millimetres;
    int dpi = 300;                     // dots per inch of PNG output; mm <-> px for every format
    double fontPoints = 9;             // plot text (ticks, labels, legend), pt
    QSize pixels() const;              // the PNG's size in pixels
    double widthMm() const;
    double heightMm() const;
};

QString exportPlot(QCustomPlot* plot, const QString& path, const FigureSettings& settings);
// The diagram keeps its aspect ratio inside the requested size.
QString exportScene(QGraphicsScene* scene, const QRectF& source, const QString& path, const FigureSettings& settings);

}  // namespace odynn::ui
