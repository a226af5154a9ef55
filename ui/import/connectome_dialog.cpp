#include "import/connectome_dialog.hpp"

#include <QButtonGroup>
#include <QComboBox>
#include <QCompleter>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

namespace odynn::ui {

namespace {

bool holdsConnectome(const QString& dir) { return !dir.isEmpty() && QFileInfo::exists(QDir(dir).filePath(QStringLiteral("neurons.csv"))); }

const QString settingsKey = QStringLiteral("connectome/dataDir");

}  // namespace

QString findConnectomeDir() {
    const QString env = qEnvironmentVariable("ODYNN_CONNECTOME_DIR");
    if (holdsConnectome(env)) return env;
    // Installed: <prefix>/bin/odynn and <prefix>/share/odynn-studio/connectome. Build tree:
    // app/CMakeLists.txt copies the data to <build>/share/odynn-studio, and executables sit
    // one or two folders below <build> (ui/, tests/ui/).
    QDir dir(QCoreApplication::applicationDirPath());
    for (int up = 0; up < 4; ++up) {
        const QString candidate = dir.filePath(QStringLiteral("share/odynn-studio/connectome"));
        if (holdsConnectome(candidate)) return QDir::cleanPath(candidate);
        if (!dir.cdUp()) break;
    }
#ifdef ODYNN_SOURCE_CONNECTOME_DIR
    if (holdsConnectome(QStringLiteral(ODYNN_SOURCE_CONNECTOME_DIR))) return QStringLiteral(ODYNN_SOURCE_CONNECTOME_DIR);
#endif
    return {};
}

ConnectomeDialog::ConnectomeDialog(const QString& dataDir, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("New Circuit from Connectome"));

    source_ = new QComboBox(this);
    source_->addItem(tr("Cook et al. 2019 (302 neurons, weights in EM sections)"), static_cast<int>(ConnectomeSource::Cook2019));
    source_->addItem(tr("Varshney et al. 2011 (279 somatic neurons, weights in synapse counts)"),
                     static_cast<int>(ConnectomeSource::Varshney2011));
    source_->setToolTip(tr("Which reconstruction of the hermaphrodite wiring the circuit is built from"));

