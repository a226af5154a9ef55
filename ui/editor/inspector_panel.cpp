#include "editor/inspector_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "editor/circuit_commands.hpp"
#include "editor/fit_bound_dialog.hpp"
#include "odynn/parameter_presets.hpp"
#include "odynn/parameters.hpp"

namespace odynn::ui {

namespace {

QString boundText(double v) {
    if (std::isinf(v)) return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    return QString::number(v, 'g', 4);
}

using Range = std::optional<std::pair<double, double>>;

// Fit bounds are the project's, not the circuit's; their undo step acts on the inspector.
class SetFitBoundCommand : public QUndoCommand {
public:
    SetFitBoundCommand(InspectorPanel* panel, QString name, Range before, Range after)
        : panel_(panel), name_(std::move(name)), before_(before), after_(after) {
        setText(QObject::tr("fit bounds of %1").arg(name_));
    }
    void redo() override { panel_->setFitBound(name_, after_); }
    void undo() override { panel_->setFitBound(name_, before_); }

private:
    InspectorPanel* panel_;
    QString name_;
    Range before_, after_;
};
}  // namespace

InspectorPanel::InspectorPanel(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent)
    : QWidget(parent), model_(model), undoStack_(undoStack) {
    title_ = new QLabel(this);
    title_->setWordWrap(true);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);

    header_ = new QWidget(this);
    auto* form = new QFormLayout(header_);
    form->setContentsMargins(0, 0, 0, 0);
    label_ = new QLineEdit(header_);
    label_->setToolTip(tr("Neuron label, unique in the circuit"));
    role_ = new QComboBox(header_);
    for (Role r : {Role::Sensory, Role::Inter, Role::Command, Role::Motor})
        role_->addItem(QString::fromLatin1(roleName(r)), static_cast<int>(r));
    modelBox_ = new QComboBox(header_);
    for (const ModelSpec* spec : registeredModels()) {
        modelBox_->addItem(QString::fromStdString(spec->name), QString::fromStdString(spec->name));
        modelBox_->setItemData(modelBox_->count() - 1, QString::fromStdString(spec->description), Qt::ToolTipRole);
    }
    preset_ = new QComboBox(header_);
    preset_->addItem(tr("choose a preset…"));
    preset_->addItem(tr("excitatory 1 (G 0.5, mdp −20, scale 5, E 10)"));
    preset_->addItem(tr("excitatory 2 (G 0.2, mdp −30, scale 2, E 20)"));
    preset_->addItem(tr("excitatory 3 (G 1, mdp −50, scale 5, E −10)"));
    preset_->addItem(tr("inhibitory 1 (G 0.5, mdp 0, scale 10, E −70)"));
    preset_->addItem(tr("inhibitory 2 (G 0.2, mdp −20, scale −6, E −80)"));
    form->addRow(tr("Label"), label_);
    form->addRow(tr("Role"), role_);
    form->addRow(tr("Model"), modelBox_);
    form->addRow(tr("Preset"), preset_);

