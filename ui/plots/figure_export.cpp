#include "plots/figure_export.hpp"

#include <QFileInfo>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QPageSize>
#include <qcustomplot.h>
#ifdef ODYNN_HAVE_SVG
#include <QSvgGenerator>
#endif

namespace odynn::ui {

QStringList figureFormats() {
    QStringList formats{QStringLiteral("png"), QStringLiteral("pdf")};
#ifdef ODYNN_HAVE_SVG
    formats << QStringLiteral("svg");
#endif
    return formats;
}

QString figureFileFilter() {
    QStringList parts;
    parts << QObject::tr("PNG image (*.png)") << QObject::tr("PDF document (*.pdf)");
#ifdef ODYNN_HAVE_SVG
    parts << QObject::tr("SVG drawing (*.svg)");
#endif
    return parts.join(QStringLiteral(";;"));
}

namespace {
QString suffixProblem(const QString& path, QString* suffix) {
    *suffix = QFileInfo(path).suffix().toLower();
    if (!figureFormats().contains(*suffix))
        return QObject::tr("Cannot export to \"%1\": use one of %2.").arg(path, figureFormats().join(QStringLiteral(", ")));
    return {};
}
}  // namespace

QString exportPlot(QCustomPlot* plot, const QString& path, int width, int height) {
    QString suffix;
    if (QString why = suffixProblem(path, &suffix); !why.isEmpty()) return why;
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = plot->savePng(path, width, height, 2.0);  // twice the pixels, for print
    } else if (suffix == QLatin1String("pdf")) {
        ok = plot->savePdf(path, width, height);
    } else {
#ifdef ODYNN_HAVE_SVG
        const int w = width > 0 ? width : plot->width();
        const int h = height > 0 ? height : plot->height();
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(w, h));
        svg.setViewBox(QRect(0, 0, w, h));
        svg.setTitle(QStringLiteral("ODYNN Studio plot"));
        QCPPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            plot->toPainter(&painter, w, h);
            ok = painter.end();
        }
#endif
    }
    return ok ? QString() : QObject::tr("Could not write \"%1\".").arg(path);
}

QString exportScene(QGraphicsScene* scene, const QRectF& source, const QString& path) {
    QString suffix;
    if (QString why = suffixProblem(path, &suffix); !why.isEmpty()) return why;
    const QSize size = source.size().toSize();
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);  // 2x for sharp prints
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        scene->render(&painter, QRectF(QPointF(0, 0), image.size()), source);
        painter.end();
        ok = image.save(path);
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(source.size(), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(QStringLiteral("ODYNN Studio circuit"));
        QPainter painter;
        ok = painter.begin(&pdf);
        if (ok) {
            painter.setRenderHint(QPainter::Antialiasing);
            scene->render(&painter, QRectF(), source);
            ok = painter.end();
        }
    } else {
#ifdef ODYNN_HAVE_SVG
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("ODYNN Studio circuit"));
        QPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            painter.setRenderHint(QPainter::Antialiasing);
            scene->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), source);
            ok = painter.end();
        }
#endif
    }
    return ok ? QString() : QObject::tr("Could not write \"%1\".").arg(path);
}

}  // namespace odynn::ui
