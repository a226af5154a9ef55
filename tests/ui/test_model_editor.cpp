// Circuit > Models: the editor compiles as the text changes, shows errors at their line and
// column, lists the parameter table, plots the response to a step, assigns the model to the
// selected neurons in one undoable step, and the project file keeps the project's models.
#include <QLabel>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>
#include <qcustomplot.h>

#include "editor/circuit_graph_model.hpp"
#include "models/model_editor.hpp"
#include "odynn/circuit_io.hpp"
#include "odynn/model_file.hpp"
#include "project/project_file.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
const char* model = "model editor_test \"two states\"\n"
                    "parameter g = 0.2 bounds 0 1 unit mS/cm2 \"leak\"\n"
                    "parameter tau = 50 bounds 1 500 unit ms\n"
                    "state V = -60 voltage unit mV\n"
                    "state w = 0\n"
                    "dV/dt = i_inj - g * (V + 60) - w\n"
                    "dw/dt = (V + 60 - w) / tau\n";
}  // namespace

class TestModelEditor : public QObject {
    Q_OBJECT
private slots:
    void compilesShowsErrorsAndAssignsUndoably() {
        CircuitGraphModel graph;
        Circuit c;
        c.addNeuron("A");
        c.addNeuron("B");
        graph.setCircuit(c);
        QUndoStack stack;
        std::vector<std::string> projectModels;
        const NeuronId b = graph.neuronIdAt(1);
        ModelEditor editor(&graph, &stack, &projectModels, [b] { return QList<NeuronId>{b}; });

        editor.setText(QString::fromUtf8(model).replace("- w\n", "- ww\n"));
        QVERIFY(!editor.compiled());
        QVERIFY2(editor.errorText().startsWith("model:6:32: ww: unknown symbol 'ww'"), qPrintable(editor.errorText()));
        QVERIFY(!editor.findChild<QPlainTextEdit*>()->extraSelections().isEmpty());  // the line is marked

        // Typing the fix recompiles after a short pause.
        auto* text = editor.findChild<QPlainTextEdit*>();
        text->setPlainText(QString::fromUtf8(model));
        QTRY_VERIFY(editor.compiled() != nullptr);
        QVERIFY(editor.errorText().isEmpty());
        auto* table = editor.findChild<QTableWidget*>();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(1, 0)->text(), QString("tau"));
        QCOMPARE(table->item(0, 4)->text(), QString("mS/cm2"));
        auto* plot = editor.findChild<QCustomPlot*>();
        QCOMPARE(plot->graphCount(), 1);
        QCOMPARE(plot->graph(0)->dataCount(), 10000);

        QVERIFY(editor.assignToSelection());
        QCOMPARE(graph.neuron(b).model, std::string("editor_test"));
        QCOMPARE(graph.neuron(b).params, (std::vector<double>{0.2, 50.0}));
        QCOMPARE(graph.neuron(graph.neuronIdAt(0)).model, std::string("celegans"));
        QCOMPARE(projectModels, std::vector<std::string>{"editor_test"});
        stack.undo();
        QCOMPARE(graph.neuron(b).model, std::string("celegans"));
        stack.redo();
        QCOMPARE(graph.neuron(b).model, std::string("editor_test"));
    }

    void projectKeepsItsModels() {
        registerModelSource(model, "m.odm");
        registerModelSource("model unused_model\nstate V = 0 voltage\nV' = 0.5 * V\n", "u.odm");
        Project p;
        p.circuit.addNeuron("A", "editor_test");
        p.models = {"editor_test", "unused_model"};
        const nlohmann::json doc = projectToJson(p);
        QCOMPARE(int(doc.at("models").size()), 2);  // the unused model travels too
        const Project back = projectFromJson(nlohmann::json::parse(doc.dump()), "p.json");
        QCOMPARE(back.models, p.models);
        QCOMPARE(back.circuit.neurons[0].model, std::string("editor_test"));
    }
};

QTEST_MAIN(TestModelEditor)
#include "test_model_editor.moc"
