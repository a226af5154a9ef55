// ODYNN Studio desktop application.
//   odynn [PROJECT.json]
//   odynn --screenshot FILE.png [--project PROJECT.json] [--fit-epochs N] [--fit-population P]
// The screenshot mode opens the window with the example (or the given project), runs one
// simulation synchronously, saves the rendered window and exits; the README's figure and a
// test use it. With --fit-epochs it then starts a self-fit in the background, lets the event
// loop draw the live fit plots until N epochs are done, and captures the window mid-run.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QPixmap>
#include <QScreen>
#include <QSpinBox>
#include <QTextStream>
#include <QTimer>
#include <cstring>
#include <memory>

#include "editor/circuit_view.hpp"
#include "fit/fit_live_plots.hpp"
#include "fit/fit_panel.hpp"
#include "window/main_window.hpp"

namespace {

// Runs a self-fit with the event loop turning, as a user would watch it, until `epochs` are
// done; false when it fails or takes longer than `limitMs`.
bool runLiveFit(odynn::ui::MainWindow& window, int epochs, int population, int limitMs) {
    odynn::ui::FitPanel* fit = window.fitPanel();
    window.showFitView();
    fit->populationBox()->setValue(population);
    fit->epochsBox()->setValue(epochs + 1);  // still running when captured
    fit->startFit();
    if (!fit->worker()->isRunning()) return false;
    QElapsedTimer clock;
    clock.start();
    while (fit->livePlots()->lossPointCount() < epochs * population && clock.elapsed() < limitMs)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    // Let the bounded-rate redraw timer (100 ms) draw the latest epochs. Waiting for a count of
    // further redraws would wait forever when every epoch arrived in one batch: the timer redraws
    // only when something new has arrived.
    while (fit->livePlots()->redrawPending() && clock.elapsed() < limitMs)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    QApplication::processEvents();
    return clock.elapsed() < limitMs;
}

int takeScreenshot(const QString& file, const QString& project, int fitEpochs, int fitPopulation) {
    odynn::ui::MainWindow::Options options;
    options.restoreSettings = false;
    options.offerRecovery = false;
    options.autoSimulate = false;
    options.showDialogs = false;
    options.writeFitRuns = false;
    odynn::ui::MainWindow window(options);
    QTextStream err(stderr);
    if (!project.isEmpty() && !window.openProject(project)) {
        err << "odynn: cannot open " << project << "\n";
        return 1;
    }
    window.resize(1400, 900);
    window.show();
    // Let the window lay out its docks before rendering.
    for (int i = 0; i < 3; ++i) QApplication::processEvents();
    if (!window.simulateNow()) {
        err << "odynn: the simulation failed\n";
        return 1;
    }
    window.view()->fitContent();
    QApplication::processEvents();
    if (fitEpochs > 0 && !runLiveFit(window, fitEpochs, fitPopulation, 120'000)) {
        err << "odynn: the fit did not reach " << fitEpochs << " epochs\n";
        return 1;
    }
    const bool saved = window.grab().save(file);
    window.fitPanel()->stopFit();
    if (!saved) {
        err << "odynn: cannot write " << file << "\n";
        return 1;
    }
    return 0;
}

// --help and --version only print: they need no display, so they get no GUI application (which
// aborts where there is no display).
bool printsOnly(int argc, char* argv[]) {
    for (int i = 1; i < argc; ++i)
        for (const char* option : {"-h", "--help", "--help-all", "-v", "--version"})
            if (std::strcmp(argv[i], option) == 0) return true;
    return false;
}

}  // namespace

int main(int argc, char* argv[]) {
    const std::unique_ptr<QCoreApplication> app =
        printsOnly(argc, argv) ? std::make_unique<QCoreApplication>(argc, argv) : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ODYNN"));
    QCoreApplication::setApplicationName(QStringLiteral("ODYNN Studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ODYNN_VERSION));
    if (qobject_cast<QApplication*>(app.get())) QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/odynn.png")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Simulate and fit C. elegans neural circuits."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Render the window after one simulation to FILE and exit."),
                                  QStringLiteral("FILE"));
    QCommandLineOption project(QStringLiteral("project"), QStringLiteral("Project to open with --screenshot."),
                               QStringLiteral("PROJECT"));
    QCommandLineOption fitEpochs(QStringLiteral("fit-epochs"),
                                 QStringLiteral("With --screenshot: run a live self-fit for N epochs first."),
                                 QStringLiteral("N"), QStringLiteral("0"));
    QCommandLineOption fitPopulation(QStringLiteral("fit-population"),
                                     QStringLiteral("With --fit-epochs: parameter sets of the fit (default 30)."),
                                     QStringLiteral("P"), QStringLiteral("30"));
    parser.addOption(screenshot);
    parser.addOption(project);
    parser.addOption(fitEpochs);
    parser.addOption(fitPopulation);
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("Project file to open."), QStringLiteral("[PROJECT]"));
    parser.process(*app);

    if (parser.isSet(screenshot)) return takeScreenshot(parser.value(screenshot), parser.value(project),
                                                         parser.value(fitEpochs).toInt(), parser.value(fitPopulation).toInt());

    // Without a project to open, the welcome view offers the examples.
    odynn::ui::MainWindow::Options options;
    options.showWelcome = parser.positionalArguments().isEmpty();
    odynn::ui::MainWindow window(options);
    if (!parser.positionalArguments().isEmpty()) window.openProject(parser.positionalArguments().first());
    // On a screen smaller than the window's default size (1366 x 768, 1280 x 720) the window
    // manager's frame would push the status bar off the screen: take the whole screen instead.
    const QRect available = window.screen()->availableGeometry();
    if (window.width() >= available.width() || window.height() >= available.height())
        window.showMaximized();
    else
        window.show();
    return app->exec();
}
