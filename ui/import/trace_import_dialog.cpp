#include "import/trace_import_dialog.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>
#include <initializer_list>
#include <qcustomplot.h>

namespace odynn::ui {

namespace {

// Enough points to show the spline's shape between samples without redrawing a million of them.
constexpr double maxPreviewPoints = 20000;

QDoubleSpinBox* spin(QWidget* parent, double lo, double hi, int decimals, double value, const QString& tip,
                     const QString& suffix = {}) {
    auto* s = new QDoubleSpinBox(parent);
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setValue(value);
    s->setToolTip(tip);
    s->setSuffix(suffix);
    s->setKeyboardTracking(false);  // one preview per finished number, not per keystroke
    return s;
}

}  // namespace

bool isCalciumRecording(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return false;
    const QStringList header = QString::fromUtf8(f.readLine()).trimmed().split(QLatin1Char(','));
    QStringList names;
    for (const QString& h : header) names << h.trimmed().remove(QLatin1Char('"'));
    return names.contains(QStringLiteral("timeVector")) && names.contains(QStringLiteral("trace"));
}

TraceImportDialog::TraceImportDialog(const QStringList& neurons, const QString& neuron, double dt, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Import Calcium Trace"));
    const TraceImportOptions defaults;

    path_ = new QLineEdit(this);
    path_->setPlaceholderText(tr("Recording CSV: trace, inputCurrent, timeVector (s)"));
    path_->setToolTip(tr("Calcium-imaging recording, e.g. AVAL1.csv; press Enter after typing a path"));
    auto* browseButton = new QPushButton(tr("Browse…"), this);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(path_, 1);
    fileRow->addWidget(browseButton);

    neuron_ = new QComboBox(this);
    neuron_->addItems(neurons);
    neuron_->setToolTip(tr("The neuron whose calcium the recording is, and who receives the recorded current"));
    int pick = neurons.indexOf(neuron);
    if (pick < 0)
        for (int k = 0; k < neurons.size() && pick < 0; ++k)
            if (neurons[k].startsWith(QStringLiteral("AVA"))) pick = k;  // the ODYNN recordings are of AVAL
    neuron_->setCurrentIndex(std::max(0, pick));

    preparation_ = new QComboBox(this);
    preparation_->addItem(tr("Scale, window and resample (below)"));
    preparation_->addItem(tr("ODYNN get_real_data: 5 training windows"));
    preparation_->setToolTip(
        tr("ODYNN's own preparation: the first 3100 samples at 8 ms each; 5 windows of 500 samples starting at 0, 0, "
           "420, 1140 and 2400, trace x10 smoothed (s = 0.25) and current x10 interpolated, each over 0–4000 ms at the "
           "time step below: 5 targets (batch entries). Its test set is all 3100 samples (odynn-cli import-trace "
           "--preset odynn writes it)"));

    timeScale_ = spin(this, 1e-6, 1e9, 3, defaults.timeScale, tr("Factor from the file's time unit to ms (1000: seconds)"));
    traceScale_ = spin(this, -1e9, 1e9, 4, defaults.traceScale,
                       tr("Factor on the fluorescence trace (ODYNN: 10; 1 with the Hill transform, whose α = 2 is for raw "
                          "fluorescence)"));
    currentScale_ = spin(this, -1e9, 1e9, 4, defaults.currentScale, tr("Factor on the input current (ODYNN: 10)"));
    dt_ = spin(this, 1e-4, 1e4, 4, dt > 0 ? dt : defaults.dt,
               tr("Time step of the target (ms); the circuit's dt, so every simulated step has a target value"),
               tr(" ms"));
    smoothing_ = spin(this, 0, 1e6, 3, defaults.traceSmoothing,
                      tr("Smoothing factor s of the cubic spline through the trace (scipy splrep; ODYNN: 0.25; 0 "
                         "interpolates). The current is always interpolated (s = 0)"));
    smoothing_->setSingleStep(0.05);
    hill_ = new QCheckBox(tr("Fluorescence to calcium (Hill)"), this);
    hill_->setToolTip(tr("cac = max(0, −k F / (F − α))^(1/n) with k = 189e-6, n = 3.8, α = 2, applied to the scaled "
                         "samples before smoothing"));

    window_ = new QComboBox(this);
    window_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    window_->setMinimumContentsLength(24);
    window_->setToolTip(tr("Samples used for the target; it starts at t = 0 at the first of them. ODYNN trained on "
                           "windows of 500 samples and tested on the whole recording"));
    start_ = spin(this, -1e12, 1e12, 3, 0, tr("Window start on the scaled time axis (ms)"), tr(" ms"));
    end_ = spin(this, -1e12, 1e12, 3, 0, tr("Window end on the scaled time axis (ms)"), tr(" ms"));
    auto* windowRow = new QHBoxLayout;
    windowRow->addWidget(start_, 1);
    windowRow->addWidget(new QLabel(tr("to"), this));
    windowRow->addWidget(end_, 1);

    info_ = new QLabel(this);
    info_->setWordWrap(true);
    errorLabel_ = new QLabel(this);
    errorLabel_->setWordWrap(true);
    errorLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
    errorLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorLabel_->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("File"), fileRow);
    form->addRow(tr("Neuron"), neuron_);
    form->addRow(tr("Preparation"), preparation_);
    form->addRow(tr("Time scale"), timeScale_);
    form->addRow(tr("Trace scale"), traceScale_);
    form->addRow(tr("Current scale"), currentScale_);
    form->addRow(tr("Time step"), dt_);
    form->addRow(tr("Smoothing s"), smoothing_);
    form->addRow(QString(), hill_);
    form->addRow(tr("Window"), window_);
    form->addRow(QString(), windowRow);

