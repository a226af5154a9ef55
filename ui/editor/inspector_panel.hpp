#pragma once
// Edits the selected neuron, synapse or gap junction. Every parameter shows its unit and
// bounds (from the core's ParamSpec / ParameterLayout), can be reset to its default and can
// be marked "fixed" for fitting. Every change is an undo command; slider drags merge into
// one step, and the window re-simulates shortly after each change.
#include <QSet>
#include <QString>
#include <QWidget>
#include <functional>
#include <string>
#include <vector>

#include "editor/circuit_graph_model.hpp"
#include "editor/parameter_slider.hpp"

class QAction;
class QUndoStack;
class QFormLayout;
class QLineEdit;
class QComboBox;
class QLabel;
class QGridLayout;
class QDoubleSpinBox;
class QCheckBox;
class QScrollArea;

namespace odynn::ui {

class InspectorPanel : public QWidget {
    Q_OBJECT
public:
    InspectorPanel(CircuitGraphModel* model, QUndoStack* undoStack, QWidget* parent = nullptr);

    void showNeuron(NeuronId id);
    void showConnection(ConnectionId id);
    void showNothing();
    NeuronId shownNeuron() const { return neuron_; }
    ConnectionId shownConnection() const { return connection_; }

    // Parameters kept constant by the fit, by ParameterLayout name ("AVA/C_m").
    QSet<QString> fixedParameters() const { return fixed_; }
    void setFixedParameters(const QSet<QString>& names);

    // For tests: the spin box of a parameter row, by its short name ("C_m", "G").
    QDoubleSpinBox* spinBox(const QString& name) const;
    QCheckBox* fixedBox(const QString& name) const;
    ParameterSlider* slider(const QString& name) const;
    // Reset all > a named parameter set of the shown neuron's model (parameter_presets.hpp:
    // "default", "default2"), one undo step; nothing for a model without it.
    void resetToPreset(const std::string& name);

signals:
    void fixedParametersChanged();

private:
    struct Row {
        QString name;      // short name, as shown
        QString fullName;  // ParameterLayout name
        double defaultValue;
        ParameterSlider* slider;
        QDoubleSpinBox* spin;
        QCheckBox* fixed;
        std::function<void(double)> commit;
    };
    void rebuild();
    void refreshValues();
    void addRow(const QString& name, const QString& fullName, const QString& unit, const QString& description,
                double lowerBound, double upperBound, double randomLow, double randomHigh, double defaultValue,
                std::function<void(double)> commit);
    void setRowValue(Row& row, double value);
    QString layoutName(int owner, int index, int slot) const;
    void randomise();
    void resetAll();

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    NeuronId neuron_ = 0;
    ConnectionId connection_ = 0;
    QSet<QString> fixed_;

    QLabel* title_;
    QWidget* header_;
    QLineEdit* label_;
    QComboBox* role_;
    QComboBox* modelBox_;
    QComboBox* preset_;
    QAction* default2_;
    QScrollArea* scroll_;
    QWidget* rowsHost_ = nullptr;
    QGridLayout* grid_ = nullptr;
    QWidget* buttons_;
    std::vector<Row> rows_;
    bool updating_ = false;
};

}  // namespace odynn::ui