    scroll_ = new QScrollArea(this);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);

    buttons_ = new QWidget(this);
    auto* buttonRow = new QHBoxLayout(buttons_);
    buttonRow->setContentsMargins(0, 0, 0, 0);
    auto* reset = new QPushButton(tr("Reset all"), buttons_);
    reset->setToolTip(tr("Set every parameter of this item to its default, or to a named parameter set"));
    auto* resetMenu = new QMenu(reset);
    resetMenu->addAction(tr("Defaults"), this, &InspectorPanel::resetAll);
    default2_ = resetMenu->addAction(tr("ODYNN DEFAULT_2 (celegans)"), this, [this] { resetToPreset("default2"); });
    default2_->setToolTip(tr("ODYNN's second reference neuron: q τ 100; n τ 1050, scale 20, mdp 2; f τ 301, scale "
                             "−20.03, mdp 5.2; e τ 20, scale 15, mdp −6; h mdp 302; g_Ks 6"));
    resetMenu->setToolTipsVisible(true);
    connect(resetMenu, &QMenu::aboutToShow, this, [this] {
        default2_->setEnabled(model_->hasNeuron(neuron_) &&
                              parameterPreset(model_->neuron(neuron_).model, "default2").has_value());
    });
    reset->setMenu(resetMenu);
    auto* random = new QPushButton(tr("Randomise"), buttons_);
    random->setToolTip(tr("Draw every free parameter uniformly from its random-initialisation range"));
    buttonRow->addWidget(reset);
    buttonRow->addWidget(random);
    buttonRow->addStretch();
    connect(random, &QPushButton::clicked, this, &InspectorPanel::randomise);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(header_);
    layout->addWidget(scroll_, 1);
    layout->addWidget(buttons_);

    connect(label_, &QLineEdit::editingFinished, this, [this] {
        if (updating_ || !model_->hasNeuron(neuron_)) return;
        const QString text = label_->text().trimmed();
        if (text == model_->label(neuron_)) return;
        const NeuronId other = model_->neuronIdByLabel(text);
        if (text.isEmpty() || (other != 0 && other != neuron_)) {
            QMessageBox::warning(this, tr("Rename neuron"),
                                 text.isEmpty() ? tr("A neuron needs a label.")
                                                : tr("Another neuron is already called \"%1\".").arg(text));
            label_->setText(model_->label(neuron_));
            return;
        }
        undoStack_->push(new RenameNeuronCommand(model_, neuron_, text));
    });
    connect(role_, &QComboBox::activated, this, [this] {
        if (updating_ || !model_->hasNeuron(neuron_)) return;
        const auto role = static_cast<Role>(role_->currentData().toInt());
        if (role != model_->neuron(neuron_).role) undoStack_->push(new SetRoleCommand(model_, neuron_, role));
    });
    connect(modelBox_, &QComboBox::activated, this, [this] {
        if (updating_ || !model_->hasNeuron(neuron_)) return;
        const std::string name = modelBox_->currentData().toString().toStdString();
        if (name != model_->neuron(neuron_).model) undoStack_->push(new SetModelCommand(model_, neuron_, name));
    });
    connect(preset_, &QComboBox::activated, this, [this](int index) {
        if (updating_ || index <= 0 || !model_->hasConnection(connection_)) return;
        const SynapseParams presets[] = {presets::excitatory1, presets::excitatory2, presets::excitatory3,
                                         presets::inhibitory1, presets::inhibitory2};
        Connection c = model_->connection(connection_);
        c.synapse = presets[index - 1];
        undoStack_->push(new SetConnectionParamsCommand(model_, connection_, c));
        preset_->setCurrentIndex(0);
    });

    connect(model_, &CircuitGraphModel::neuronChanged, this, [this](NeuronId id) {
        if (id != neuron_) return;
        const bool modelChanged = modelBox_->currentData().toString().toStdString() != model_->neuron(id).model;
        modelChanged ? rebuild() : refreshValues();
    });
    connect(model_, &CircuitGraphModel::connectionChanged, this, [this](ConnectionId id) {
        if (id == connection_) refreshValues();
    });
    connect(model_, &CircuitGraphModel::neuronRemoved, this, [this](NeuronId id) {
        if (id == neuron_) showNothing();
    });
    connect(model_, &CircuitGraphModel::connectionRemoved, this, [this](ConnectionId id) {
        if (id == connection_) showNothing();
    });
    connect(model_, &CircuitGraphModel::modelReset, this, &InspectorPanel::showNothing);
    showNothing();
}

void InspectorPanel::setFixedParameters(const QSet<QString>& names) {
    fixed_ = names;
    updating_ = true;
    for (Row& row : rows_) row.fixed->setChecked(fixed_.contains(row.fullName));
    updating_ = false;
}

std::vector<ParameterBound> InspectorPanel::fitBounds() const {
    std::vector<ParameterBound> out;
    for (const auto& [name, range] : bounds_) out.push_back({name.toStdString(), range.first, range.second});
    return out;
}

void InspectorPanel::setFitBounds(const std::vector<ParameterBound>& bounds) {
    bounds_.clear();
    for (const ParameterBound& b : bounds) bounds_[QString::fromStdString(b.name)] = {b.lower, b.upper};
    for (Row& row : rows_) showBoundsMarker(row);
}

std::optional<std::pair<double, double>> InspectorPanel::fitBound(const QString& fullName) const {
    const auto it = bounds_.find(fullName);
    if (it == bounds_.end()) return std::nullopt;
    return it->second;
}

