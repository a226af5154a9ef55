#pragma once
// File > New Circuit from Connectome: the real C. elegans wiring (Cook et al. 2019 or
// Varshney et al. 2011, see odynn/connectome.hpp) turned into a circuit. The user either picks
// neurons from a searchable list or takes the neighbourhood of one neuron (K hops); the dialog
// says how many neurons, synapses and gap junctions that gives before anything is created.
#include <QDialog>
#include <QString>
#include <optional>
#include <vector>

#include "odynn/circuit.hpp"
#include "odynn/connectome.hpp"

class QComboBox;
class QLineEdit;
class QListWidget;
class QLabel;
class QRadioButton;
class QSpinBox;
class QDoubleSpinBox;
class QDialogButtonBox;
class QStackedWidget;

namespace odynn::ui {

// Where the bundled connectome CSV files are: $ODYNN_CONNECTOME_DIR, then
// share/odynn-studio/connectome above the executable (installed and build-tree layouts),
// then the source tree's resources/connectome. Empty when none holds neurons.csv.
QString findConnectomeDir();

class ConnectomeDialog : public QDialog {
    Q_OBJECT
public:
    enum class Mode { Pick, Neighbourhood };

    // `dataDir` empty: findConnectomeDir() (or the folder chosen last time).
    explicit ConnectomeDialog(const QString& dataDir = {}, QWidget* parent = nullptr);

    // The circuit of the current selection; empty when nothing is selected or no data loaded.
    std::optional<Circuit> circuit() const;
    std::vector<int> selectedNeurons() const;  // indices into connectome().neurons
    const std::optional<Connectome>& connectome() const { return connectome_; }
    QString errorText() const;   // what went wrong loading the data; empty when fine
    QString summaryText() const;

    // For callers and tests: the same as using the widgets.
    bool setDataDir(const QString& dir);
    void setSource(ConnectomeSource source);
    void setMode(Mode mode);
    void setFilter(const QString& text);
    void selectNeurons(const QStringList& names);  // adds to the selection in the list
    void setNeighbourhood(const QString& centre, int hops);

    QLineEdit* searchBox() const { return search_; }
    QListWidget* neuronList() const { return list_; }
    QComboBox* sourceBox() const { return source_; }
    QComboBox* centreBox() const { return centre_; }
    QSpinBox* hopsBox() const { return hops_; }
    QDialogButtonBox* buttons() const { return buttons_; }

private:
    void load();
    void applyFilter();
    void refresh();
    void browseDataDir();

    QString dataDir_;
    std::optional<Connectome> connectome_;
    QString error_;

    QComboBox* source_;
    QLineEdit* dirEdit_;
    QRadioButton* pickMode_;
    QRadioButton* aroundMode_;
    QStackedWidget* pages_;
    QLineEdit* search_;
    QListWidget* list_;
    QLabel* shown_;
    QComboBox* centre_;
    QSpinBox* hops_;
    QDoubleSpinBox* dt_;
    QLabel* summary_;
    QLabel* errorLabel_;
    QDialogButtonBox* buttons_;
};

}  // namespace odynn::ui
