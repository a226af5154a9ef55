// CSV reading: well-formed files, quoting, and messages for bad ones.
#include "odynn/csv.hpp"
#include "odynn/errors.hpp"
#include "test_support.hpp"

using namespace odynn;

class TestCsv : public QObject {
    Q_OBJECT
    static QString error(const char* text) {
        try {
            parseCsv(text, "d.csv");
        } catch (const InputError& e) {
            return e.what();
        }
        return {};
    }
private slots:
    void parsesNumbersAndQuotes() {
        const CsvTable t = parseCsv("t,\"i_inj\"\r\n0,1.5\r\n0.5,-2e-3\r\n\n", "d.csv");
        QCOMPARE(t.header, (std::vector<std::string>{"t", "i_inj"}));
        QCOMPARE(t.rows(), 2);
        QCOMPARE(t.column("i_inj")[1], -2e-3);
        QCOMPARE(uniformStep(t), 0.5);
    }
    void messagesNameFileLineField() {
        QCOMPARE(error("t,i\n0,1\n1,x\n"), QString("d.csv:3: i: 'x' is not a number"));
        QVERIFY(error("").contains("empty"));
        QVERIFY(error("t,t\n0,0\n").contains("duplicate column 't'"));
        QVERIFY(error("t,i\n0,1,2\n").contains("d.csv:2"));
        QVERIFY(error("t,i\n0,inf\n").contains("not finite"));
        QVERIFY(error("t,i\n0,\n").contains("d.csv:2: i"));
        const CsvTable t = parseCsv("t\n0\n1\n3\n", "d.csv");
        try {
            uniformStep(t);
            QFAIL("non-uniform time accepted");
        } catch (const InputError& e) {
            QCOMPARE(e.line(), 4L);
            QCOMPARE(QString::fromStdString(e.field()), QString("t"));
        }
        try {
            t.column("i_inj");
            QFAIL("missing column accepted");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("missing column 'i_inj'"));
        }
    }
    void garbageNeverCrashes() {
        // A deterministic sweep of random bytes: every outcome is a table or an InputError.
        std::mt19937 rng(1);
        const std::string alphabet = "0123456789.,-e\"\n\r tiabc";
        for (int k = 0; k < 3000; ++k) {
            std::string s;
            const int len = int(rng() % 60);
            for (int j = 0; j < len; ++j) s += alphabet[rng() % alphabet.size()];
            try {
                parseCsv(s, "fuzz.csv");
            } catch (const InputError&) {
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestCsv)
#include "test_csv.moc"
