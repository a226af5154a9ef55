// odynn-plot: renders a trace file written by `odynn-cli simulate` as a figure (PNG and PDF)
// with stacked panels: membrane voltage, calcium, gate variables, injected current.
// Runs without a display (QT_QPA_PLATFORM=offscreen).
#include <qcustomplot.h>

#include <QApplication>
#include <QCommandLineParser>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "odynn/atomic_file.hpp"
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"

namespace {

struct Panel {
    QString title;  // axis label with unit
    QStringList columns;
};

// Column groups of the figure: V, Ca, gates (anything else but t/i_inj), current.
QList<Panel> panelsFor(const odynn::CsvTable& table) {
    QList<Panel> panels;
    QStringList volt, calcium, gates;
    for (const auto& h : table.header) {
        const QString name = QString::fromStdString(h);
        if (name == "t" || name == "i_inj") continue;
        if (name == "V" || name.startsWith("V_")) volt << name;
        else if (name == "cac" || name.startsWith("cac_")) calcium << name;
        else gates << name;
    }
    if (!volt.isEmpty()) panels.append(Panel{"V (mV)", volt});
    if (!calcium.isEmpty()) panels.append(Panel{"[Ca] (uM)", calcium});
    if (!gates.isEmpty()) panels.append(Panel{"gates (0-1)", gates});
    if (table.columnIndex("i_inj") >= 0) panels.append(Panel{"I inj (uA/cm2)", QStringList{"i_inj"}});
    return panels;
}

// A file written by a library is on disk before it replaces an older one.
bool syncedToDisk(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription("Render an odynn-cli trace CSV as a PNG and PDF figure");
    cli.addHelpOption();
    cli.addPositionalArgument("trace", "Trace CSV with a t column (ms)");
    cli.addOption({"out", "Output path without extension (writes .png and .pdf)", "path"});
    cli.addOption({"title", "Figure title", "text"});
    cli.process(app);
    if (cli.positionalArguments().size() != 1 || !cli.isSet("out")) cli.showHelp(2);

    odynn::CsvTable table;
    try {
        table = odynn::readCsv(cli.positionalArguments().front().toStdString());
        table.column("t");
    } catch (const odynn::InputError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    const auto& t = table.column("t");
    const QVector<double> time(t.begin(), t.end());

    QCustomPlot plot;
    plot.resize(1000, 900);
    plot.setAutoAddPlottableToLegend(false);  // each panel has its own legend
    plot.plotLayout()->clear();
    int row = 0;
    if (cli.isSet("title")) {
        plot.plotLayout()->addElement(row++, 0, new QCPTextElement(&plot, cli.value("title"), QFont("DejaVu Sans", 11, QFont::Bold)));
    }
    const QList<QColor> palette = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                   QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75)};
    QList<QCPAxisRect*> rects;
    for (const Panel& panel : panelsFor(table)) {
        auto* rect = new QCPAxisRect(&plot);
        plot.plotLayout()->addElement(row++, 0, rect);
        rect->axis(QCPAxis::atLeft)->setLabel(panel.title);
        rect->axis(QCPAxis::atBottom)->setLabel("time (ms)");
        auto* legend = new QCPLegend;
        rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
        legend->setLayer("legend");
        int colour = 0;
        for (const QString& name : panel.columns) {
            const auto& col = table.column(name.toStdString());
            auto* g = plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            g->setData(time, QVector<double>(col.begin(), col.end()), true);
            g->setPen(QPen(palette[colour++ % palette.size()], 1.5));
            g->setName(name);
            legend->addItem(new QCPPlottableLegendItem(legend, g));
        }
        rect->axis(QCPAxis::atBottom)->setRange(time.front(), time.back());
        rect->axis(QCPAxis::atLeft)->rescale(true);
        rect->axis(QCPAxis::atLeft)->scaleRange(1.15);
        rects.append(rect);
    }
    // Linked time axes: every panel shows the same window.
    auto* group = new QCPMarginGroup(&plot);
    for (auto* r : rects) r->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    plot.replot();
    // Both figures are rendered to temporary files and renamed over the old ones only when both
    // are complete: a full disk or a crash leaves the previous figures as they were.
    const std::string base = cli.value("out").toStdString();
    const std::string png = base + ".png", pdf = base + ".pdf";
    const std::string pngTmp = odynn::AtomicFile::temporaryPath(png), pdfTmp = odynn::AtomicFile::temporaryPath(pdf);
    const bool rendered = plot.savePng(QString::fromStdString(pngTmp), 1000, 900, 2.0) &&
                          plot.savePdf(QString::fromStdString(pdfTmp), 1000, 900) && syncedToDisk(pngTmp) &&
                          syncedToDisk(pdfTmp);
    if (!rendered || std::rename(pngTmp.c_str(), png.c_str()) != 0 || std::rename(pdfTmp.c_str(), pdf.c_str()) != 0) {
        std::remove(pngTmp.c_str());
        std::remove(pdfTmp.c_str());
        std::fprintf(stderr, "error: %s: cannot write the figure (disk full or folder not writable)\n", base.c_str());
        return 1;
    }
    return 0;
}
