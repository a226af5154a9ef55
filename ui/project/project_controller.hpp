#pragma once
// The project as a document: its file, whether it has unsaved changes, open / save / save
// as, the recent-files menu, autosave after each burst of edits and recovery after a crash.
// It knows nothing of the widgets: the window gives it the project to save (`current`) and
// shows a loaded one (`apply`).
//
// Recovery: the autosave (autosave.json in the app's data folder) carries the project's file
// name beside it (autosave.path); a recovered project is saved back to that file, and the
// autosave is removed only once the recovered work is saved (or declined).
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>

#include "project/project_file.hpp"

class QMenu;
class QUndoStack;
class QWidget;

namespace odynn::ui {

class ProjectController : public QObject {
    Q_OBJECT
public:
    struct Options {
        bool showDialogs = true;     // questions and errors in message boxes (off in tests)
        bool rememberRecent = true;  // recent files in QSettings
        int autosaveDelayMs = 3000;  // quiet time after an edit before the autosave is written
    };
    using CurrentProject = std::function<Project()>;
    using ApplyProject = std::function<void(const Project&)>;

    ProjectController(QUndoStack* undoStack, QWidget* dialogParent, Options options, CurrentProject current,
                      ApplyProject apply);

    QString path() const { return path_; }
    bool isModified() const;
    QString title() const;       // "name[*] — ODYNN Studio" for the window
    QString lastError() const { return lastError_; }

    // Shows `project` (from `path`, empty: untitled); `modified`: it exists nowhere on disk yet.
    void setProject(const Project& project, const QString& path, bool modified = false);
    void markModified();         // a change outside the undo stack (stimuli, fixed flags)

    bool open(const QString& path);
    bool saveAs(const QString& path);
    bool save();                 // asks for a file when untitled
    bool saveAsDialog();
    void openDialog();
    bool confirmDiscard();       // true when the current project may be replaced
    void attachRecentMenu(QMenu* menu);

    void offerRecovery();        // at start-up: restore an autosave left by a crash
    void autosaveNow();
    void closing();              // a normal exit: the autosave is not needed

    static QString autosavePath();

signals:
    void titleChanged(const QString& title);
    void message(const QString& text, int milliseconds);
    void error(const QString& title, const QString& text);

private:
    void changed();
    void addRecent(const QString& path);
    void refreshRecentMenu();
    void removeAutosave();
    void fail(const QString& title, const QString& text);

    QUndoStack* undoStack_;
    QWidget* parent_;
    Options options_;
    CurrentProject current_;
    ApplyProject apply_;
    QString path_;
    bool extraModified_ = false;
    QMenu* recentMenu_ = nullptr;
    QTimer autosaveTimer_;
    QString lastError_;
};

}  // namespace odynn::ui
