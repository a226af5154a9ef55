#pragma once
// Where the app's fits write their run folders: "<project>.fits/<yyyyMMdd-HHmmss>/" beside
// the project file ("tap.odynn.json" -> "tap.fits/"), or "fits/<time>/" in the app's data
// folder while the project has no file yet. A second fit in the same second gets "-2", "-3".
#include <QDateTime>
#include <QString>

namespace odynn::ui {

QString runFolderRoot(const QString& projectPath);
QString newRunFolder(const QString& projectPath, const QDateTime& when = QDateTime::currentDateTime());

}  // namespace odynn::ui