void InspectorPanel::setFitBound(const QString& fullName, std::optional<std::pair<double, double>> bounds) {
    bounds ? (void)(bounds_[fullName] = *bounds) : (void)bounds_.erase(fullName);
    for (Row& row : rows_)
        if (row.fullName == fullName) showBoundsMarker(row);
    emit fitBoundsChanged();
}

void InspectorPanel::showBoundsMarker(Row& row) {
    const Range custom = fitBound(row.fullName);
    const QString unit = row.unit.isEmpty() ? QString() : QStringLiteral(" ") + row.unit;
    if (custom) {
        const QString range = QStringLiteral("[%1, %2]%3").arg(boundText(custom->first), boundText(custom->second), unit);
        // The unit is on the line above; the marker stays short.
        row.nameLabel->setText(row.nameText + QStringLiteral("<br><small>fit [%1, %2]</small>")
                                                  .arg(boundText(custom->first), boundText(custom->second)));
        row.bounds->setText(QStringLiteral("[•]"));
        row.bounds->setToolTip(tr("Fit bounds of %1: %2 (the model's: [%3, %4]%5). Click to change them")
                                   .arg(row.name, range, boundText(row.lowerBound), boundText(row.upperBound), unit));
    } else {
        row.nameLabel->setText(row.nameText);
        row.bounds->setText(QStringLiteral("[ ]"));
        row.bounds->setToolTip(tr("Fit bounds of %1: the model's, [%2, %3]%4. Click to narrow them for fitting")
                                   .arg(row.name, boundText(row.lowerBound), boundText(row.upperBound), unit));
    }
}

