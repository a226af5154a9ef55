// File > New Circuit from Connectome: searching and picking neurons, growing a neighbourhood,
// the counts the dialog announces against the core's circuit, a missing data folder, the new
// project in the window; and the heatmap of a 302-neuron circuit (grouping, thinned labels).
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <functional>
#include <qcustomplot.h>

#include "editor/circuit_graph_model.hpp"
#include "import/connectome_dialog.hpp"
#include "window/main_window.hpp"
#include "window_test_support.hpp"
#include "odynn/connectome.hpp"
#include "plots/voltage_heatmap.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {

// Runs `act` on the dialog of type D once it is shown modally (exec() blocks the caller).
template <class D>
void whenShown(std::function<void(D*)> act) {
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, act] {
        for (QWidget* w : QApplication::topLevelWidgets())
            if (auto* d = qobject_cast<D*>(w); d && d->isVisible()) {
                timer->stop();
                timer->deleteLater();
                act(d);
                return;
            }
    });
    timer->start();
}

int visibleItems(const QListWidget* list) {
    int n = 0;
    for (int r = 0; r < list->count(); ++r) n += list->item(r)->isHidden() ? 0 : 1;
    return n;
}

QListWidgetItem* itemNamed(const QListWidget* list, const QString& name) {
    for (int r = 0; r < list->count(); ++r)
        if (list->item(r)->text().startsWith(name + QStringLiteral("  "))) return list->item(r);
    return nullptr;
}

void ctrlClick(QListWidget* list, QListWidgetItem* item) {
    list->scrollToItem(item);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::ControlModifier, list->visualItemRect(item).center());
}

}  // namespace

class TestConnectomeDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("odynn-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_connectome_dialog"));
        QVERIFY2(!findConnectomeDir().isEmpty(), "the bundled connectome data is not found from the test binary");
    }

    void loadsTheBundledData() {
        ConnectomeDialog d(findConnectomeDir());
        QVERIFY2(d.errorText().isEmpty(), qPrintable(d.errorText()));
        QVERIFY(d.connectome().has_value());
        QCOMPARE(d.neuronList()->count(), 302);
        QVERIFY(!d.buttons()->button(QDialogButtonBox::Ok)->isEnabled());  // nothing picked yet
        d.setSource(ConnectomeSource::Varshney2011);
        QCOMPARE(d.neuronList()->count(), static_cast<int>(allConnectomeNeurons(*d.connectome()).size()));
        QVERIFY(d.neuronList()->count() < 302);
        QVERIFY(d.neuronList()->count() >= 279);
    }

    void searchAndPick() {
        ConnectomeDialog d(findConnectomeDir());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QTest::keyClicks(d.searchBox(), QStringLiteral("ava"));
        QCOMPARE(visibleItems(d.neuronList()), 2);  // AVAL, AVAR
        ctrlClick(d.neuronList(), itemNamed(d.neuronList(), QStringLiteral("AVAL")));
        ctrlClick(d.neuronList(), itemNamed(d.neuronList(), QStringLiteral("AVAR")));
        d.searchBox()->clear();
        QTest::keyClicks(d.searchBox(), QStringLiteral("PVC"));
        QCOMPARE(visibleItems(d.neuronList()), 2);
        ctrlClick(d.neuronList(), itemNamed(d.neuronList(), QStringLiteral("PVCL")));
        ctrlClick(d.neuronList(), itemNamed(d.neuronList(), QStringLiteral("PVCR")));
        // Searching kept the earlier picks.
        QCOMPARE(d.neuronList()->selectedItems().size(), 4);
        const std::optional<Circuit> c = d.circuit();
        QVERIFY(c.has_value());
        QCOMPARE(c->neurons.size(), size_t(4));

        const Connectome& con = *d.connectome();
        const Circuit expected = connectomeCircuit(con, con.indicesOf({"AVAL", "AVAR", "PVCL", "PVCR"}), 0.1);
        QCOMPARE(c->synapses.size(), expected.synapses.size());
        QCOMPARE(c->gaps.size(), expected.gaps.size());
        QVERIFY(!expected.synapses.empty());
        for (const Neuron& n : c->neurons) {
            QCOMPARE(n.role, Role::Command);
            QVERIFY(n.position.has_value());  // laid out from the soma positions
        }
        const QString summary = d.summaryText();
        QVERIFY2(summary.contains(QStringLiteral("4 neurons")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("%1 chemical synapses").arg(expected.synapses.size())), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("%1 gap junctions").arg(expected.gaps.size())), qPrintable(summary));
        QVERIFY(d.buttons()->button(QDialogButtonBox::Ok)->isEnabled());

        // A class search and "Select shown".
        d.searchBox()->clear();
        QTest::keyClicks(d.searchBox(), QStringLiteral("sensory"));
        const int sensory = visibleItems(d.neuronList());
        QVERIFY(sensory > 50);
        for (QPushButton* b : d.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Select shown")) QTest::mouseClick(b, Qt::LeftButton);
        QCOMPARE(d.neuronList()->selectedItems().size(), 4 + sensory);
        if (const QByteArray dir = qgetenv("ODYNN_SCREENSHOT_DIR"); !dir.isEmpty())
            d.grab().save(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("connectome_dialog.png")));
    }

    void growNeighbourhood() {
        ConnectomeDialog d(findConnectomeDir());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QRadioButton* around = nullptr;
        for (QRadioButton* r : d.findChildren<QRadioButton*>())
            if (r->text().startsWith(QStringLiteral("Neighbourhood"))) around = r;
        QVERIFY(around);
        QTest::mouseClick(around, Qt::LeftButton);
        QVERIFY(around->isChecked());
        d.centreBox()->lineEdit()->selectAll();
        QTest::keyClicks(d.centreBox()->lineEdit(), QStringLiteral("PVCL"));
        QCOMPARE(d.centreBox()->currentText(), QStringLiteral("PVCL"));
        d.hopsBox()->setValue(0);
        QCOMPARE(d.selectedNeurons().size(), size_t(1));
        d.hopsBox()->setValue(1);
        const Connectome& con = *d.connectome();
        const std::vector<int> expected = connectomeNeighbourhood(con, con.neuronIndex("PVCL"), 1);
        QCOMPARE(d.selectedNeurons(), expected);
        QVERIFY(expected.size() > 10);
        QVERIFY(d.summaryText().contains(QStringLiteral("%1 neurons").arg(expected.size())));
        d.hopsBox()->setValue(2);
        QVERIFY(d.selectedNeurons().size() > expected.size());
        // An unknown centre: nothing to create, and the dialog says why.
        d.centreBox()->setCurrentText(QStringLiteral("NOPE"));
        QVERIFY(d.selectedNeurons().empty());
        QVERIFY(!d.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        QVERIFY(d.summaryText().contains(QStringLiteral("NOPE")));
    }

    void missingDataFolder() {
        const QString missing = QDir::temp().filePath(QStringLiteral("no-such-connectome-folder"));
        ConnectomeDialog d(missing);
        QVERIFY(!d.connectome().has_value());
        QVERIFY2(d.errorText().contains(missing), qPrintable(d.errorText()));
        QVERIFY(!d.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        QCOMPARE(d.neuronList()->count(), 0);
        // Pointing it at the data recovers.
        QVERIFY(d.setDataDir(findConnectomeDir()));
        QVERIFY(d.errorText().isEmpty());
        QCOMPARE(d.neuronList()->count(), 302);
    }

    void windowCreatesTheProject() {
        MainWindow window(test::windowOptions());
        window.undoStack()->clear();
        QVERIFY(!window.isModified());
        whenShown<ConnectomeDialog>([](ConnectomeDialog* d) {
            d->setNeighbourhood(QStringLiteral("AVAL"), 1);
            QTest::mouseClick(d->buttons()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        });
        QVERIFY(window.newCircuitFromConnectome());
        const Connectome con = loadConnectome(findConnectomeDir().toStdString(), ConnectomeSource::Cook2019);
        const std::vector<int> expected = connectomeNeighbourhood(con, con.neuronIndex("AVAL"), 1);
        QCOMPARE(window.model()->neuronCount(), static_cast<int>(expected.size()));
        QVERIFY(window.model()->neuronIdByLabel(QStringLiteral("AVAL")) != 0);
        QVERIFY(window.model()->neuronIdByLabel(QStringLiteral("ASH")) == 0);  // the example is gone
        QVERIFY(!window.undoStack()->canUndo());  // a new project, not an edit of the old one
        QVERIFY(window.isModified());             // not saved anywhere yet
        QVERIFY(window.projectPath().isEmpty());
        for (const Neuron& n : window.model()->circuit().neurons) QVERIFY(n.position.has_value());

        // Another one: the unsaved generated circuit makes the window ask first (Discard), and
        // cancelling the dialog then leaves the circuit alone.
        const int before = window.model()->neuronCount();
        whenShown<ConnectomeDialog>([](ConnectomeDialog* d) { d->reject(); });
        whenShown<QMessageBox>([](QMessageBox* box) {
            QTest::mouseClick(box->button(QMessageBox::Discard), Qt::LeftButton);
        });
        QVERIFY(!window.newCircuitFromConnectome());
        QCOMPARE(window.model()->neuronCount(), before);
    }

    void heatmapOf302Neurons() {
        MainWindow window(test::windowOptions());
        const Connectome con = loadConnectome(findConnectomeDir().toStdString(), ConnectomeSource::Cook2019);
        Project p;
        p.circuit = connectomeCircuit(con, allConnectomeNeurons(con), 0.1);
        p.stimulus = StimulusSpec::defaultFor(p.circuit);
        p.stimulus.duration = 300;  // ms: enough for a picture, quick to simulate
        window.setProject(p, QString());
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.simulateNow());
        if (const QByteArray dir = qgetenv("ODYNN_SCREENSHOT_DIR"); !dir.isEmpty()) {
            if (auto* tabs = window.heatmap()->parentWidget() ? qobject_cast<QTabWidget*>(window.heatmap()->parentWidget()->parentWidget()) : nullptr)
                tabs->setCurrentWidget(window.heatmap());
            QTest::qWait(200);
            window.grab().save(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("window_302.png")));
        }
        // On its own at a typical dock size.
        VoltageHeatmap view;
        VoltageHeatmap* heatmap = &view;
        heatmap->resize(1000, 520);
        heatmap->show();
        QVERIFY(QTest::qWaitForWindowExposed(heatmap));
        heatmap->setOutput(*window.lastOutput());
        heatmap->setGrouping(VoltageHeatmap::Grouping::Role);
        heatmap->plot()->replot();
        QCOMPARE(heatmap->rowOrder().size(), size_t(302));
        // Sensory rows first, motor rows last.
        const auto& neurons = window.lastOutput()->circuit.neurons;
        QCOMPARE(neurons[static_cast<size_t>(heatmap->rowOrder().front())].role, Role::Sensory);
        QCOMPARE(neurons[static_cast<size_t>(heatmap->rowOrder().back())].role, Role::Motor);
        // Left and right neurons of a class sit next to each other.
        auto rowOf = [&](const std::string& label) {
            for (size_t r = 0; r < heatmap->rowOrder().size(); ++r)
                if (neurons[static_cast<size_t>(heatmap->rowOrder()[r])].label == label) return static_cast<int>(r);
            return -1;
        };
        QCOMPARE(std::abs(rowOf("AVAL") - rowOf("AVAR")), 1);
        // Labels thinned: readable ones, but not 302 crammed into a few hundred pixels.
        const int shown = heatmap->visibleLabels().size();
        QVERIFY2(shown > 10 && shown < 120, qPrintable(QString::number(shown)));
        // Zoomed into 20 rows, every row is named.
        heatmap->plot()->yAxis->setRange(99.5, 119.5);
        heatmap->plot()->replot();
        QCOMPARE(heatmap->visibleLabels().size(), 20);

        heatmap->setGrouping(VoltageHeatmap::Grouping::NeuronClass);
        heatmap->plot()->replot();
        QCOMPARE(heatmap->rowOrder().size(), size_t(302));
        heatmap->plot()->yAxis->setRange(-0.5, 301.5);
        heatmap->plot()->replot();
        // Dense: one label per class, and class names rather than neuron names.
        const QStringList classes = heatmap->visibleLabels();
        QVERIFY2(classes.size() > 5 && classes.size() < 120, qPrintable(classes.join(QLatin1Char(' '))));
        QVERIFY2(classes.contains(QStringLiteral("ADA")) || classes.contains(QStringLiteral("ADE")), qPrintable(classes.join(QLatin1Char(' '))));

        if (const QByteArray dir = qgetenv("ODYNN_SCREENSHOT_DIR"); !dir.isEmpty()) {
            heatmap->setGrouping(VoltageHeatmap::Grouping::Role);
            heatmap->plot()->replot();
            heatmap->grab().save(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("heatmap_302_role.png")));
            heatmap->setGrouping(VoltageHeatmap::Grouping::NeuronClass);
            heatmap->plot()->replot();
            heatmap->grab().save(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("heatmap_302_class.png")));
        }
    }

    void neuronClasses() {
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("AVAL")), QStringLiteral("AVA"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("VA12")), QStringLiteral("VA"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("RMDDL")), QStringLiteral("RMD"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("IL2VR")), QStringLiteral("IL2"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("AVL")), QStringLiteral("AVL"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("PVR")), QStringLiteral("PVR"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("I1L")), QStringLiteral("I1"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("AVDR")), QStringLiteral("AVD"));
        QCOMPARE(VoltageHeatmap::neuronClass(QStringLiteral("RMED")), QStringLiteral("RME"));
    }
};

QTEST_MAIN(TestConnectomeDialog)
#include "test_connectome_dialog.moc"