    plot_ = new QCustomPlot(this);
    plot_->setMinimumSize(420, 260);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->xAxis->setLabel(tr("time in the recording (ms)"));
    plot_->yAxis->setLabel(tr("target (trace × scale, or cac)"));
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(tr("current (× scale)"));
    plot_->legend->setVisible(true);
    plot_->legend->setFont(QFont(font().family(), std::max(7, font().pointSize() - 1)));
    // The legend goes under the plot: inside it would hide part of the trace.
    plot_->axisRect()->insetLayout()->take(plot_->legend);
    plot_->plotLayout()->addElement(1, 0, plot_->legend);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->plotLayout()->setRowStretchFactor(1, 0.001);
    QCPGraph* current = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    current->setName(tr("current (resampled)"));
    current->setPen(QPen(QColor(230, 140, 30, 170), 1.2));
    QCPGraph* recorded = plot_->addGraph();
    recorded->setName(tr("recorded samples"));
    recorded->setPen(QPen(QColor(120, 120, 120), 0.8));
    recorded->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(90, 90, 90), 3));
    QCPGraph* resampledGraph = plot_->addGraph();
    resampledGraph->setName(tr("resampled target"));
    resampledGraph->setPen(QPen(QColor(20, 90, 200), 2.0));

    auto* settings = new QWidget(this);
    settings->setMaximumWidth(400);  // the rest goes to the preview
    auto* left = new QVBoxLayout(settings);
    left->setContentsMargins(0, 0, 0, 0);
    left->addLayout(form);
    left->addWidget(info_);
    left->addWidget(errorLabel_);
    left->addStretch();
    auto* body = new QHBoxLayout;
    body->addWidget(settings, 0);
    body->addWidget(plot_, 1);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Use as Fitting Target"));
    buttons_->button(QDialogButtonBox::Ok)->setToolTip(
        tr("Add the resampled trace as a calcium target of the chosen neuron (loss weights V 0, Ca 1)"));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(body, 1);
    layout->addWidget(buttons_);

    previewTimer_.setSingleShot(true);
    previewTimer_.setInterval(120);  // ms: typing in a box redraws once it settles
    connect(&previewTimer_, &QTimer::timeout, this, &TraceImportDialog::updatePreviewNow);
    connect(buttons_, &QDialogButtonBox::accepted, this, &TraceImportDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &TraceImportDialog::browse);
    connect(path_, &QLineEdit::returnPressed, this, [this] { setFile(path_->text()); });
    for (QDoubleSpinBox* box : {traceScale_, currentScale_, dt_, smoothing_, start_, end_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &TraceImportDialog::schedulePreview);
    // The presets are sample numbers: their times move with the time scale.
    connect(timeScale_, &QDoubleSpinBox::valueChanged, this, &TraceImportDialog::windowPresetChanged);
    connect(window_, &QComboBox::currentIndexChanged, this, &TraceImportDialog::windowPresetChanged);
    connect(preparation_, &QComboBox::currentIndexChanged, this, &TraceImportDialog::preparationChanged);
    connect(hill_, &QCheckBox::toggled, this, [this](bool on) {
        // As the CLI: the Hill constants are for raw fluorescence, so the x10 goes with it
        // unless the user chose another factor.
        if (on && traceScale_->value() == 10.0) traceScale_->setValue(1.0);
        else if (!on && traceScale_->value() == 1.0) traceScale_->setValue(10.0);
        schedulePreview();
    });

    windowPresetChanged();
    // Fit a 1366x768 screen (taskbar and title bar included).
    resize(1060, 600);
    if (const QScreen* s = screen()) {
        const QSize avail = s->availableSize();
        resize(std::min(width(), avail.width() - 40), std::min(height(), avail.height() - 60));
    }
}

