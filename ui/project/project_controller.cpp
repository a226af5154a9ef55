#include "project/project_controller.hpp"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QUndoStack>
#include <exception>

namespace odynn::ui {

namespace {
constexpr int maxRecent = 8;

QString autosaveNamePath() { return ProjectController::autosavePath().chopped(4) + QStringLiteral("path"); }
}  // namespace

ProjectController::ProjectController(QUndoStack* undoStack, QWidget* dialogParent, Options options,
                                     CurrentProject current, ApplyProject apply)
    : QObject(dialogParent), undoStack_(undoStack), parent_(dialogParent), options_(options),
      current_(std::move(current)), apply_(std::move(apply)) {
    autosaveTimer_.setSingleShot(true);
    autosaveTimer_.setInterval(options_.autosaveDelayMs);
    connect(&autosaveTimer_, &QTimer::timeout, this, &ProjectController::autosaveNow);
    connect(undoStack_, &QUndoStack::cleanChanged, this, [this] { emit titleChanged(title()); });
    connect(undoStack_, &QUndoStack::indexChanged, this, &ProjectController::changed);
}

bool ProjectController::isModified() const { return !undoStack_->isClean() || extraModified_; }

QString ProjectController::title() const {
    const QString name = path_.isEmpty() ? tr("untitled") : QFileInfo(path_).fileName();
    return QStringLiteral("%1[*] — ODYNN Studio").arg(name);
}

void ProjectController::changed() {
    emit titleChanged(title());
    if (isModified()) autosaveTimer_.start();  // restarted by every edit of a burst
}

void ProjectController::markModified() {
    extraModified_ = true;
    changed();
}

void ProjectController::setProject(const Project& project, const QString& path, bool modified) {
    path_ = path;
    apply_(project);
    undoStack_->clear();
    undoStack_->setClean();
    extraModified_ = modified;
    autosaveTimer_.stop();
    emit titleChanged(title());
}

void ProjectController::fail(const QString& title, const QString& text) {
    lastError_ = text;
    emit error(title, text);
}

bool ProjectController::open(const QString& path) {
    try {
        setProject(loadProject(path), path);
        addRecent(path);
        emit message(tr("Opened %1").arg(path), 4000);
        return true;
    } catch (const std::exception& e) {
        fail(tr("Open project"), tr("Could not open the project.\n\n%1").arg(QString::fromUtf8(e.what())));
        return false;
    }
}

bool ProjectController::saveAs(const QString& path) {
    try {
        saveProject(current_(), path);
    } catch (const std::exception& e) {
        fail(tr("Save project"), tr("Could not save the project.\n\n%1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    path_ = path;
    extraModified_ = false;
    undoStack_->setClean();
    autosaveTimer_.stop();
    removeAutosave();  // saved: recovered work included, nothing is left to recover
    addRecent(path);
    emit titleChanged(title());
    emit message(tr("Saved %1").arg(path), 4000);
    return true;
}

bool ProjectController::save() { return path_.isEmpty() ? saveAsDialog() : saveAs(path_); }

bool ProjectController::saveAsDialog() {
    // Projects are "*.odynn.json", the pattern the desktop's MIME type registers.
    QString path = QFileDialog::getSaveFileName(parent_, tr("Save project"), path_,
                                                tr("ODYNN projects (*.odynn.json);;JSON files (*.json)"));
    if (path.isEmpty()) return false;
    if (!path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive))
        path += path.endsWith(QLatin1Char('.')) ? QStringLiteral("odynn.json") : QStringLiteral(".odynn.json");
    return saveAs(path);
}

void ProjectController::openDialog() {
    if (!confirmDiscard()) return;
    const QString path = QFileDialog::getOpenFileName(parent_, tr("Open project"), QString(),
                                                      tr("ODYNN circuits (*.json);;All files (*)"));
    if (!path.isEmpty()) open(path);
}

bool ProjectController::confirmDiscard() {
    if (!isModified() || !options_.showDialogs) return true;
    const auto answer = QMessageBox::warning(
        parent_, tr("Unsaved changes"), tr("The circuit has unsaved changes. Save them first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) return save();
    return answer == QMessageBox::Discard;
}

void ProjectController::attachRecentMenu(QMenu* menu) {
    recentMenu_ = menu;
    refreshRecentMenu();
}

void ProjectController::addRecent(const QString& path) {
    if (!options_.rememberRecent) return;
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > maxRecent) recent.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), recent);
    refreshRecentMenu();
}

void ProjectController::refreshRecentMenu() {
    if (!recentMenu_) return;
    recentMenu_->clear();
    const QStringList recent =
        options_.rememberRecent ? QSettings().value(QStringLiteral("recentFiles")).toStringList() : QStringList();
    for (const QString& path : recent) {
        recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] {
            if (confirmDiscard()) open(path);
        })->setToolTip(path);
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

QString ProjectController::autosavePath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("autosave.json"));
}

void ProjectController::autosaveNow() {
    if (!isModified()) return;
    QDir().mkpath(QFileInfo(autosavePath()).absolutePath());
    try {
        saveProject(current_(), autosavePath());
        QSaveFile name(autosaveNamePath());  // the project's own file, for recovery
        if (name.open(QIODevice::WriteOnly)) {
            name.write(path_.toUtf8());
            name.commit();
        }
    } catch (const std::exception& e) {
        emit message(tr("Autosave failed: %1").arg(QString::fromUtf8(e.what())), 8000);
    }
}

void ProjectController::removeAutosave() {
    QFile::remove(autosavePath());
    QFile::remove(autosaveNamePath());
}

void ProjectController::offerRecovery() {
    if (!QFile::exists(autosavePath())) return;
    QString original;
    if (QFile name(autosaveNamePath()); name.open(QIODevice::ReadOnly)) original = QString::fromUtf8(name.readAll());
    const QString what = original.isEmpty() ? tr("an untitled circuit") : QFileInfo(original).fileName();
    const auto answer = !options_.showDialogs
                            ? QMessageBox::Yes
                            : QMessageBox::question(parent_, tr("Recover unsaved work"),
                                                    tr("ODYNN Studio did not close normally last time. Restore the "
                                                       "autosaved work on %1?")
                                                        .arg(what),
                                                    QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) {
        removeAutosave();
        return;
    }
    try {
        // Saved back to its own file; the autosave stays until then.
        setProject(loadProject(autosavePath()), original, true);
        emit message(tr("Recovered unsaved work on %1; save it to keep it.").arg(what), 10000);
    } catch (const std::exception& e) {
        fail(tr("Recover"), tr("The autosave could not be read:\n%1").arg(QString::fromUtf8(e.what())));
    }
}

void ProjectController::closing() {
    autosaveTimer_.stop();
    // Recovered work the user chose not to save was discarded knowingly: nothing to recover.
    removeAutosave();
}

}  // namespace odynn::ui
