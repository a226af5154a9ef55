#pragma once
// Writes plots and the circuit diagram to image files; the format follows the file suffix
// (png, pdf, and svg when Qt Svg is available). Returns an empty string on success, else a
// message for the user.
#include <QString>
#include <QStringList>

class QCustomPlot;
class QGraphicsScene;
class QRectF;

namespace odynn::ui {

QStringList figureFormats();    // e.g. {"png", "pdf", "svg"}
QString figureFileFilter();     // for QFileDialog

QString exportPlot(QCustomPlot* plot, const QString& path, int width = 0, int height = 0);
QString exportScene(QGraphicsScene* scene, const QRectF& source, const QString& path);

}  // namespace odynn::ui