void InspectorPanel::editBounds(size_t k) {
    const Row& row = rows_[k];
    if (row.fullName.isEmpty()) return;
    auto* dialog = new FitBoundDialog(row.name, row.unit, row.lowerBound, row.upperBound, fitBound(row.fullName), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString name = row.fullName;
    connect(dialog, &QDialog::accepted, this, [this, dialog, name] {
        const Range before = fitBound(name), after = dialog->bounds();
        if (before != after) undoStack_->push(new SetFitBoundCommand(this, name, before, after));
    });
    dialog->open();
}

void InspectorPanel::showNeuron(NeuronId id) {
    neuron_ = id;
    connection_ = 0;
    rebuild();
}

void InspectorPanel::showConnection(ConnectionId id) {
    neuron_ = 0;
    connection_ = id;
    rebuild();
}

void InspectorPanel::showNothing() {
    neuron_ = 0;
    connection_ = 0;
    rebuild();
}

QString InspectorPanel::layoutName(int owner, int index, int slot) const {
    // The names the fit uses; a lone neuron's parameters keep their bare names.
    const ParameterLayout layout(model_->circuit());
    for (const ParamEntry& e : layout.entries())
        if (static_cast<int>(e.owner) == owner && e.index == index && e.slot == slot)
            return QString::fromStdString(e.name);
    return {};
}

void InspectorPanel::rebuild() {
    updating_ = true;
    rows_.clear();
    delete rowsHost_;
    rowsHost_ = new QWidget;
    grid_ = new QGridLayout(rowsHost_);
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setColumnStretch(1, 1);
    const bool isNeuron = model_->hasNeuron(neuron_);
    const bool isConnection = model_->hasConnection(connection_);
    if (isNeuron || isConnection) {
        int column = 0;
        for (const QString& text : {tr("parameter"), tr("adjust"), tr("value"), tr("fixed"), tr("bounds")}) {
            auto* l = new QLabel(QStringLiteral("<small>%1</small>").arg(text), rowsHost_);
            grid_->addWidget(l, 0, column++);
        }
    }
    header_->setVisible(isNeuron || isConnection);
    buttons_->setVisible(isNeuron || isConnection);
    auto* form = static_cast<QFormLayout*>(header_->layout());
    form->setRowVisible(label_, isNeuron);
    form->setRowVisible(role_, isNeuron);
    form->setRowVisible(modelBox_, isNeuron);
    form->setRowVisible(preset_, false);

    if (isNeuron) {
        const Neuron& n = model_->neuron(neuron_);
        const int index = model_->neuronIndex(neuron_);
        const ModelSpec& spec = modelSpec(n.model);
        title_->setText(modelSpec(n.model).networkWeights ? tr("Neuron %1: LSTM network of %2 units x %3 layers, %4 weights (fitted, "
                                                "not edited by hand)")
                                                 .arg(QString::fromStdString(n.label))
                                                 .arg(n.lstm.units)
                                                 .arg(n.lstm.layers)
                                                 .arg(n.params.size())
                                           : tr("Neuron %1").arg(QString::fromStdString(n.label)));
        label_->setText(QString::fromStdString(n.label));
        role_->setCurrentIndex(role_->findData(static_cast<int>(n.role)));
        modelBox_->setCurrentIndex(modelBox_->findData(QString::fromStdString(n.model)));
        for (size_t p = 0; p < spec.params.size(); ++p) {
            const ParamSpec& ps = spec.params[p];
            const int slot = static_cast<int>(p);
            addRow(QString::fromStdString(ps.name), layoutName(static_cast<int>(ParamOwner::Neuron), index, slot),
                   QString::fromStdString(ps.unit), QString::fromStdString(ps.description), ps.lowerBound,
                   ps.upperBound, ps.randomLow, ps.randomHigh, ps.defaultValue, [this, slot](double v) {
                       if (model_->hasNeuron(neuron_))
                           undoStack_->push(new SetNeuronParamCommand(model_, neuron_, slot, v));
                   });
        }
    } else if (isConnection) {
        const Connection c = model_->connection(connection_);
        const QString a = model_->label(c.from), b = model_->label(c.to);
        const ParameterLayout layout(model_->circuit(), false);
        const bool synapse = c.kind == ConnectionKind::Synapse;
        const int index = synapse ? model_->synapseIndex(connection_) : model_->gapIndex(connection_);
        const auto owner = synapse ? ParamOwner::Synapse : ParamOwner::Gap;
        title_->setText(synapse ? tr("%1 synapse %2 → %3").arg(c.excitatory() ? tr("Excitatory") : tr("Inhibitory"), a, b)
                                : tr("Gap junction %1 — %2").arg(a, b));
        form->setRowVisible(preset_, synapse);
        const SynapseParams defaults = c.excitatory() ? presets::excitatory1 : presets::inhibitory1;
        const double defaultValues[] = {defaults.G, defaults.mdp, defaults.scale, defaults.E};
        static const char* descriptions[] = {"maximal conductance", "half-activation potential of the presynaptic sigmoid",
                                             "slope of the presynaptic sigmoid", "reversal potential"};
        for (const ParamEntry& e : layout.entries()) {
            if (e.owner != owner || e.index != index) continue;
            const QString full = QString::fromStdString(e.name);
            const QString shortName = full.section(QLatin1Char('/'), -1);
            const int slot = e.slot;
            addRow(shortName, layoutName(static_cast<int>(owner), index, slot), QString::fromStdString(e.unit),
                   synapse ? tr(descriptions[slot]) : tr("gap junction conductance"), e.lowerBound, e.upperBound,
                   e.randomLow, e.randomHigh, synapse ? defaultValues[slot] : presets::gap, [this, slot](double v) {
                       if (!model_->hasConnection(connection_)) return;
                       Connection conn = model_->connection(connection_);
                       if (conn.kind == ConnectionKind::Gap) {
                           conn.gGap = v;
                       } else {
                           double* fields[] = {&conn.synapse.G, &conn.synapse.mdp, &conn.synapse.scale, &conn.synapse.E};
                           *fields[slot] = v;
                       }
                       undoStack_->push(new SetConnectionParamsCommand(model_, connection_, conn));
                   });
        }
    } else {
        title_->setText(tr("Select a neuron or a connection in the diagram to edit it."));
    }
    grid_->setRowStretch(grid_->rowCount(), 1);
    scroll_->setWidget(rowsHost_);
    updating_ = false;
    refreshValues();
}

void InspectorPanel::addRow(const QString& name, const QString& fullName, const QString& unit,
                            const QString& description, double lowerBound, double upperBound, double randomLow,
                            double randomHigh, double defaultValue, std::function<void(double)> commit) {
    Row row;
    row.name = name;
    row.fullName = fullName;
    row.defaultValue = defaultValue;
    // The slider spans the random-initialisation range widened to include the default: the
    // values a fit would start from.
    double low = std::min(randomLow, defaultValue), high = std::max(randomHigh, defaultValue);
    if (!(high > low)) {
        low = defaultValue - 1.0;
        high = defaultValue + 1.0;
    }
    const SliderScale scale = SliderScale::forRange(low, high);
    row.commit = std::move(commit);
    const int r = grid_->rowCount();
    const QString tip = tr("<b>%1</b> (%2)<br>%3<br>bounds [%4, %5], random range [%6, %7], default %8<br>"
                           "Slider: %9 scale; hold Shift to drag or step ten times finer")
                            .arg(name, unit.isEmpty() ? tr("no unit") : unit, description, boundText(lowerBound),
                                 boundText(upperBound), boundText(randomLow), boundText(randomHigh),
                                 boundText(defaultValue), scale.logarithmic ? tr("logarithmic") : tr("linear"));

    row.unit = unit;
    row.lowerBound = lowerBound;
    row.upperBound = upperBound;
    row.nameText = unit.isEmpty() ? name : QStringLiteral("%1 <small>[%2]</small>").arg(name, unit);
    row.nameLabel = new QLabel(row.nameText, rowsHost_);
    row.nameLabel->setToolTip(tip);
    row.slider = new ParameterSlider(scale, rowsHost_);
    row.slider->setToolTip(tip);
    row.slider->setMinimumWidth(80);
    row.spin = new QDoubleSpinBox(rowsHost_);
    row.spin->setDecimals(6);
    const double big = 1e9;
    row.spin->setRange(std::isfinite(lowerBound) ? lowerBound : -big, std::isfinite(upperBound) ? upperBound : big);
    if (scale.logarithmic) row.spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);  // a step per decade's digit
    else row.spin->setSingleStep((high - low) / 100.0);
    row.spin->setKeyboardTracking(false);
    row.spin->setToolTip(tip);
    row.spin->setSuffix(unit.isEmpty() ? QString() : QStringLiteral(" ") + unit);
    row.spin->setMinimumWidth(110);
    row.fixed = new QCheckBox(rowsHost_);
    row.fixed->setToolTip(tr("Keep %1 constant when fitting").arg(name));
    row.fixed->setChecked(fixed_.contains(fullName));
    row.bounds = new QToolButton(rowsHost_);
    showBoundsMarker(row);
    auto* reset = new QToolButton(rowsHost_);
    reset->setText(QStringLiteral("↺"));
    reset->setToolTip(tr("Reset %1 to its default, %2 %3").arg(name, boundText(defaultValue), unit));

    grid_->addWidget(row.nameLabel, r, 0);
    grid_->addWidget(row.slider, r, 1);
    grid_->addWidget(row.spin, r, 2);
    grid_->addWidget(row.fixed, r, 3);
    grid_->addWidget(row.bounds, r, 4);
    grid_->addWidget(reset, r, 5);

    const size_t k = rows_.size();
    connect(row.slider, &ParameterSlider::parameterChanged, this, [this, k](double v) {
        if (updating_) return;
        Row& rw = rows_[k];
        rw.commit(std::clamp(v, rw.spin->minimum(), rw.spin->maximum()));
    });
    connect(row.spin, &QDoubleSpinBox::valueChanged, this, [this, k](double v) {
        if (!updating_) rows_[k].commit(v);
    });
    connect(reset, &QToolButton::clicked, this, [this, k] { rows_[k].commit(rows_[k].defaultValue); });
    connect(row.bounds, &QToolButton::clicked, this, [this, k] { editBounds(k); });
    connect(row.fixed, &QCheckBox::toggled, this, [this, k](bool on) {
        if (updating_ || rows_[k].fullName.isEmpty()) return;
        on ? (void)fixed_.insert(rows_[k].fullName) : (void)fixed_.remove(rows_[k].fullName);
        emit fixedParametersChanged();
    });
    rows_.push_back(row);
}

