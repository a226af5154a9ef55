#pragma once
// The inspector's "Fit bounds" dialog for one parameter: a lower and an upper bound for fitting,
// each empty for the model's own bound. Bad bounds (lower not below upper, outside the model's
// bounds, an infinite side left empty) are refused with a line saying why; the dialog stays open.
#include <QDialog>
#include <optional>
#include <utility>

class QLabel;
class QLineEdit;

namespace odynn::ui {

class FitBoundDialog : public QDialog {
    Q_OBJECT
public:
    // `current`: the parameter's custom bounds, if it has them.
    FitBoundDialog(const QString& name, const QString& unit, double modelLower, double modelUpper,
                   std::optional<std::pair<double, double>> current, QWidget* parent = nullptr);

    QLineEdit* lowerEdit() const { return lower_; }
    QLineEdit* upperEdit() const { return upper_; }
    QString problemText() const;
    // After acceptance: the bounds chosen, or nothing when both fields were empty (the model's
    // bounds, i.e. no custom bounds).
    std::optional<std::pair<double, double>> bounds() const { return bounds_; }

    void accept() override;  // refuses bad bounds, saying why

private:
    QString unit_;
    double modelLower_, modelUpper_;
    QLineEdit* lower_;
    QLineEdit* upper_;
    QLabel* problem_;
    std::optional<std::pair<double, double>> bounds_;
};

}  // namespace odynn::ui
