#pragma once
// Circuit > Models: the project's model files (SPEC 1.5) written and tried in the app. The
// text is compiled as it is typed; an error is shown at its line and column, a valid model
// shows its parameter table and a "try it" plot of its response to a current step, and can
// be assigned to the selected neurons (one undoable step). Models are imported from and
// exported to .odm files and saved in the project.
#include <QDialog>
#include <QList>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "editor/circuit_graph_model.hpp"

class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTimer;
class QUndoStack;

namespace odynn {
struct ModelSpec;
}

namespace odynn::ui {

class ModelEditor : public QDialog {
    Q_OBJECT
public:
    // `projectModels` holds the names of the project's model files (read and updated);
    // `selection` gives the neurons an assignment applies to.
    ModelEditor(CircuitGraphModel* model, QUndoStack* undoStack, std::vector<std::string>* projectModels,
                std::function<QList<NeuronId>()> selection, QWidget* parent = nullptr);

    // The text being edited, and the compiled model (nullptr while it has an error).
    QString text() const;
    void setText(const QString& text);
    const ModelSpec* compiled() const { return compiled_; }
    QString errorText() const;
    // Registers the model and assigns it to the selected neurons; false when nothing was done.
    bool assignToSelection();

private:
    void compileNow();
    void showTable(const ModelSpec& spec);
    void plotResponse(const ModelSpec& spec);
    void markError(int line, int column);
    void refreshList();
    void importFile();
    void exportFile();

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    std::vector<std::string>* projectModels_;
    std::function<QList<NeuronId>()> selection_;
    std::shared_ptr<const ModelSpec> compiledHolder_;
    const ModelSpec* compiled_ = nullptr;  // compiledHolder_, or nullptr while the text has an error
    std::string compiledText_;

    QListWidget* list_;
    QPlainTextEdit* editor_;
    QLabel* status_;
    QTableWidget* table_;
    QCustomPlot* plot_;
    QDoubleSpinBox* amplitude_;
    QPushButton* assign_;
    QTimer* recompile_;
};

}  // namespace odynn::ui
