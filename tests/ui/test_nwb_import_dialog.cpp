// File > Import NWB Recording: the series tree of an NWB file, ROI and stimulus choice, the
// preview, and a target equal to the core's import; unreadable series are refused with the
// message.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>
#include <qcustomplot.h>

#include "import/nwb_import_dialog.hpp"

using namespace odynn;
using namespace odynn::ui;

namespace {
const QString calcium = QStringLiteral(ODYNN_TEST_DATA_DIR "/nwb/calcium.nwb");
const QString patchClamp = QStringLiteral(ODYNN_TEST_DATA_DIR "/nwb/patch_clamp.nwb");

QPushButton* okButton(const QDialog& d) { return d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok); }

int seriesCount(QTreeWidget* tree) {
    int n = 0;
    for (QTreeWidgetItemIterator it(tree); *it; ++it) n += (*it)->data(0, Qt::UserRole + 1).isValid() ? 1 : 0;
    return n;
}
}  // namespace

class TestNwbImportDialog : public QObject {
    Q_OBJECT
private slots:
    void calciumSeriesByLabel() {
        NwbImportDialog d({QStringLiteral("AVAR"), QStringLiteral("AVAL")}, 100.0);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY2(d.setFile(calcium), qPrintable(d.errorText()));
        QCOMPARE(seriesCount(d.tree()), 2);
        QVERIFY(d.selectSeries(QStringLiteral("/processing/ophys/Fluorescence/RoiResponseSeries")));
        QCOMPARE(d.roiBox()->count(), 3);
        QVERIFY(d.roiBox()->itemText(2).contains(QStringLiteral("RIML")));
        QCOMPARE(d.roiBox()->currentData().toString(), QStringLiteral("1"));  // AVAR, the neuron's name
        QVERIFY(d.plot()->graph(1)->dataCount() == 120);
        QVERIFY(okButton(d)->isEnabled());
        QTest::mouseClick(okButton(d), Qt::LeftButton);
        QCOMPARE(d.result(), int(QDialog::Accepted));
        const auto t = d.target();
        QVERIFY(t.has_value());
        QVERIFY(t->columns[0].calcium);
        QCOMPARE(t->columns[0].neuron, QStringLiteral("AVAR"));
        NwbImportOptions o;
        o.series = "/processing/ophys/Fluorescence/RoiResponseSeries";
        o.roi = "AVAR";
        o.dt = 100.0;
        const NwbFittingData want = importNwb(calcium.toStdString(), o);
        QCOMPARE(t->columns[0].values, want.target);
        QCOMPARE(t->time, want.t);
    }

    void currentClampWithStimulusAndBadFilter() {
        NwbImportDialog d({QStringLiteral("A")}, 0.1);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY(d.setFile(patchClamp));
        QCOMPARE(seriesCount(d.tree()), 4);  // the unknown MysterySeries is not listed
        QCOMPARE(d.stimulusBox()->currentData().toString(), QStringLiteral("/stimulus/presentation/cc_stimulus"));
        QVERIFY(d.selectSeries(QStringLiteral("/acquisition/cc_response")));
        QVERIFY(!d.roiBox()->isEnabled());
        QVERIFY(d.errorText().isEmpty());
        const auto t = d.target();
        QVERIFY(t.has_value());
        QVERIFY(!t->columns[0].calcium);  // V in mV
        QVERIFY(std::abs(t->columns[0].values[0] - -65.0) < 1e-9);
        QVERIFY(std::abs(t->currents[0].second[700] - 20.0) < 1e-9);

        QVERIFY(d.selectSeries(QStringLiteral("/acquisition/lzf_response")));
        QVERIFY(d.errorText().contains(QStringLiteral("filter 32000")));
        QVERIFY(!okButton(d)->isEnabled());
    }

    void notAnNwbFile() {
        NwbImportDialog d({QStringLiteral("A")}, 0.1);
        QVERIFY(!d.setFile(QStringLiteral(ODYNN_TEST_DATA_DIR "/AVAL1.csv")));
        QVERIFY(d.errorText().contains(QStringLiteral("not an HDF5")));
    }
};

QTEST_MAIN(TestNwbImportDialog)
#include "test_nwb_import_dialog.moc"
