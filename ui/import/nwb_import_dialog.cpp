#include "import/nwb_import_dialog.hpp"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>
#include <map>
#include <qcustomplot.h>

namespace odynn::ui {

namespace {

constexpr int PathRole = Qt::UserRole + 1;  // a series item's HDF5 path
constexpr int maxPreviewPoints = 20000;

QString timing(const NwbSeriesInfo& s) {
    if (s.hasTimestamps) return QObject::tr("timestamps");
    return QObject::tr("%1 Hz").arg(s.rate, 0, 'g', 6);
}

QString shapeText(const NwbSeriesInfo& s) {
    QStringList dims;
    for (auto d : s.shape) dims << QString::number(d);
    return dims.join(QStringLiteral(" × "));
}

bool isStimulus(const NwbSeriesInfo& s) {
    return s.neurodataType == "CurrentClampStimulusSeries" || s.unit == "amperes" || s.unit == "A";
}

}  // namespace

NwbImportDialog::NwbImportDialog(const QStringList& neurons, double dt, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Import NWB Recording"));
    fileLabel_ = new QLabel(this);
    fileLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    tree_ = new QTreeWidget(this);
    tree_->setColumnCount(5);
    tree_->setHeaderLabels({tr("Series"), tr("Type"), tr("Unit"), tr("Timing"), tr("Shape")});
    tree_->setToolTip(tr("Every TimeSeries of the file by group; other neurodata types are not listed. Choose a "
                         "CurrentClampSeries (target V) or a RoiResponseSeries (target calcium)"));
    tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree_->setMinimumWidth(420);

    neuron_ = new QComboBox(this);
    neuron_->addItems(neurons);
    neuron_->setToolTip(tr("The neuron the recording is of; it receives the stimulus"));
    roi_ = new QComboBox(this);
    roi_->setToolTip(tr("The ROI (column) of a series with several, by index and label"));
    stimulus_ = new QComboBox(this);
    stimulus_->setToolTip(tr("The injected current (CurrentClampStimulusSeries, amperes → pA); none: 0"));
    dt_ = new QDoubleSpinBox(this);
    dt_->setRange(1e-4, 1e4);
    dt_->setDecimals(4);
    dt_->setSuffix(tr(" ms"));
    dt_->setValue(dt > 0 ? dt : 0.1);
    dt_->setKeyboardTracking(false);
    dt_->setToolTip(tr("Time step of the target (the circuit's dt): samples at another interval are resampled with "
                       "the smoothing spline of the calcium import"));

    info_ = new QLabel(this);
    info_->setWordWrap(true);
    errorLabel_ = new QLabel(this);
    errorLabel_->setWordWrap(true);
    errorLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
    errorLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorLabel_->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Neuron"), neuron_);
    form->addRow(tr("ROI"), roi_);
    form->addRow(tr("Stimulus"), stimulus_);
    form->addRow(tr("Time step"), dt_);

    plot_ = new QCustomPlot(this);
    plot_->setMinimumSize(420, 220);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->xAxis->setLabel(tr("time from the first sample (ms)"));
    plot_->yAxis->setLabel(tr("target"));
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(tr("stimulus (pA)"));
    QCPGraph* stim = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    stim->setPen(QPen(QColor(230, 140, 30, 170), 1.2));
    QCPGraph* trace = plot_->addGraph();
    trace->setPen(QPen(QColor(20, 90, 200), 1.5));

    auto* left = new QVBoxLayout;
    left->addWidget(fileLabel_);
    left->addWidget(tree_, 1);
    auto* right = new QVBoxLayout;
    right->addLayout(form);
    right->addWidget(plot_, 1);
    right->addWidget(info_);
    right->addWidget(errorLabel_);
    auto* body = new QHBoxLayout;
    body->addLayout(left, 1);
    body->addLayout(right, 1);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Use as Fitting Target"));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(body, 1);
    layout->addWidget(buttons_);

    connect(buttons_, &QDialogButtonBox::accepted, this, &NwbImportDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(tree_, &QTreeWidget::currentItemChanged, this, &NwbImportDialog::seriesChanged);
    connect(roi_, &QComboBox::currentIndexChanged, this, &NwbImportDialog::updatePreview);
    connect(stimulus_, &QComboBox::currentIndexChanged, this, &NwbImportDialog::updatePreview);
    connect(dt_, &QDoubleSpinBox::valueChanged, this, &NwbImportDialog::updatePreview);
    resize(1000, 560);
}

bool NwbImportDialog::setFile(const QString& path) {
    file_ = path;
    fileLabel_->setText(QFileInfo(path).fileName());
    tree_->clear();
    stimulus_->clear();
    series_.clear();
    try {
        series_ = listNwbSeries(path.toStdString());
    } catch (const std::exception& e) {
        setError(QString::fromUtf8(e.what()));
        return false;
    }
    if (series_.empty()) {
        setError(tr("%1 holds no TimeSeries this reader knows.").arg(QFileInfo(path).fileName()));
        return false;
    }
    // Groups become tree nodes so that the file's layout (acquisition, stimulus, processing) shows.
    std::map<QString, QTreeWidgetItem*> groups;
    auto groupItem = [&](const QString& groupPath, auto& self) -> QTreeWidgetItem* {
        if (groupPath.isEmpty()) return nullptr;
        if (auto it = groups.find(groupPath); it != groups.end()) return it->second;
        const int slash = groupPath.lastIndexOf(QLatin1Char('/'));
        QTreeWidgetItem* parent = self(groupPath.left(std::max(slash, 0)), self);
        auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree_);
        item->setText(0, groupPath.mid(slash + 1));
        item->setFlags(Qt::ItemIsEnabled);
        item->setExpanded(true);
        groups[groupPath] = item;
        return item;
    };
    stimulus_->addItem(tr("(none: i_inj = 0)"));
    QTreeWidgetItem* firstTarget = nullptr;
    for (const NwbSeriesInfo& s : series_) {
        const QString path = QString::fromStdString(s.path);
        const int slash = path.lastIndexOf(QLatin1Char('/'));
        QTreeWidgetItem* parent = groupItem(path.left(slash).mid(1), groupItem);
        auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree_);
        item->setText(0, path.mid(slash + 1));
        item->setText(1, QString::fromStdString(s.neurodataType));
        item->setText(2, QString::fromStdString(s.unit));
        item->setText(3, timing(s));
        item->setText(4, shapeText(s));
        item->setData(0, PathRole, path);
        item->setToolTip(0, path);
        if (isStimulus(s)) stimulus_->addItem(path, path);
        const bool target = s.neurodataType == "RoiResponseSeries" || s.neurodataType == "CurrentClampSeries";
        if (target && !firstTarget) firstTarget = item;
    }
    tree_->expandAll();
    if (firstTarget) tree_->setCurrentItem(firstTarget);
    // A stimulus with the target's timing is most likely the one applied.
    if (stimulus_->count() > 1) stimulus_->setCurrentIndex(1);
    setError(QString());
    updatePreview();
    return true;
}