void InspectorPanel::setRowValue(Row& row, double value) {
    row.spin->setValue(value);
    row.slider->setParameterValue(value);
}

void InspectorPanel::refreshValues() {
    const bool wasUpdating = updating_;
    updating_ = true;
    if (model_->hasNeuron(neuron_)) {
        const Neuron& n = model_->neuron(neuron_);
        title_->setText(modelSpec(n.model).networkWeights ? tr("Neuron %1: LSTM network of %2 units x %3 layers, %4 weights (fitted, "
                                                "not edited by hand)")
                                                 .arg(QString::fromStdString(n.label))
                                                 .arg(n.lstm.units)
                                                 .arg(n.lstm.layers)
                                                 .arg(n.params.size())
                                           : tr("Neuron %1").arg(QString::fromStdString(n.label)));
        label_->setText(QString::fromStdString(n.label));
        role_->setCurrentIndex(role_->findData(static_cast<int>(n.role)));
        for (size_t k = 0; k < rows_.size() && k < n.params.size(); ++k) setRowValue(rows_[k], n.params[k]);
    } else if (model_->hasConnection(connection_)) {
        const Connection c = model_->connection(connection_);
        if (c.kind == ConnectionKind::Gap) {
            if (!rows_.empty()) setRowValue(rows_[0], c.gGap);
        } else {
            const double values[] = {c.synapse.G, c.synapse.mdp, c.synapse.scale, c.synapse.E};
            for (size_t k = 0; k < rows_.size() && k < 4; ++k) setRowValue(rows_[k], values[k]);
        }
    }
    updating_ = wasUpdating;
}

