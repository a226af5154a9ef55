#include "models/model_editor.hpp"

#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBlock>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "editor/circuit_commands.hpp"
#include "models/model_highlighter.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"
#include "odynn/model_file.hpp"
#include "odynn/simulator.hpp"

namespace odynn::ui {

namespace {

const char* newModelText =
    "# A neuron model written as equations (see docs/models.md).\n"
    "model my_neuron \"leaky integrator with a slow adaptation current\"\n"
    "parameter C_m = 1 bounds 0.5 40 unit uF/cm2 \"membrane capacitance\"\n"
    "parameter g_L = 0.1 bounds 1e-9 10 unit mS/cm2 \"leak conductance\"\n"
    "parameter E_L = -60 random -70 -45 unit mV \"leak reversal potential\"\n"
    "parameter g_w = 0.05 bounds 0 1 unit mS/cm2 \"adaptation conductance\"\n"
    "parameter tau_w = 200 bounds 1 2000 unit ms \"adaptation time constant\"\n"
    "state V = -60 voltage unit mV\n"
    "state w = 0\n"
    "I_w = g_w * w * (V + 80)\n"
    "dV/dt = (i_inj + g_L * (E_L - V) - I_w) / C_m\n"
    "dw/dt = (sigmoid((V + 40) / 5) - w) / tau_w\n";

QString cell(double v) { return QString::number(v, 'g', 6); }

}  // namespace

ModelEditor::ModelEditor(CircuitGraphModel* model, QUndoStack* undoStack, std::vector<std::string>* projectModels,
                         std::function<QList<NeuronId>()> selection, QWidget* parent)
    : QDialog(parent), model_(model), undoStack_(undoStack), projectModels_(projectModels),
      selection_(std::move(selection)) {
    setWindowTitle(tr("Models"));
    resize(1200, 720);

    list_ = new QListWidget(this);
    list_->setToolTip(tr("The project's model files; select one to edit it"));
    auto* newButton = new QPushButton(tr("New"), this);
    auto* importButton = new QPushButton(tr("Import .odm..."), this);
    auto* exportButton = new QPushButton(tr("Export .odm..."), this);
    auto* left = new QVBoxLayout;
    left->addWidget(list_);
    left->addWidget(newButton);
    left->addWidget(importButton);
    left->addWidget(exportButton);

    editor_ = new QPlainTextEdit(this);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    editor_->setFont(mono);
    editor_->setLineWrapMode(QPlainTextEdit::NoWrap);
    new ModelHighlighter(editor_->document());
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* middle = new QVBoxLayout;
    middle->addWidget(editor_, 1);
    middle->addWidget(status_);

    table_ = new QTableWidget(0, 6, this);
    table_->setHorizontalHeaderLabels({tr("parameter"), tr("default"), tr("bounds"), tr("random"), tr("unit"),
                                       tr("description")});
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(220);
    plot_->xAxis->setLabel(tr("t (ms)"));
    plot_->yAxis->setLabel(tr("V (mV)"));
    amplitude_ = new QDoubleSpinBox(this);
    amplitude_->setRange(-200, 200);
    amplitude_->setValue(10);
    amplitude_->setSuffix(tr(" (input current, 100 to 600 ms)"));
    assign_ = new QPushButton(tr("Assign to Selected Neurons"), this);
    assign_->setToolTip(tr("Use this model for the neurons selected in the circuit (undoable)"));
    auto* right = new QVBoxLayout;
    right->addWidget(table_, 1);
    auto* tryRow = new QFormLayout;
    tryRow->addRow(tr("Try it, step of"), amplitude_);
    right->addLayout(tryRow);
    right->addWidget(plot_, 1);
    right->addWidget(assign_);

    auto* leftWidget = new QWidget(this);
    leftWidget->setLayout(left);
    auto* middleWidget = new QWidget(this);
    middleWidget->setLayout(middle);
    auto* rightWidget = new QWidget(this);
    rightWidget->setLayout(right);
    auto* split = new QSplitter(this);
    split->addWidget(leftWidget);
    split->addWidget(middleWidget);
    split->addWidget(rightWidget);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    recompile_ = new QTimer(this);
    recompile_->setSingleShot(true);
    recompile_->setInterval(250);  // ms after the last key stroke
    connect(recompile_, &QTimer::timeout, this, &ModelEditor::compileNow);
    connect(editor_, &QPlainTextEdit::textChanged, recompile_, qOverload<>(&QTimer::start));
    connect(amplitude_, &QDoubleSpinBox::valueChanged, this, [this] {
        if (compiled_) plotResponse(*compiled_);
    });
    connect(assign_, &QPushButton::clicked, this, &ModelEditor::assignToSelection);
    connect(newButton, &QPushButton::clicked, this, [this] { setText(QString::fromUtf8(newModelText)); });
    connect(importButton, &QPushButton::clicked, this, &ModelEditor::importFile);
    connect(exportButton, &QPushButton::clicked, this, &ModelEditor::exportFile);
    connect(list_, &QListWidget::currentTextChanged, this, [this](const QString& name) {
        if (const ModelSpec* spec = findModel(name.toStdString()); spec && !spec->source.empty())
            if (QString::fromStdString(spec->source) != editor_->toPlainText()) setText(QString::fromStdString(spec->source));
    });

    refreshList();
    if (list_->count() > 0) list_->setCurrentRow(0);
    else setText(QString::fromUtf8(newModelText));
}

QString ModelEditor::text() const { return editor_->toPlainText(); }

void ModelEditor::setText(const QString& text) {
    editor_->setPlainText(text);
    compileNow();
}

QString ModelEditor::errorText() const { return compiled_ ? QString() : status_->text(); }

void ModelEditor::compileNow() {
    recompile_->stop();
    const std::string text = editor_->toPlainText().toStdString();
    try {
        const std::shared_ptr<const ModelSpec> spec = compileModel(text, "model");
        compiledHolder_ = spec;
        compiled_ = spec.get();
        compiledText_ = text;
        editor_->setExtraSelections({});
        status_->setStyleSheet(QStringLiteral("color: #206020"));
        status_->setText(tr("%1: %2 states, %3 parameters").arg(QString::fromStdString(spec->name))
                             .arg(spec->stateCount()).arg(spec->params.size()));
        showTable(*spec);
        plotResponse(*spec);
        assign_->setEnabled(true);
    } catch (const InputError& e) {
        compiled_ = nullptr;
        compiledHolder_.reset();
        status_->setStyleSheet(QStringLiteral("color: #b00020"));
        status_->setText(QString::fromUtf8(e.what()));
        markError(int(e.line()), int(e.column()));
        assign_->setEnabled(false);
    }
}

void ModelEditor::markError(int line, int column) {
    if (line < 1) {
        editor_->setExtraSelections({});
        return;
    }
    QTextBlock block = editor_->document()->findBlockByNumber(line - 1);
    if (!block.isValid()) return;
    QTextCursor cursor(block);
    QTextEdit::ExtraSelection lineMark;
    lineMark.format.setBackground(QColor(255, 225, 225));
    lineMark.format.setProperty(QTextFormat::FullWidthSelection, true);
    lineMark.cursor = cursor;
    QTextEdit::ExtraSelection at;
    at.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    at.format.setUnderlineColor(Qt::red);
    at.format.setBackground(QColor(255, 160, 160));
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, std::max(0, column - 1));
    cursor.movePosition(QTextCursor::EndOfWord, QTextCursor::KeepAnchor);
    if (!cursor.hasSelection()) cursor.movePosition(QTextCursor::Right, QTextCursor::KeepAnchor);
    at.cursor = cursor;
    editor_->setExtraSelections({lineMark, at});
}

