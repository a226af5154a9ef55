// ODYNN Studio desktop application.
//   odynn [PROJECT.json]
//   odynn --screenshot FILE.png [--project PROJECT.json]
// The screenshot mode opens the window with the example (or the given project), runs one
// simulation synchronously, saves the rendered window and exits; the README's figure and a
// test use it.
#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

#include "circuit_view.hpp"
#include "main_window.hpp"

namespace {

int takeScreenshot(const QString& file, const QString& project) {
    odynn::ui::MainWindow::Options options;
    options.restoreSettings = false;
    options.offerRecovery = false;
    options.autoSimulate = false;
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
    if (!window.grab().save(file)) {
        err << "odynn: cannot write " << file << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ODYNN"));
    QApplication::setApplicationName(QStringLiteral("ODYNN Studio"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/odynn.png")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Simulate and fit C. elegans neural circuits."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Render the window after one simulation to FILE and exit."),
                                  QStringLiteral("FILE"));
    QCommandLineOption project(QStringLiteral("project"), QStringLiteral("Project to open with --screenshot."),
                               QStringLiteral("PROJECT"));
    parser.addOption(screenshot);
    parser.addOption(project);
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("Project file to open."), QStringLiteral("[PROJECT]"));
    parser.process(app);

    if (parser.isSet(screenshot)) return takeScreenshot(parser.value(screenshot), parser.value(project));

    odynn::ui::MainWindow window;
    if (!parser.positionalArguments().isEmpty()) window.openProject(parser.positionalArguments().first());
    window.show();
    return app.exec();
}