void InspectorPanel::resetAll() {
    if (model_->hasNeuron(neuron_)) {
        Neuron n = model_->neuron(neuron_);
        n.params = initialParams(n.model, n.lstm, std::hash<std::string>{}(n.label));
        undoStack_->push(new EditNeuronCommand(model_, neuron_, n, tr("reset %1").arg(model_->label(neuron_))));
    } else if (model_->hasConnection(connection_)) {
        undoStack_->beginMacro(tr("reset connection"));
        for (Row& row : rows_) row.commit(row.defaultValue);
        undoStack_->endMacro();
    }
}

void InspectorPanel::resetToPreset(const std::string& name) {
    if (!model_->hasNeuron(neuron_)) return;
    Neuron n = model_->neuron(neuron_);
    const std::optional<std::vector<double>> p = parameterPreset(n.model, name);
    if (!p) return;
    n.params = *p;
    undoStack_->push(new EditNeuronCommand(model_, neuron_, n,
                                           tr("%1 to %2").arg(model_->label(neuron_), QString::fromStdString(name))));
}

void InspectorPanel::randomise() {
    auto* gen = QRandomGenerator::global();
    const bool isNeuron = model_->hasNeuron(neuron_);
    if (!isNeuron && !model_->hasConnection(connection_)) return;
    undoStack_->beginMacro(tr("randomise parameters"));
    if (isNeuron) {
        Neuron n = model_->neuron(neuron_);
        Rng rng(gen->generate64());
        const std::vector<double> random =
            modelSpec(n.model).networkWeights ? initialParams(n.model, n.lstm, rng()) : randomParams(modelSpec(n.model), rng);
        if (modelSpec(n.model).networkWeights) n.params = random;
        for (size_t k = 0; k < rows_.size() && k < random.size(); ++k)
            if (!rows_[k].fixed->isChecked()) n.params[k] = random[k];
        undoStack_->push(new EditNeuronCommand(model_, neuron_, n, tr("randomise %1").arg(model_->label(neuron_))));
    } else {
        const ParameterLayout layout(model_->circuit(), false);
        for (Row& row : rows_) {
            if (row.fixed->isChecked()) continue;
            const int e = layout.find(row.fullName.toStdString());
            double low = row.slider->scale().low, high = row.slider->scale().high;
            if (e >= 0) {
                low = layout.entries()[static_cast<size_t>(e)].randomLow;
                high = layout.entries()[static_cast<size_t>(e)].randomHigh;
            }
            row.commit(low + (high - low) * gen->generateDouble());
        }
    }
    undoStack_->endMacro();
}

QDoubleSpinBox* InspectorPanel::spinBox(const QString& name) const {
    for (const Row& row : rows_)
        if (row.name == name) return row.spin;
    return nullptr;
}

QCheckBox* InspectorPanel::fixedBox(const QString& name) const {
    for (const Row& row : rows_)
        if (row.name == name) return row.fixed;
    return nullptr;
}

QToolButton* InspectorPanel::boundsButton(const QString& name) const {
    for (const Row& row : rows_)
        if (row.name == name) return row.bounds;
    return nullptr;
}

QLabel* InspectorPanel::nameLabel(const QString& name) const {
    for (const Row& row : rows_)
        if (row.name == name) return row.nameLabel;
    return nullptr;
}

ParameterSlider* InspectorPanel::slider(const QString& name) const {
    for (const Row& row : rows_)
        if (row.name == name) return row.slider;
    return nullptr;
}

}  // namespace odynn::ui
