// The project as a document: autosave after an edit burst, recovery that keeps the project's
// file name, and an autosave that is removed only once the recovered work is saved.
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "project/project_controller.hpp"

using namespace odynn::ui;

namespace {

ProjectController::Options quietOptions() {
    ProjectController::Options o;
    o.showDialogs = false;
    o.rememberRecent = false;
    o.autosaveDelayMs = 20;
    return o;
}

}  // namespace

class TestProjectController : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QFile::remove(ProjectController::autosavePath()); }

    void recoveryKeepsTheFileAndTheAutosaveUntilSaved() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tap.json"));
        Project shown = exampleProject();
        QUndoStack undo;
        {
            ProjectController crashed(&undo, nullptr, quietOptions(), [&] { return shown; },
                                      [&](const Project& p) { shown = p; });
            crashed.setProject(shown, path);
            QVERIFY(crashed.saveAs(path));
            shown.circuit.neurons.front().label = "EDITED";
            crashed.markModified();  // an edit; the autosave follows after a quiet moment
            QTRY_VERIFY(QFile::exists(ProjectController::autosavePath()));
        }  // no closing(): the app crashed

        Project recovered;
        QUndoStack undo2;
        ProjectController next(&undo2, nullptr, quietOptions(), [&] { return recovered; },
                               [&](const Project& p) { recovered = p; });
        next.offerRecovery();
        QCOMPARE(next.path(), path);  // saved back to its own file, not "untitled"
        QCOMPARE(recovered.circuit.neurons.front().label, std::string("EDITED"));
        QVERIFY(next.isModified());
        QVERIFY2(QFile::exists(ProjectController::autosavePath()), "removed before the recovered work was saved");
        QVERIFY(next.save());
        QVERIFY(!QFile::exists(ProjectController::autosavePath()));
        QCOMPARE(loadProject(path).circuit.neurons.front().label, std::string("EDITED"));
    }

    void cleanExitLeavesNothingToRecover() {
        Project shown = exampleProject();
        QUndoStack undo;
        ProjectController c(&undo, nullptr, quietOptions(), [&] { return shown; }, [&](const Project& p) { shown = p; });
        c.setProject(shown, QString());
        c.markModified();
        c.autosaveNow();
        QVERIFY(QFile::exists(ProjectController::autosavePath()));
        c.closing();
        QVERIFY(!QFile::exists(ProjectController::autosavePath()));
    }

    void badFileIsNamed() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ not json");
        f.close();
        Project shown;
        QUndoStack undo;
        ProjectController c(&undo, nullptr, quietOptions(), [&] { return shown; }, [&](const Project& p) { shown = p; });
        QVERIFY(!c.open(path));
        QVERIFY2(c.lastError().contains(QStringLiteral("broken.json")), qPrintable(c.lastError()));
    }
};

QTEST_MAIN(TestProjectController)
#include "test_project_controller.moc"
