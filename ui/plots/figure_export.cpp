#include "plots/figure_export.hpp"

#include <QFileInfo>
#include <QGraphicsScene>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <cmath>
#include <qcustomplot.h>
#ifdef ODYNN_HAVE_SVG
#include <QSvgGenerator>
#endif

namespace odynn::ui {

namespace {
constexpr double mmPerInch = 25.4;
constexpr double pointsPerInch = 72.0;
// QCustomPlot and QPainter lay text out in logical pixels of 1/96 inch; fonts are in points.
constexpr double logicalDpi = 96.0;

// A borderless page of the figure's size in mm, drawn at `dpi` like the screen: items' fonts are
// laid out for a 96-dpi screen, and at the writer's default 1200 dpi the scaled-down glyph
// outlines of bold text came out as filled blocks.
void setUpPdfPage(QPdfWriter& pdf, const FigureSettings& settings, double dpi, const QString& title) {
    pdf.setPageSize(QPageSize(QSizeF(settings.widthMm(), settings.heightMm()), QPageSize::Millimeter));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
    pdf.setResolution(static_cast<int>(dpi));
    pdf.setTitle(title);
}
}  // namespace

QSize FigureSettings::pixels() const {
    if (unit == Unit::Pixels) return QSize(static_cast<int>(std::lround(width)), static_cast<int>(std::lround(height)));
    return QSize(static_cast<int>(std::lround(width / mmPerInch * dpi)), static_cast<int>(std::lround(height / mmPerInch * dpi)));
}

double FigureSettings::widthMm() const { return unit == Unit::Millimetres ? width : width / dpi * mmPerInch; }
double FigureSettings::heightMm() const { return unit == Unit::Millimetres ? height : height / dpi * mmPerInch; }

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

// Sets every text of the plot to `points` while alive and puts the screen's fonts back after.
class PlotFonts {
public:
    PlotFonts(QCustomPlot* plot, double points) : plot_(plot) {
        for (QCPAxisRect* rect : plot->axisRects())
            for (QCPAxis* axis : rect->axes()) {
                saved_.push_back({axis, axis->tickLabelFont(), axis->labelFont()});
                axis->setTickLabelFont(resized(axis->tickLabelFont(), points));
                axis->setLabelFont(resized(axis->labelFont(), points));
            }
        for (int k = 0; k < plot->plotLayout()->elementCount(); ++k) collect(plot->plotLayout()->elementAt(k), points);
    }
    ~PlotFonts() {
        for (const Saved& s : saved_) {
            s.axis->setTickLabelFont(s.tick);
            s.axis->setLabelFont(s.label);
        }
        for (const auto& [legend, font] : legends_) legend->setFont(font);
        for (const auto& [text, font] : texts_) text->setFont(font);
    }

private:
    static QFont resized(QFont f, double points) {
        f.setPointSizeF(points);
        return f;
    }
    void collect(QCPLayoutElement* element, double points) {
        if (!element) return;
        if (auto* legend = qobject_cast<QCPLegend*>(element)) {
            legends_.push_back({legend, legend->font()});
            legend->setFont(resized(legend->font(), points));
            for (int i = 0; i < legend->itemCount(); ++i)
                if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i)))
                    item->setFont(resized(item->font(), points));
        } else if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            texts_.push_back({text, text->font()});
            text->setFont(resized(text->font(), points));
        }
        for (QCPLayoutElement* child : element->elements(false)) collect(child, points);
    }
    struct Saved {
        QCPAxis* axis;
        QFont tick, label;
    };
    QCustomPlot* plot_;
    std::vector<Saved> saved_;
    std::vector<std::pair<QCPLegend*, QFont>> legends_;
    std::vector<std::pair<QCPTextElement*, QFont>> texts_;
};

}  // namespace

