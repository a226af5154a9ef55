#include "plots/figure_export_dialog.hpp"

#include <QComboBox>
#include <QDir>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <algorithm>

namespace odynn::ui {

namespace {
constexpr double mmPerInch = 25.4;
FigureSettings lastSettings;  // this session's previous choice
QString lastDirectory;
}  // namespace

FigureExportDialog::FigureExportDialog(const QStringList& figures, int current, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Export figure"));
    figure_ = new QComboBox(this);
    figure_->addItems(figures);
    figure_->setCurrentIndex(std::clamp(current, 0, static_cast<int>(figures.size()) - 1));
    path_ = new QLineEdit(this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    format_ = new QComboBox(this);
    for (const QString& f : figureFormats()) format_->addItem(f.toUpper(), f);
    width_ = new QDoubleSpinBox(this);
    height_ = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : {width_, height_}) {
        box->setRange(10, 20000);
        box->setDecimals(1);
    }
    unit_ = new QComboBox(this);
    unit_->addItem(tr("mm"));
    unit_->addItem(tr("px"));
    dpi_ = new QSpinBox(this);
    dpi_->setRange(50, 1200);
    dpi_->setSuffix(tr(" dpi"));
    dpi_->setToolTip(tr("Dots per inch of the PNG; also converts between mm and px"));
    font_ = new QDoubleSpinBox(this);
    font_->setRange(4, 36);
    font_->setDecimals(1);
    font_->setSuffix(tr(" pt"));
    font_->setToolTip(tr("Size of the plot's tick labels, axis labels and legend"));
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);

    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(path_, 1);
    fileRow->addWidget(browse);
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(width_);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(height_);
    sizeRow->addWidget(unit_);
    auto* form = new QFormLayout;
    form->addRow(tr("Figure"), figure_);
    form->addRow(tr("File"), fileRow);
    form->addRow(tr("Format"), format_);
    form->addRow(tr("Size"), sizeRow);
    form->addRow(tr("Resolution"), dpi_);
    form->addRow(tr("Font size"), font_);
    form->addRow(QString(), summary_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    setSettings(lastSettings);
    if (!lastDirectory.isEmpty()) path_->setText(QDir(lastDirectory).filePath(QStringLiteral("figure.png")));

    connect(browse, &QPushButton::clicked, this, &FigureExportDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &FigureExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(unit_, &QComboBox::currentIndexChanged, this, &FigureExportDialog::onUnitChanged);
    connect(format_, &QComboBox::currentIndexChanged, this, [this] {
        // The file's suffix follows the format.
        const QString text = path_->text();
        if (text.isEmpty()) return;
        const QFileInfo info(text);
        path_->setText(QDir(info.path()).filePath(info.completeBaseName() + QLatin1Char('.') + format_->currentData().toString()));
        updateSummary();
    });
    connect(path_, &QLineEdit::textEdited, this, [this](const QString& text) {
        const int i = format_->findData(QFileInfo(text).suffix().toLower());
        if (i >= 0) format_->setCurrentIndex(i);
    });
    for (QDoubleSpinBox* box : {width_, height_, font_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &FigureExportDialog::updateSummary);
    connect(dpi_, &QSpinBox::valueChanged, this, &FigureExportDialog::updateSummary);
    updateSummary();
}

int FigureExportDialog::figure() const { return figure_->currentIndex(); }

QString FigureExportDialog::path() const {
    QString p = path_->text().trimmed();
    const QString suffix = format_->currentData().toString();
    if (!p.isEmpty() && QFileInfo(p).suffix().toLower() != suffix) p += QLatin1Char('.') + suffix;
    return p;
}

FigureSettings FigureExportDialog::settings() const {
    FigureSettings s;
    s.width = width_->value();
    s.height = height_->value();
    s.unit = unit_->currentIndex() == 0 ? FigureSettings::Unit::Millimetres : FigureSettings::Unit::Pixels;
    s.dpi = dpi_->value();
    s.fontPoints = font_->value();
    return s;
}

void FigureExportDialog::setPath(const QString& path) {
    path_->setText(path);
    const int i = format_->findData(QFileInfo(path).suffix().toLower());
    if (i >= 0) format_->setCurrentIndex(i);
}

void FigureExportDialog::setSettings(const FigureSettings& s) {
    shownUnit_ = s.unit;
    unit_->blockSignals(true);
    unit_->setCurrentIndex(s.unit == FigureSettings::Unit::Millimetres ? 0 : 1);
    unit_->blockSignals(false);
    width_->setValue(s.width);
    height_->setValue(s.height);
    dpi_->setValue(s.dpi);
    font_->setValue(s.fontPoints);
    updateSummary();
}

void FigureExportDialog::onUnitChanged() {
    // Keep the physical size: convert the numbers shown with the DPI.
    const FigureSettings::Unit unit = unit_->currentIndex() == 0 ? FigureSettings::Unit::Millimetres : FigureSettings::Unit::Pixels;
    if (unit == shownUnit_) return;
    const double factor = unit == FigureSettings::Unit::Pixels ? dpi_->value() / mmPerInch : mmPerInch / dpi_->value();
    width_->setValue(width_->value() * factor);
    height_->setValue(height_->value() * factor);
    shownUnit_ = unit;
    updateSummary();
}

void FigureExportDialog::updateSummary() {
    const FigureSettings s = settings();
    summary_->setText(tr("%1 × %2 mm; PNG %3 × %4 px at %5 dpi")
                          .arg(s.widthMm(), 0, 'f', 1)
                          .arg(s.heightMm(), 0, 'f', 1)
                          .arg(s.pixels().width())
                          .arg(s.pixels().height())
                          .arg(s.dpi));
}

void FigureExportDialog::browse() {
    const QString suffix = format_->currentData().toString();
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Export figure"), path_->text(), figureFileFilter());
    if (chosen.isEmpty()) return;
    setPath(QFileInfo(chosen).suffix().isEmpty() ? chosen + QLatin1Char('.') + suffix : chosen);
}

void FigureExportDialog::accept() {
    if (path().isEmpty()) {
        QMessageBox::warning(this, windowTitle(), tr("Choose a file to write."));
        return;
    }
    lastSettings = settings();
    lastDirectory = QFileInfo(path()).absolutePath();
    QDialog::accept();
}

}  // namespace odynn::ui
