#pragma once
// Edits the selected neuron, synapse or gap junction. Every parameter shows its unit and
// bounds (from the core's ParamSpec / ParameterLayout), can be reset to its default and can
// be marked "fixed" for fitting or given narrower bounds for fitting ("Fit bounds" dialog; a
// parameter with custom bounds shows them under its name). Every change of a value or of fit
// bounds is an undo command; slider drags merge into one step, and the window re-simulates
// shortly after each change of a value.
#include <QSet>
#include <QString>
#include <QWidget>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "editor/circuit_graph_model.hpp"
#include "editor/parameter_slider.hpp"
#include "odynn/fitting.hpp"

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
class QToolButton;

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
    // Fitting bounds narrower than the model's, by ParameterLayout name.
    std::vector<ParameterBound> fitBounds() const;
    void setFitBounds(const std::vector<ParameterBound>& bounds);  // a project's; not an undo step
    std::optional<std::pair<double, double>> fitBound(const QString& fullName) const;
    // Sets or (nothing) removes one parameter's bounds; the undo command's action.
    void setFitBound(const QString& fullName, std::optional<std::pair<double, double>> bounds);

    // For tests: the spin box of a parameter row, by its short name ("C_m", "G").
    QDoubleSpinBox* spinBox(const QString& name) const;
    QCheckBox* fixedBox(const QString& name) const;
    ParameterSlider* slider(const QString& name) const;
    QToolButton* boundsButton(const QString& name) const;  // opens the row's Fit bounds dialog
    QLabel* nameLabel(const QString& name) const;
    // Reset all > a named parameter set of the shown neuron's model (parameter_presets.hpp:
    // "default", "default2"), one undo step; nothing for a model without it.
    void resetToPreset(const std::string& name);

signals:
    void fixedParametersChanged();
    void fitBoundsChanged();

private:
    struct Row {
        QString name;      // short name, as shown
        QString fullName;  // ParameterLayout name
        double defaultValue;
        ParameterSlider* slider;
        QDoubleSpinBox* spin;
        QCheckBox* fixed;
        QString unit;
        QString nameText;  // the name label's text without the bounds marker
        double lowerBound, upperBound;  // the model's
        QLabel* nameLabel;
        QToolButton* bounds;
        std::function<void(double)> commit;
    };
    void rebuild();
    void refreshValues();
    void addRow(const QString& name, const QString& fullName, const QString& unit, const QString& description,
                double lowerBound, double upperBound, double randomLow, double randomHigh, double defaultValue,
                std::function<void(double)> commit);
    void setRowValue(Row& row, double value);
    void showBoundsMarker(Row& row);
    void editBounds(size_t k);
    QString layoutName(int owner, int index, int slot) const;
    void randomise();
    void resetAll();

    CircuitGraphModel* model_;
    QUndoStack* undoStack_;
    NeuronId neuron_ = 0;
    ConnectionId connection_ = 0;
    QSet<QString> fixed_;
    std::map<QString, std::pair<double, double>> bounds_;  // ParameterLayout name -> [lower, upper]

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