QString TraceImportDialog::file() const { return raw_ ? QString::fromStdString(raw_->source) : QString(); }

QString TraceImportDialog::neuron() const { return neuron_->currentText(); }

void TraceImportDialog::browse() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Import calcium trace"), path_->text(),
                                                      tr("Recordings (*.csv);;All files (*)"));
    if (!path.isEmpty()) setFile(path);
}

void TraceImportDialog::setError(const QString& text) {
    error_ = text;
    errorLabel_->setText(text);
    errorLabel_->setVisible(!text.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(text.isEmpty() && raw_.has_value() && neuron_->count() > 0);
}

bool TraceImportDialog::setFile(const QString& path) {
    path_->setText(path);
    raw_.reset();
    try {
        raw_ = readTraceCsv(path.toStdString());
    } catch (const std::exception& e) {
        setError(tr("Could not read the recording:\n%1").arg(QString::fromUtf8(e.what())));
        plot_->graph(0)->data()->clear();
        plot_->graph(1)->data()->clear();
        plot_->graph(2)->data()->clear();
        plot_->replot();
        return false;
    }
    {
        const QSignalBlocker block(window_);
        window_->clear();  // a new recording gets its own presets and the default window
    }
    windowPresetChanged();
    updatePreviewNow();
    return error_.isEmpty();
}

void TraceImportDialog::windowPresetChanged() {
    // Refill the presets for this recording, keeping the choice.
    const int chosen = window_->currentIndex();
    {
        const QSignalBlocker block(window_);
        window_->clear();
        window_->addItem(tr("Whole recording"));
        if (raw_) {
            const TraceSplit split = odynnTraceSplit(static_cast<int>(raw_->time.size()));
            for (size_t k = 0; k < split.train.size(); ++k)
                window_->addItem(tr("ODYNN training window %1 (samples %2–%3)")
                                     .arg(k + 1)
                                     .arg(split.train[k].first)
                                     .arg(split.train[k].second),
                                 QVariant::fromValue(QPoint(split.train[k].first, split.train[k].second)));
        }
        window_->addItem(tr("Custom (ms)"));
        // ODYNN fitted AVAL on its first training window: that is the default once a file is read.
        int index = chosen;
        if (index < 0 || index >= window_->count()) index = raw_ && window_->count() > 2 ? 1 : 0;
        window_->setCurrentIndex(index);
    }
    const bool custom = window_->currentIndex() == window_->count() - 1 && window_->count() > 1;
    start_->setEnabled(custom);
    end_->setEnabled(custom);
    if (raw_ && !custom) {
        const double scale = timeScale_->value();
        int first = 0, last = static_cast<int>(raw_->time.size()) - 1;
        if (const QVariant d = window_->currentData(); d.canConvert<QPoint>() && window_->currentIndex() > 0) {
            first = d.toPoint().x();
            last = d.toPoint().y();
        }
        const QSignalBlocker b1(start_), b2(end_);
        start_->setValue(raw_->time[static_cast<size_t>(first)] * scale);
        end_->setValue(raw_->time[static_cast<size_t>(last)] * scale);
    }
    schedulePreview();
}

TraceImportOptions TraceImportDialog::options() const {
    TraceImportOptions o;
    o.dt = dt_->value();
    o.timeScale = timeScale_->value();
    o.traceScale = traceScale_->value();
    o.currentScale = currentScale_->value();
    o.traceSmoothing = smoothing_->value();
    o.hill = hill_->isChecked();
    if (window_->currentIndex() <= 0) return o;
    o.window = std::make_pair(start_->value(), end_->value());
    // A preset is a range of samples: take its exact times, not the boxes' rounded ones, so
    // the last sample is not lost to the third decimal.
    if (const QVariant d = window_->currentData(); raw_ && d.canConvert<QPoint>()) {
        const QPoint samples = d.toPoint();
        o.window = std::make_pair(raw_->time[static_cast<size_t>(samples.x())] * o.timeScale,
                                  raw_->time[static_cast<size_t>(samples.y())] * o.timeScale);
    }
    return o;
}

bool TraceImportDialog::odynnPreparation() const { return preparation_->currentIndex() == 1; }

void TraceImportDialog::preparationChanged() {
    // ODYNN's preparation fixes scales, smoothing and windows; only dt stays a choice.
    const bool odynn = odynnPreparation();
    for (QWidget* w : std::initializer_list<QWidget*>{timeScale_, traceScale_, currentScale_, smoothing_, hill_, window_})
        w->setEnabled(!odynn);
    if (odynn) {
        start_->setEnabled(false);
        end_->setEnabled(false);
    } else {
        windowPresetChanged();
    }
    schedulePreview();
}

// The 5 training windows drawn where they lie in the recording (8 ms a sample), each over its
// 4000 ms; at most maxPreviewPoints points in all.
void TraceImportDialog::previewOdynn() {
    const RawTrace& r = *raw_;
    constexpr double sampleMs = 8.0;
    QVector<double> rx, ry;
    for (size_t k = 0; k < std::min<size_t>(r.trace.size(), 3100); ++k) {
        rx << double(k) * sampleMs;
        ry << r.trace[k] * 10;
    }
    plot_->graph(1)->setData(rx, ry, true);
    const double dt = dt_->value(), previewDt = std::max(dt, 5 * 4000.0 / maxPreviewPoints);
    try {
        const OdynnRealData d = odynnRealData(r, previewDt);
        QVector<double> x, y, i;
        const double starts[] = {0, 0, 420, 1140, 2400};
        for (size_t w = 1; w < d.train.size(); ++w) {  // entry 0 repeats entry 1
            const ImportedTrace& e = d.train[w];
            for (size_t k = 0; k < e.t.size(); ++k) {
                x << starts[w] * sampleMs + e.t[k];
                y << e.cac[k];
                i << e.current[k];
            }
            x << x.back();  // a gap between windows
            y << qQNaN();
            i << qQNaN();
        }
        plot_->graph(2)->setData(x, y, true);
        plot_->graph(0)->setData(x, i, true);
        const double rows = std::ceil(4000.0 / dt);
        info_->setText(tr("%1 samples; ODYNN uses the first 3100 at 8 ms each.\n5 targets of %L2 steps each at dt %3 ms "
                          "(windows from samples 0, 0, 420, 1140, 2400).")
                           .arg(r.trace.size())
                           .arg(rows, 0, 'f', 0)
                           .arg(dt));
        setError(QString());
    } catch (const std::exception& e) {
        plot_->graph(2)->data()->clear();
        plot_->graph(0)->data()->clear();
        info_->setText(tr("%1 samples.").arg(r.trace.size()));
        setError(QString::fromUtf8(e.what()));
    }
    plot_->graph(1)->rescaleValueAxis();
    plot_->graph(0)->rescaleValueAxis();
    for (QCPAxis* axis : {plot_->yAxis, plot_->yAxis2}) {
        const QCPRange r = axis->range();
        const double pad = 0.05 * std::max(r.size(), 1e-9);
        axis->setRange(r.lower - pad, r.upper + pad);
    }
    plot_->xAxis->setRange(-200, 3100 * sampleMs + 200);
    plot_->replot();
}

QString TraceImportDialog::infoText() const { return info_->text(); }

void TraceImportDialog::schedulePreview() { previewTimer_.start(); }

void TraceImportDialog::updatePreviewNow() {
    previewTimer_.stop();
    if (!raw_) {
        info_->setText(tr("Choose a recording."));
        setError(QString());
        return;
    }
    if (odynnPreparation()) {
        previewOdynn();
        return;
    }
    const TraceImportOptions o = options();
    const RawTrace& r = *raw_;
    const double t0 = r.time.front() * o.timeScale, t1 = r.time.back() * o.timeScale;
    const double from = o.window ? o.window->first : t0, to = o.window ? o.window->second : t1;
    int inside = 0;
    for (double t : r.time) inside += (t * o.timeScale >= from && t * o.timeScale <= to) ? 1 : 0;

    QVector<double> rx, ry;
    for (size_t k = 0; k < r.time.size(); ++k) {
        const double f = r.trace[k] * o.traceScale;
        rx << r.time[k] * o.timeScale;
        ry << (o.hill ? hillCalcium(f, o.hillParams) : f);
    }
    plot_->graph(1)->setData(rx, ry, true);

    // Same spline as the real import; only sampled more coarsely where dt would give too many points.
    TraceImportOptions preview = o;
    preview.dt = std::max(o.dt, (to - from) / maxPreviewPoints);
    try {
        const ImportedTrace p = importTrace(r, preview);
        // The imported trace starts at t = 0 at the window's first sample.
        double origin = t0;
        for (double t : r.time)
            if (t * o.timeScale >= from) {
                origin = t * o.timeScale;
                break;
            }
        QVector<double> x, y, i;
        for (size_t k = 0; k < p.t.size(); ++k) {
            x << origin + p.t[k];
            y << p.cac[k];
            i << p.current[k];
        }
        plot_->graph(2)->setData(x, y, true);
        plot_->graph(0)->setData(x, i, true);
        // The count importTrace gives, so the dialog and the loaded target agree.
        const double steps = static_cast<double>(importedStepCount(r, o));
        QString text = tr("%1 samples, %2 – %3 ms.\nWindow: %4 samples → %L5 steps at dt %6 ms (%L7 ms).")
                           .arg(r.time.size())
                           .arg(t0, 0, 'f', 0)
                           .arg(t1, 0, 'f', 0)
                           .arg(inside)
                           .arg(steps, 0, 'f', 0)
                           .arg(o.dt)
                           .arg((steps - 1) * o.dt, 0, 'f', 0);
        if (preview.dt > o.dt) text += tr("\nPreview drawn every %1 ms.").arg(preview.dt, 0, 'g', 3);
        if (steps > 5e6) text += tr("\nThat many steps make a slow fit: a window or a larger dt helps.");
        info_->setText(text);
        setError(QString());
    } catch (const std::exception& e) {
        plot_->graph(2)->data()->clear();
        plot_->graph(0)->data()->clear();
        info_->setText(tr("%1 samples, %2 – %3 ms.").arg(r.time.size()).arg(t0, 0, 'f', 0).arg(t1, 0, 'f', 0));
        setError(QString::fromUtf8(e.what()));
    }
    bool found = false;
    const QCPRange yr = plot_->graph(1)->getValueRange(found, QCP::sdBoth, QCPRange(from, to));
    if (found) plot_->yAxis->setRange(yr.lower - 0.05 * yr.size(), yr.upper + 0.05 * yr.size());
    plot_->graph(0)->rescaleValueAxis();
    const QCPRange cr = plot_->yAxis2->range();
    plot_->yAxis2->setRange(cr.lower - 0.05 * std::max(cr.size(), 1e-9), cr.upper + 0.05 * std::max(cr.size(), 1e-9));
    const double margin = 0.02 * (to - from);
    plot_->xAxis->setRange(from - margin, to + margin);
    plot_->replot();
}

std::optional<TargetTrace> TraceImportDialog::target() const {
    const std::vector<TargetTrace> all = targets();
    if (all.empty()) return std::nullopt;
    return all.front();
}

std::vector<TargetTrace> TraceImportDialog::targets() const {
    if (!accepted_.empty()) return accepted_;
    if (!raw_ || neuron_->count() == 0) return {};
    auto entry = [&](const ImportedTrace& data, const QString& source) {
        TargetTrace t;
        t.source = source;
        t.time = data.t;
        t.columns.push_back(TargetColumn{neuron(), true, data.cac});
        t.currents.emplace_back(neuron(), data.current);
        return t;
    };
    const QString source = QString::fromStdString(raw_->source);
    if (!odynnPreparation()) return {entry(importTrace(*raw_, options()), source)};
    const OdynnRealData d = odynnRealData(*raw_, dt_->value());
    std::vector<TargetTrace> out;
    for (size_t k = 0; k < d.train.size(); ++k)
        out.push_back(entry(d.train[k], tr("%1 (ODYNN train_%2)").arg(source).arg(k)));
    return out;
}

void TraceImportDialog::accept() {
    updatePreviewNow();
    if (!error_.isEmpty() || !raw_) return;
    QApplication::setOverrideCursor(Qt::WaitCursor);  // a long window at a small dt takes a moment
    try {
        accepted_ = targets();
    } catch (const std::exception& e) {
        setError(QString::fromUtf8(e.what()));
    }
    QApplication::restoreOverrideCursor();
    if (!accepted_.empty()) QDialog::accept();
}

void TraceImportDialog::keyPressEvent(QKeyEvent* event) {
    // Enter in the file box loads the file (returnPressed); it must not also press the default
    // button and import before the neuron and window are chosen.
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && path_->hasFocus()) {
        event->accept();
        return;
    }
    QDialog::keyPressEvent(event);
}

}  // namespace odynn::ui
