#include "editor/fit_bound_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QVBoxLayout>
#include <cmath>

#include "fit/fit_bounds.hpp"

namespace odynn::ui {

namespace {
QString valueText(double v) {
    if (std::isinf(v)) return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    return QString::number(v, 'g', 6);
}
}  // namespace

FitBoundDialog::FitBoundDialog(const QString& name, const QString& unit, double modelLower, double modelUpper,
                               std::optional<std::pair<double, double>> current, QWidget* parent)
    : QDialog(parent), unit_(unit), modelLower_(modelLower), modelUpper_(modelUpper) {
    setWindowTitle(tr("Fit bounds of %1").arg(name));
    const QString units = unit.isEmpty() ? tr("no unit") : unit;
    auto* intro = new QLabel(tr("The fit keeps <b>%1</b> between these bounds (%2). Empty: the model's bound, "
                                "[%3, %4].")
                                 .arg(name, units, valueText(modelLower), valueText(modelUpper)),
                             this);
    intro->setWordWrap(true);
    auto makeEdit = [&](double modelBound, const QString& side) {
        auto* edit = new QLineEdit(this);
        edit->setPlaceholderText(std::isfinite(modelBound) ? tr("model: %1").arg(valueText(modelBound))
                                                           : tr("required: the model has no %1 bound").arg(side));
        edit->setToolTip(tr("%1 bound of %2 for fitting, in %3; empty for the model's, %4")
                             .arg(side == QLatin1String("lower") ? tr("Lower") : tr("Upper"), name, units,
                                  valueText(modelBound)));
        return edit;
    };
    lower_ = makeEdit(modelLower, QStringLiteral("lower"));
    upper_ = makeEdit(modelUpper, QStringLiteral("upper"));
    if (current) {
        lower_->setText(QString::number(current->first, 'g', 17));
        upper_->setText(QString::number(current->second, 'g', 17));
    }
    problem_ = new QLabel(this);
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #b00020"));
    auto* form = new QFormLayout;
    form->addRow(unit.isEmpty() ? tr("Lower") : tr("Lower [%1]").arg(unit), lower_);
    form->addRow(unit.isEmpty() ? tr("Upper") : tr("Upper [%1]").arg(unit), upper_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &FitBoundDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &FitBoundDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(buttons);
}

QString FitBoundDialog::problemText() const { return problem_->text(); }

void FitBoundDialog::accept() {
    const QString lowText = lower_->text().trimmed(), highText = upper_->text().trimmed();
    if (lowText.isEmpty() && highText.isEmpty()) {
        bounds_.reset();
        QDialog::accept();
        return;
    }
    // C-locale numbers, as in the project file; the user's locale is accepted too.
    auto parse = [](const QString& text, double fallback, bool* ok) {
        if (text.isEmpty()) {
            *ok = true;
            return fallback;
        }
        double v = text.toDouble(ok);
        if (!*ok) v = QLocale().toDouble(text, ok);
        return v;
    };
    bool lowOk = false, highOk = false;
    const double low = parse(lowText, modelLower_, &lowOk), high = parse(highText, modelUpper_, &highOk);
    if (!lowOk || !highOk) {
        problem_->setText(tr("\"%1\" is not a number.").arg(lowOk ? highText : lowText));
        return;
    }
    if (!std::isfinite(low) || !std::isfinite(high)) {
        problem_->setText(tr("Give the %1 bound: the model has none, and a fit needs finite bounds.")
                              .arg(std::isfinite(low) ? tr("upper") : tr("lower")));
        return;
    }
    const std::string why = fitBoundProblem(low, high, modelLower_, modelUpper_, unit_.toStdString());
    if (!why.empty()) {
        problem_->setText(QString::fromStdString(why));
        return;
    }
    bounds_ = std::make_pair(low, high);
    QDialog::accept();
}

}  // namespace odynn::ui
