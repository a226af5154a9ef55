#include "import/column_mapping_dialog.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <exception>

namespace odynn::ui {

namespace {
constexpr ColumnRole roles[] = {ColumnRole::Ignore, ColumnRole::TimeMs, ColumnRole::TimeS,
                                ColumnRole::Voltage, ColumnRole::Calcium, ColumnRole::Current};
enum Column { NameColumn, PreviewColumn, RoleColumn, NeuronColumn, ScaleColumn };
}  // namespace

ColumnMappingDialog::ColumnMappingDialog(const CsvTable& table, const QStringList& neurons,
                                         const std::vector<ColumnMapping>& guess, QWidget* parent)
    : QDialog(parent), csv_(table) {
    setWindowTitle(tr("Columns of %1").arg(QFileInfo(QString::fromStdString(table.source)).fileName()));
    auto* intro = new QLabel(tr("The columns of this file are not named in a known way (t, V, cac, V_<neuron>, …). "
                                "Say what each column holds: one time column and at least one V or Ca column."),
                             this);
    intro->setWordWrap(true);
    table_ = new QTableWidget(static_cast<int>(table.header.size()), 5, this);
    table_->setHorizontalHeaderLabels({tr("Column"), tr("First values"), tr("Meaning"), tr("Neuron"), tr("Scale ×")});
    table_->verticalHeader()->hide();
    for (int c = 0; c < table_->rowCount(); ++c) {
        auto* name = new QTableWidgetItem(QString::fromStdString(table.header[static_cast<size_t>(c)]));
        name->setFlags(Qt::ItemIsEnabled);
        table_->setItem(c, NameColumn, name);
        QStringList preview;
        for (int r = 0; r < 3 && r < table.rows(); ++r) preview << QString::number(table.columns[static_cast<size_t>(c)][static_cast<size_t>(r)], 'g', 5);
        auto* values = new QTableWidgetItem(preview.join(QStringLiteral(", ")) + QStringLiteral(", …"));
        values->setFlags(Qt::ItemIsEnabled);
        table_->setItem(c, PreviewColumn, values);
        auto* role = new QComboBox(table_);
        for (ColumnRole r : roles) role->addItem(roleLabel(r), static_cast<int>(r));
        table_->setCellWidget(c, RoleColumn, role);
        auto* neuron = new QComboBox(table_);
        neuron->addItems(neurons);
        table_->setCellWidget(c, NeuronColumn, neuron);
        auto* scale = new QDoubleSpinBox(table_);
        scale->setRange(-1e9, 1e9);
        scale->setDecimals(4);
        scale->setValue(1.0);
        scale->setToolTip(tr("Values are multiplied by this factor (ODYNN multiplies imaging traces and currents by 10)"));
        table_->setCellWidget(c, ScaleColumn, scale);
        connect(role, &QComboBox::currentIndexChanged, this, [this, role, neuron, scale] {
            const auto r = static_cast<ColumnRole>(role->currentData().toInt());
            const bool perNeuron = r == ColumnRole::Voltage || r == ColumnRole::Calcium || r == ColumnRole::Current;
            neuron->setEnabled(perNeuron);
            scale->setEnabled(perNeuron);
            problem_->clear();
        });
    }
    table_->horizontalHeader()->setSectionResizeMode(PreviewColumn, QHeaderView::Stretch);
    problem_ = new QLabel(this);
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #b00000"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(table_, 1);
    layout->addWidget(problem_);
    layout->addWidget(buttons);
    setMapping(guess);
    resize(720, std::min(560, 200 + 34 * table_->rowCount()));
}

std::vector<ColumnMapping> ColumnMappingDialog::mapping() const {
    std::vector<ColumnMapping> out;
    for (int c = 0; c < table_->rowCount(); ++c) {
        ColumnMapping m;
        m.role = static_cast<ColumnRole>(static_cast<QComboBox*>(table_->cellWidget(c, RoleColumn))->currentData().toInt());
        m.neuron = static_cast<QComboBox*>(table_->cellWidget(c, NeuronColumn))->currentText();
        m.scale = static_cast<QDoubleSpinBox*>(table_->cellWidget(c, ScaleColumn))->value();
        out.push_back(m);
    }
    return out;
}

void ColumnMappingDialog::setMapping(const std::vector<ColumnMapping>& mapping) {
    for (int c = 0; c < table_->rowCount() && c < static_cast<int>(mapping.size()); ++c) {
        const ColumnMapping& m = mapping[static_cast<size_t>(c)];
        auto* role = static_cast<QComboBox*>(table_->cellWidget(c, RoleColumn));
        role->setCurrentIndex(role->findData(static_cast<int>(m.role)));
        auto* neuron = static_cast<QComboBox*>(table_->cellWidget(c, NeuronColumn));
        if (const int k = neuron->findText(m.neuron); k >= 0) neuron->setCurrentIndex(k);
        static_cast<QDoubleSpinBox*>(table_->cellWidget(c, ScaleColumn))->setValue(m.scale);
        emit role->currentIndexChanged(role->currentIndex());
    }
}

void ColumnMappingDialog::accept() {
    try {
        traceFromMapping(csv_, mapping());
    } catch (const std::exception& e) {
        problem_->setText(QString::fromUtf8(e.what()));
        return;
    }
    QDialog::accept();
}

}  // namespace odynn::ui
