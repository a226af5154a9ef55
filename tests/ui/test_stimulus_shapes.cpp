// Stimulus editor shapes: a Gaussian bump, and a current waveform imported from CSV (linear
// between samples, kept in the project file, refused with file/line/field when malformed).
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "editor/circuit_graph_model.hpp"
#include "editor/stimulus_editor.hpp"
#include "editor/stimulus_spec.hpp"
#include "odynn/errors.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
QString write(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    QFile f(dir.filePath(name));
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return f.fileName();
}
}  // namespace

class TestStimulusShapes : public QObject {
    Q_OBJECT
private slots:
    void gaussianBump() {
        CurrentSource g;
        g.shape = StimulusShape::Gaussian;
        g.start = 200;
        g.stop = 600;
        g.amplitude = 12;
        g.width = 50;
        QCOMPARE(g.at(400), 12.0);
        QVERIFY(std::abs(g.at(450) - 12 * std::exp(-0.5)) < 1e-12);
        QVERIFY(g.at(0) < 1e-6 && g.at(0) > 0);  // tails are not cut
        QCOMPARE(shapeFromName(shapeName(StimulusShape::Gaussian)), StimulusShape::Gaussian);
    }

    void waveformFromCsvRoundTrips() {
        QTemporaryDir dir;
        const QString csv = write(dir, "w.csv", "t,i_inj\n10,0\n11,4\n13,0\n");
        const CurrentSource w = CurrentSource::waveformFromCsv(csv, QStringLiteral("AVA"), 100);
        QCOMPARE(w.shape, StimulusShape::Waveform);
        QCOMPARE(w.at(100), 0.0);     // sample 0 (t 10) at start
        QCOMPARE(w.at(100.5), 2.0);   // halfway to 4
        QCOMPARE(w.at(102), 2.0);     // halfway back down
        QCOMPARE(w.at(99), 0.0);
        QCOMPARE(w.at(104), 0.0);
        StimulusSpec spec;
        spec.entries.append(BatchEntry{QStringLiteral("e"), {w}});
        const StimulusSpec back = StimulusSpec::fromJson(spec.toJson(), "p.json");
        QCOMPARE(back, spec);

        const QString bad = write(dir, "bad.csv", "t,i_inj\n0,0\n1,1\n1,2\n");
        try {
            CurrentSource::waveformFromCsv(bad, QStringLiteral("AVA"));
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(e.line(), 4L);
            QCOMPARE(e.field(), std::string("t"));
        }
        nlohmann::json doc = spec.toJson();
        doc["entries"][0]["sources"][0]["waveCurrent"].erase(0);
        try {
            StimulusSpec::fromJson(doc, "p.json");
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("stimuli.entries[0].waveCurrent"));
        }
    }

    void editorImportsWaveform() {
        Circuit c;
        c.addNeuron("AVA");
        CircuitGraphModel model;
        model.setCircuit(c);
        QUndoStack undo;
        StimulusEditor editor(&model, &undo);
        QTemporaryDir dir;
        QString error;
        QVERIFY(!editor.importWaveform(write(dir, "x.csv", "a,b\n"), &error));
        QVERIFY(error.contains(QStringLiteral("x.csv")));
        const int before = editor.spec().entries.isEmpty() ? 0 : int(editor.spec().entries[0].sources.size());
        QVERIFY2(editor.importWaveform(write(dir, "long.csv", "t,i_inj\n0,0\n1500,30\n"), &error), qPrintable(error));
        const auto& sources = editor.spec().entries[editor.currentEntry()].sources;
        QCOMPARE(int(sources.size()), before + 1);
        QCOMPARE(sources.back().shape, StimulusShape::Waveform);
        QCOMPARE(sources.back().neuron, QStringLiteral("AVA"));
        QVERIFY(editor.spec().duration >= 1500.0);
        const Stimulus s = editor.spec().build(model.circuit());
        QVERIFY(std::abs(s.at(750 * 10, editor.currentEntry(), 0) - 15.0) < 1e-9);  // dt 0.1: t = 750 ms
    }

    // The table of currents shows whole cells: at the editor's smallest size every row is in
    // view and no cell widget is squeezed below what it needs.
    void sourcesTableShowsWholeCells() {
        Circuit c;
        for (const char* label : {"ALML", "ALMR", "AVM", "PLML"}) c.addNeuron(label);
        CircuitGraphModel model;
        model.setCircuit(c);
        QUndoStack undo;
        StimulusEditor editor(&model, &undo);
        if (editor.spec().entries.isEmpty()) editor.addEntry();
        for (const char* label : {"ALML", "ALMR", "AVM", "PLML"}) {
            CurrentSource s;
            s.neuron = QString::fromLatin1(label);
            s.amplitude = -1234.5;
            editor.addSource(editor.currentEntry(), s);
        }
        editor.resize(editor.minimumSizeHint());
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QTableWidget* table = editor.sourcesTable();
        QVERIFY(table->rowCount() >= 4);
        for (int r = 0; r < table->rowCount(); ++r) {
            QVERIFY2(table->rowViewportPosition(r) >= 0 &&
                         table->rowViewportPosition(r) + table->rowHeight(r) <= table->viewport()->height(),
                     qPrintable(QStringLiteral("row %1 cut off: %2 + %3 > %4").arg(r).arg(table->rowViewportPosition(r))
                                    .arg(table->rowHeight(r)).arg(table->viewport()->height())));
            for (int col = 0; col < table->columnCount(); ++col) {
                QWidget* cell = table->cellWidget(r, col);
                QVERIFY(cell);
                QVERIFY2(cell->height() >= cell->sizeHint().height() && cell->width() >= cell->sizeHint().width(),
                         qPrintable(QStringLiteral("cell %1,%2: %3x%4 < %5x%6").arg(r).arg(col).arg(cell->width())
                                        .arg(cell->height()).arg(cell->sizeHint().width()).arg(cell->sizeHint().height())));
            }
        }
    }
};

QTEST_MAIN(TestStimulusShapes)
#include "test_stimulus_shapes.moc"