    dirEdit_ = new QLineEdit(this);
    dirEdit_->setReadOnly(true);
    dirEdit_->setToolTip(tr("Folder with neurons.csv and the wiring tables (resources/connectome of the sources)"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    browse->setToolTip(tr("Choose another folder holding the connectome CSV files"));
    auto* dirRow = new QHBoxLayout;
    dirRow->addWidget(dirEdit_, 1);
    dirRow->addWidget(browse);

    pickMode_ = new QRadioButton(tr("Pick neurons"), this);
    pickMode_->setToolTip(tr("Choose the neurons from the list; Ctrl or Shift adds to the selection"));
    aroundMode_ = new QRadioButton(tr("Neighbourhood of a neuron"), this);
    aroundMode_->setToolTip(tr("A neuron and every neuron within K synapses or gap junctions, either direction"));
    pickMode_->setChecked(true);
    auto* modes = new QButtonGroup(this);
    modes->addButton(pickMode_);
    modes->addButton(aroundMode_);
    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(pickMode_);
    modeRow->addWidget(aroundMode_);
    modeRow->addStretch();

    // Page 1: searchable multi-selection list.
    auto* pickPage = new QWidget(this);
    search_ = new QLineEdit(pickPage);
    search_->setPlaceholderText(tr("Search: name (AVA, VA1) or class (sensory, motor, …)"));
    search_->setClearButtonEnabled(true);
    search_->setToolTip(tr("Shows the neurons whose name contains the text or whose class starts with it; "
                           "the selection is kept while searching"));
    list_ = new QListWidget(pickPage);
    list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    list_->setUniformItemSizes(true);
    list_->setToolTip(tr("Neurons of the data set: name, Cook class and transmitter"));
    shown_ = new QLabel(pickPage);
    auto* selectShown = new QPushButton(tr("Select shown"), pickPage);
    selectShown->setToolTip(tr("Add every neuron the search shows to the selection"));
    auto* clear = new QPushButton(tr("Clear selection"), pickPage);
    auto* listButtons = new QHBoxLayout;
    listButtons->addWidget(shown_, 1);
    listButtons->addWidget(selectShown);
    listButtons->addWidget(clear);
    auto* pickLayout = new QVBoxLayout(pickPage);
    pickLayout->setContentsMargins(0, 0, 0, 0);
    pickLayout->addWidget(search_);
    pickLayout->addWidget(list_, 1);
    pickLayout->addLayout(listButtons);

    // Page 2: centre neuron and radius.
    auto* aroundPage = new QWidget(this);
    centre_ = new QComboBox(aroundPage);
    centre_->setEditable(true);
    centre_->setInsertPolicy(QComboBox::NoInsert);
    centre_->completer()->setCompletionMode(QCompleter::PopupCompletion);
    centre_->completer()->setFilterMode(Qt::MatchContains);
    centre_->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    centre_->setToolTip(tr("The neuron at the centre of the neighbourhood"));
    hops_ = new QSpinBox(aroundPage);
    hops_->setRange(0, 10);
    hops_->setValue(1);
    hops_->setSuffix(tr(" hops"));
    hops_->setToolTip(tr("Radius K: neurons reachable through at most K synapses or gap junctions (direction ignored)"));
    auto* aroundForm = new QFormLayout(aroundPage);
    aroundForm->setContentsMargins(0, 0, 0, 0);
    aroundForm->addRow(tr("Around"), centre_);
    aroundForm->addRow(tr("Within"), hops_);

    pages_ = new QStackedWidget(this);
    pages_->addWidget(pickPage);
    pages_->addWidget(aroundPage);

    dt_ = new QDoubleSpinBox(this);
    dt_->setDecimals(3);
    dt_->setRange(0.001, 10.0);
    dt_->setValue(0.1);
    dt_->setSuffix(tr(" ms"));
    dt_->setToolTip(tr("Time step of the new circuit (ms)"));

    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Room for the counts and the large-circuit note without the dialog jumping as they change.
    summary_->setMinimumHeight(summary_->fontMetrics().lineSpacing() * 3);
    summary_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    errorLabel_ = new QLabel(this);
    errorLabel_->setWordWrap(true);
    errorLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
    errorLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorLabel_->hide();

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Create Circuit"));
    buttons_->button(QDialogButtonBox::Ok)->setToolTip(tr("Replace the current project with the new circuit"));

    auto* form = new QFormLayout;
    form->addRow(tr("Source"), source_);
    form->addRow(tr("Data folder"), dirRow);
    form->addRow(tr("Time step"), dt_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(errorLabel_);
    layout->addLayout(modeRow);
    layout->addWidget(pages_, 1);
    layout->addWidget(summary_);
    layout->addWidget(buttons_);

    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &ConnectomeDialog::browseDataDir);
    connect(source_, &QComboBox::currentIndexChanged, this, &ConnectomeDialog::load);
    connect(pickMode_, &QRadioButton::toggled, this, [this](bool pick) {
        pages_->setCurrentIndex(pick ? 0 : 1);
        refresh();
    });
    connect(search_, &QLineEdit::textChanged, this, &ConnectomeDialog::applyFilter);
    connect(list_, &QListWidget::itemSelectionChanged, this, &ConnectomeDialog::refresh);
    connect(selectShown, &QPushButton::clicked, this, [this] {
        const QSignalBlocker block(list_);  // one summary update, not one per neuron
        for (int r = 0; r < list_->count(); ++r)
            if (!list_->item(r)->isHidden()) list_->item(r)->setSelected(true);
        refresh();
    });
    connect(clear, &QPushButton::clicked, list_, &QListWidget::clearSelection);
    connect(centre_, &QComboBox::currentTextChanged, this, &ConnectomeDialog::refresh);
    connect(hops_, &QSpinBox::valueChanged, this, &ConnectomeDialog::refresh);
    connect(dt_, &QDoubleSpinBox::valueChanged, this, &ConnectomeDialog::refresh);

    QString dir = dataDir;
    if (dir.isEmpty()) {
        const QString remembered = QSettings().value(settingsKey).toString();
        dir = holdsConnectome(remembered) ? remembered : findConnectomeDir();
    }
    dataDir_ = dir;
    load();
    resize(620, 640);
}

bool ConnectomeDialog::setDataDir(const QString& dir) {
    dataDir_ = dir;
    load();
    return connectome_.has_value();
}

void ConnectomeDialog::browseDataDir() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Connectome data folder"), dataDir_);
    if (dir.isEmpty()) return;
    if (setDataDir(dir)) QSettings().setValue(settingsKey, dir);
}

void ConnectomeDialog::setSource(ConnectomeSource source) {
    source_->setCurrentIndex(source_->findData(static_cast<int>(source)));
}

void ConnectomeDialog::setMode(Mode mode) {
    (mode == Mode::Pick ? pickMode_ : aroundMode_)->setChecked(true);
}

void ConnectomeDialog::setFilter(const QString& text) { search_->setText(text); }

void ConnectomeDialog::selectNeurons(const QStringList& names) {
    {
        const QSignalBlocker block(list_);
        for (int r = 0; r < list_->count(); ++r) {
            QListWidgetItem* item = list_->item(r);
            if (names.contains(item->data(Qt::UserRole + 1).toString())) item->setSelected(true);
        }
    }
    refresh();
}

void ConnectomeDialog::setNeighbourhood(const QString& centre, int hops) {
    setMode(Mode::Neighbourhood);
    hops_->setValue(hops);
    centre_->setCurrentText(centre);
    refresh();
}

void ConnectomeDialog::load() {
    connectome_.reset();
    error_.clear();
    dirEdit_->setText(dataDir_);
    const QString previousCentre = centre_->currentText();
    QStringList previouslySelected;
    for (const QListWidgetItem* item : list_->selectedItems()) previouslySelected << item->data(Qt::UserRole + 1).toString();
    {
        const QSignalBlocker blockList(list_), blockCentre(centre_);
        list_->clear();
        centre_->clear();
    }
    if (dataDir_.isEmpty() || !QFileInfo(dataDir_).isDir()) {
        error_ = dataDir_.isEmpty()
                     ? tr("The connectome data folder was not found (it is installed as share/odynn-studio/connectome). "
                          "Choose it with Browse…; in the sources it is resources/connectome.")
                     : tr("The connectome data folder %1 does not exist. Choose another one with Browse….").arg(dataDir_);
    } else {
        try {
            const auto source = static_cast<ConnectomeSource>(source_->currentData().toInt());
            connectome_ = loadConnectome(QDir(dataDir_).absolutePath().toStdString(), source);
        } catch (const std::exception& e) {
            error_ = tr("Could not read the connectome data:\n%1").arg(QString::fromUtf8(e.what()));
        }
    }
    errorLabel_->setText(error_);
    errorLabel_->setVisible(!error_.isEmpty());
    if (connectome_) {
        const QSignalBlocker blockList(list_), blockCentre(centre_);
        QStringList names;
        for (size_t k = 0; k < connectome_->neurons.size(); ++k) {
            const ConnectomeNeuron& n = connectome_->neurons[k];
            if (!n.inSource) continue;  // Varshney leaves out the pharyngeal neurons
            const QString name = QString::fromStdString(n.name);
            QString text = QStringLiteral("%1  —  %2").arg(name, QString::fromStdString(n.cookClass));
            if (!n.neurotransmitters.empty())
                text += QStringLiteral(", ") + QString::fromStdString(n.neurotransmitters).replace(QLatin1Char(';'), QStringLiteral(", "));
            auto* item = new QListWidgetItem(text, list_);
            item->setData(Qt::UserRole, static_cast<int>(k));
            item->setData(Qt::UserRole + 1, name);
            item->setData(Qt::UserRole + 2, QString::fromStdString(n.cookClass));
            item->setSelected(previouslySelected.contains(name));
            names << name;
        }
        centre_->addItems(names);
        const int centre = centre_->findText(previousCentre.isEmpty() ? QStringLiteral("AVAL") : previousCentre);
        centre_->setCurrentIndex(std::max(0, centre));
    }
    applyFilter();
}

void ConnectomeDialog::applyFilter() {
    const QString text = search_->text().trimmed();
    int shown = 0;
    for (int r = 0; r < list_->count(); ++r) {
        QListWidgetItem* item = list_->item(r);
        const bool match = text.isEmpty() || item->data(Qt::UserRole + 1).toString().contains(text, Qt::CaseInsensitive) ||
                           item->data(Qt::UserRole + 2).toString().startsWith(text, Qt::CaseInsensitive);
        item->setHidden(!match);
        shown += match ? 1 : 0;
    }
    shown_->setText(tr("%1 of %2 shown").arg(shown).arg(list_->count()));
    refresh();
}

std::vector<int> ConnectomeDialog::selectedNeurons() const {
    std::vector<int> picked;
    if (!connectome_) return picked;
    if (pickMode_->isChecked()) {
        // List order (the data set's order), not click order, so the same choice gives the same circuit.
        for (int r = 0; r < list_->count(); ++r)
            if (list_->item(r)->isSelected()) picked.push_back(list_->item(r)->data(Qt::UserRole).toInt());
        return picked;
    }
    const int centre = connectome_->neuronIndex(centre_->currentText().trimmed().toStdString());
    if (centre < 0 || !connectome_->neurons[static_cast<size_t>(centre)].inSource) return picked;
    return connectomeNeighbourhood(*connectome_, centre, hops_->value());
}

std::optional<Circuit> ConnectomeDialog::circuit() const {
    const std::vector<int> picked = selectedNeurons();
    if (picked.empty()) return std::nullopt;
    return connectomeCircuit(*connectome_, picked, dt_->value());
}

QString ConnectomeDialog::errorText() const { return error_; }

QString ConnectomeDialog::summaryText() const { return summary_->text(); }

void ConnectomeDialog::refresh() {
    QString text;
    std::optional<Circuit> c;
    try {
        c = circuit();
    } catch (const std::exception& e) {
        text = tr("Cannot build the circuit: %1").arg(QString::fromUtf8(e.what()));
    }
    if (c) {
        int inhibitory = 0;
        for (const Synapse& s : c->synapses) inhibitory += s.excitatory() ? 0 : 1;
        int sensory = 0, command = 0, motor = 0;
        for (const Neuron& n : c->neurons) {
            sensory += n.role == Role::Sensory ? 1 : 0;
            command += n.role == Role::Command ? 1 : 0;
            motor += n.role == Role::Motor ? 1 : 0;
        }
        text = tr("<b>%1 neurons</b> (%2 sensory, %3 command, %7 motor), <b>%4 chemical synapses</b> (%5 inhibitory), "
                  "<b>%6 gap junctions</b>")
                   .arg(c->neurons.size())
                   .arg(sensory)
                   .arg(command)
                   .arg(c->synapses.size())
                   .arg(inhibitory)
                   .arg(c->gaps.size())
                   .arg(motor);
        if (c->neurons.size() > 150) text += tr("<br>Large circuit: simulation and drawing take a moment.");
    } else if (text.isEmpty() && connectome_) {
        text = pickMode_->isChecked() ? tr("Select neurons in the list.")
                                      : tr("No neuron named \"%1\" in this data set.").arg(centre_->currentText());
    }
    summary_->setText(text);
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(c.has_value());
}

}  // namespace odynn::ui
