#pragma once
// Asks what the columns of an imported CSV mean: one row per column with its first values,
// a role (time in ms or s, V, Ca, current, ignore), the neuron it belongs to and a scale
// factor. Sized for a 1366x768 screen.
#include <QDialog>
#include <vector>

#include "import/column_mapping.hpp"

class QTableWidget;
class QLabel;

namespace odynn::ui {

class ColumnMappingDialog : public QDialog {
    Q_OBJECT
public:
    ColumnMappingDialog(const CsvTable& table, const QStringList& neurons, const std::vector<ColumnMapping>& guess,
                        QWidget* parent = nullptr);

    std::vector<ColumnMapping> mapping() const;
    void setMapping(const std::vector<ColumnMapping>& mapping);
    QTableWidget* table() const { return table_; }

    void accept() override;  // refuses (with the reason shown) a mapping that cannot work

private:
    const CsvTable& csv_;
    QTableWidget* table_;
    QLabel* problem_;
};

}  // namespace odynn::ui