void ModelEditor::showTable(const ModelSpec& spec) {
    table_->setRowCount(int(spec.params.size()));
    for (int r = 0; r < int(spec.params.size()); ++r) {
        const ParamSpec& p = spec.params[size_t(r)];
        const QStringList cells = {QString::fromStdString(p.name), cell(p.defaultValue),
                                   QStringLiteral("[%1, %2]").arg(cell(p.lowerBound), cell(p.upperBound)),
                                   QStringLiteral("[%1, %2]").arg(cell(p.randomLow), cell(p.randomHigh)),
                                   QString::fromStdString(p.unit), QString::fromStdString(p.description)};
        for (int c = 0; c < cells.size(); ++c) table_->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    table_->resizeColumnsToContents();
}

// V of one neuron of the model with default parameters: a current step from 100 to 600 ms
// in 1000 ms at dt 0.1.
void ModelEditor::plotResponse(const ModelSpec& spec) {
    try {
        Circuit c;
        c.dt = 0.1;
        Neuron n;
        n.label = "try";
        n.model = spec.name;  // registered below
        n.params = spec.defaults();
        c.neurons.push_back(n);
        const int steps = 10000;
        Stimulus s(steps, 1, 1);
        for (int t = 1000; t < 6000; ++t) s.at(t, 0, 0) = amplitude_->value();
        // Neurons name models through the registry; an entry that no neuron uses is not saved.
        registerModelSource(compiledText_, "model");
        SimulationOptions opt;
        opt.record = Record::VoltageCalcium;
        const SimulationResult r = simulate(c, s, opt);
        QVector<double> t(steps), v(steps);
        for (int k = 0; k < steps; ++k) {
            t[k] = (k + 1) * c.dt;
            v[k] = r.sets[0].at(k, 0, 0, 0);
        }
        plot_->clearGraphs();
        plot_->addGraph()->setData(t, v, true);
        plot_->rescaleAxes();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    } catch (const std::exception& e) {
        status_->setText(status_->text() + QStringLiteral("\n") + tr("Try it: %1").arg(QString::fromUtf8(e.what())));
    }
}

bool ModelEditor::assignToSelection() {
    if (!compiled_) return false;
    const QList<NeuronId> ids = selection_();
    std::string name;
    try {
        name = registerModelSource(compiledText_, "model").name;
    } catch (const InputError& e) {
        status_->setText(QString::fromUtf8(e.what()));
        return false;
    }
    if (std::find(projectModels_->begin(), projectModels_->end(), name) == projectModels_->end())
        projectModels_->push_back(name);
    refreshList();
    if (ids.isEmpty()) {
        status_->setText(tr("%1 is in the project; select neurons in the circuit to assign it").arg(QString::fromStdString(name)));
        return false;
    }
    undoStack_->beginMacro(tr("assign model %1").arg(QString::fromStdString(name)));
    for (NeuronId id : ids) undoStack_->push(new SetModelCommand(model_, id, name));
    undoStack_->endMacro();
    status_->setText(tr("%1 assigned to %2 neuron(s)").arg(QString::fromStdString(name)).arg(ids.size()));
    return true;
}

void ModelEditor::refreshList() {
    const QString current = list_->currentItem() ? list_->currentItem()->text() : QString();
    list_->clear();
    for (const std::string& name : *projectModels_) list_->addItem(QString::fromStdString(name));
    const auto found = list_->findItems(current, Qt::MatchExactly);
    if (!found.isEmpty()) list_->setCurrentItem(found.front());
}

void ModelEditor::importFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Import model"), {}, tr("Model files (*.odm)"));
    if (path.isEmpty()) return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        status_->setText(tr("Cannot read %1").arg(path));
        return;
    }
    setText(QString::fromUtf8(f.readAll()));
}

void ModelEditor::exportFile() {
    QString path = QFileDialog::getSaveFileName(this, tr("Export model"), compiled_ ? QString::fromStdString(compiled_->name) + ".odm" : QString(),
                                                tr("Model files (*.odm)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".odm"))) path += QLatin1String(".odm");
    try {
        writeFileAtomically(path.toStdString(), editor_->toPlainText().toStdString());
    } catch (const InputError& e) {
        status_->setText(QString::fromUtf8(e.what()));
    }
}

}  // namespace odynn::ui
