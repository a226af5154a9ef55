#include "fit/run_folder_place.hpp"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace odynn::ui {

QString runFolderRoot(const QString& projectPath) {
    if (projectPath.isEmpty())
        return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("fits"));
    const QFileInfo file(projectPath);
    QString stem = file.fileName();
    for (const QString& suffix : {QStringLiteral(".odynn.json"), QStringLiteral(".json")})
        if (stem.endsWith(suffix, Qt::CaseInsensitive)) {
            stem.chop(suffix.size());
            break;
        }
    return file.absoluteDir().filePath(stem + QStringLiteral(".fits"));
}

QString newRunFolder(const QString& projectPath, const QDateTime& when) {
    const QDir root(runFolderRoot(projectPath));
    const QString stamp = when.toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString name = stamp;
    for (int k = 2; root.exists(name); ++k) name = stamp + QStringLiteral("-%1").arg(k);
    return root.filePath(name);
}

}  // namespace odynn::ui