bool NwbImportDialog::selectSeries(const QString& path) {
    for (QTreeWidgetItemIterator it(tree_); *it; ++it)
        if ((*it)->data(0, PathRole).toString() == path) {
            tree_->setCurrentItem(*it);
            return true;
        }
    return false;
}

const NwbSeriesInfo* NwbImportDialog::current() const {
    const QTreeWidgetItem* item = tree_->currentItem();
    if (!item) return nullptr;
    const std::string path = item->data(0, PathRole).toString().toStdString();
    for (const NwbSeriesInfo& s : series_)
        if (s.path == path) return &s;
    return nullptr;
}

void NwbImportDialog::seriesChanged() {
    {
        const QSignalBlocker block(roi_);
        roi_->clear();
        if (const NwbSeriesInfo* s = current(); s && s->shape.size() == 2) {
            for (unsigned long long k = 0; k < s->shape[1]; ++k) {
                const QString label = k < s->roiLabels.size() ? QString::fromStdString(s->roiLabels[k]) : QString();
                roi_->addItem(label.isEmpty() ? QString::number(k) : QStringLiteral("%1  %2").arg(k).arg(label),
                              QString::number(k));
            }
            // The ROI named like the neuron, if any (WormID labels are neuron names).
            const int match = int(std::find(s->roiLabels.begin(), s->roiLabels.end(), neuron().toStdString()) -
                                  s->roiLabels.begin());
            if (match < int(s->roiLabels.size())) roi_->setCurrentIndex(match);
        }
        roi_->setEnabled(roi_->count() > 1);
    }
    updatePreview();
}