QString exportPlot(QCustomPlot* plot, const QString& path, const FigureSettings& settings) {
    QString suffix;
    if (QString why = suffixProblem(path, &suffix); !why.isEmpty()) return why;
    // The plot is laid out at the figure's size in logical pixels (1/96 in), so fonts in
    // points take their true share of the page; PNG multiplies the pixels up to the DPI.
    const int w = static_cast<int>(std::lround(settings.widthMm() / mmPerInch * logicalDpi));
    const int h = static_cast<int>(std::lround(settings.heightMm() / mmPerInch * logicalDpi));
    if (w < 50 || h < 50) return QObject::tr("The figure is too small to draw (%1 x %2 mm).").arg(settings.widthMm()).arg(settings.heightMm());
    bool ok = false;
    {
        PlotFonts fonts(plot, settings.fontPoints);
        if (suffix == QLatin1String("png")) {
            // Drawn into an image of exactly the requested pixels (savePng rounds the scaled size).
            const QSize px = settings.pixels();
            QImage image(px, QImage::Format_ARGB32_Premultiplied);
            if (image.isNull()) return QObject::tr("The figure is too large (%1 x %2 px).").arg(px.width()).arg(px.height());
            image.fill(Qt::white);
            image.setDotsPerMeterX(static_cast<int>(std::lround(settings.dpi / 0.0254)));
            image.setDotsPerMeterY(static_cast<int>(std::lround(settings.dpi / 0.0254)));
            QCPPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing);
            painter.scale(static_cast<double>(px.width()) / w, static_cast<double>(px.height()) / h);
            plot->toPainter(&painter, w, h);
            painter.end();
            ok = image.save(path);
        } else if (suffix == QLatin1String("pdf")) {
            QPdfWriter pdf(path);
            setUpPdfPage(pdf, settings, logicalDpi, QStringLiteral("ODYNN Studio plot"));
            QCPPainter painter;
            ok = painter.begin(&pdf);
            if (ok) {
                painter.setMode(QCPPainter::pmVectorized);
                painter.setMode(QCPPainter::pmNoCaching);
                plot->toPainter(&painter, w, h);
                ok = painter.end();
            }
        } else {
#ifdef ODYNN_HAVE_SVG
            QSvgGenerator svg;
            svg.setFileName(path);
            svg.setResolution(static_cast<int>(logicalDpi));
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
    }
    plot->replot();  // the screen's fonts again
    return ok ? QString() : QObject::tr("Could not write \"%1\".").arg(path);
}

namespace {
// `source` scaled to fit `target` with its aspect ratio, centred.
QRectF fitted(const QRectF& source, const QRectF& target) {
    const double scale = std::min(target.width() / source.width(), target.height() / source.height());
    const QSizeF size = source.size() * scale;
    return QRectF(target.center() - QPointF(size.width() / 2, size.height() / 2), size);
}
}  // namespace

QString exportScene(QGraphicsScene* scene, const QRectF& source, const QString& path, const FigureSettings& settings) {
    QString suffix;
    if (QString why = suffixProblem(path, &suffix); !why.isEmpty()) return why;
    if (source.isEmpty()) return QObject::tr("The diagram is empty.");
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        QImage image(settings.pixels(), QImage::Format_ARGB32_Premultiplied);
        if (image.isNull()) return QObject::tr("The figure is too large (%1 x %2 px).").arg(settings.pixels().width()).arg(settings.pixels().height());
        image.setDotsPerMeterX(static_cast<int>(std::lround(settings.dpi / 0.0254)));
        image.setDotsPerMeterY(static_cast<int>(std::lround(settings.dpi / 0.0254)));
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        scene->render(&painter, fitted(source, QRectF(QPointF(0, 0), QSizeF(image.size()))), source);
        painter.end();
        ok = image.save(path);
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(path);
        setUpPdfPage(pdf, settings, logicalDpi, QStringLiteral("ODYNN Studio circuit"));
        QPainter painter;
        ok = painter.begin(&pdf);
        if (ok) {
            painter.setRenderHint(QPainter::Antialiasing);
            const QRectF page(QPointF(0, 0), QSizeF(pdf.width(), pdf.height()));
            scene->render(&painter, fitted(source, page), source);
            ok = painter.end();
        }
    } else {
#ifdef ODYNN_HAVE_SVG
        const QSize size(static_cast<int>(std::lround(settings.widthMm() / mmPerInch * logicalDpi)),
                         static_cast<int>(std::lround(settings.heightMm() / mmPerInch * logicalDpi)));
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setResolution(static_cast<int>(logicalDpi));
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("ODYNN Studio circuit"));
        QPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            painter.setRenderHint(QPainter::Antialiasing);
            scene->render(&painter, fitted(source, QRectF(QPointF(0, 0), QSizeF(size))), source);
            ok = painter.end();
        }
#endif
    }
    return ok ? QString() : QObject::tr("Could not write \"%1\".").arg(path);
}

}  // namespace odynn::ui