NwbImportOptions NwbImportDialog::options() const {
    NwbImportOptions o;
    if (const NwbSeriesInfo* s = current()) o.series = s->path;
    o.roi = roi_->currentData().toString().toStdString();
    o.stimulus = stimulus_->currentData().toString().toStdString();
    o.dt = dt_->value();
    return o;
}

QString NwbImportDialog::neuron() const { return neuron_->currentText(); }

void NwbImportDialog::setError(const QString& text) {
    error_ = text;
    errorLabel_->setText(text);
    errorLabel_->setVisible(!text.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(text.isEmpty() && current() && neuron_->count() > 0);
}

void NwbImportDialog::updatePreview() {
    plot_->graph(0)->data()->clear();
    plot_->graph(1)->data()->clear();
    const NwbSeriesInfo* s = current();
    if (!s) {
        info_->setText(tr("Choose a series."));
        setError(QString());
        plot_->replot();
        return;
    }
    NwbImportOptions o = options();
    o.dt.reset();  // the samples as recorded
    try {
        const NwbFittingData d = importNwb(file_.toStdString(), o);
        const size_t stride = std::max<size_t>(1, d.t.size() / maxPreviewPoints);
        QVector<double> x, y, c;
        for (size_t k = 0; k < d.t.size(); k += stride) {
            x << d.t[k];
            y << d.target[k];
            c << d.current[k];
        }
        plot_->graph(1)->setData(x, y, true);
        plot_->graph(0)->setData(x, c, true);
        plot_->graph(1)->setName(QString::fromStdString(d.targetColumn));
        plot_->yAxis->setLabel(d.targetColumn == "V" ? tr("V (mV)") : tr("calcium / fluorescence"));
        plot_->rescaleAxes();
        info_->setText(tr("%1: %L2 samples over %3 ms → target %4 of %5 at dt %6 ms.")
                           .arg(QString::fromStdString(s->path))
                           .arg(d.t.size())
                           .arg(d.t.empty() ? 0.0 : d.t.back(), 0, 'f', 1)
                           .arg(QString::fromStdString(d.targetColumn), neuron())
                           .arg(dt_->value()));
        setError(QString());
    } catch (const std::exception& e) {
        info_->setText(QString::fromStdString(s->path));
        setError(QString::fromUtf8(e.what()));
    }
    plot_->replot();
}

std::optional<TargetTrace> NwbImportDialog::target() const {
    if (accepted_) return accepted_;
    if (!current() || neuron_->count() == 0) return std::nullopt;
    const NwbFittingData d = importNwb(file_.toStdString(), options());
    TargetTrace t;
    t.source = file_;
    t.time = d.t;
    t.columns.push_back(TargetColumn{neuron(), d.targetColumn == "cac", d.target});
    t.currents.emplace_back(neuron(), d.current);
    return t;
}

void NwbImportDialog::accept() {
    if (!error_.isEmpty() || !current()) return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        accepted_ = target();
    } catch (const std::exception& e) {
        setError(QString::fromUtf8(e.what()));
    }
    QApplication::restoreOverrideCursor();
    if (accepted_) QDialog::accept();
}

}  // namespace odynn::ui
