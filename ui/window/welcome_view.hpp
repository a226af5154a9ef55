#pragma once
// The welcome view, shown in place of the diagram at start when no project was named: the
// examples, each opened with one click, an empty circuit, and an existing project.
#include <QWidget>
#include <map>

#include "project/examples.hpp"

class QPushButton;

namespace odynn::ui {

class WelcomeView : public QWidget {
    Q_OBJECT
public:
    explicit WelcomeView(QWidget* parent = nullptr);

    QPushButton* exampleButton(Example example) const { return buttons_.at(example); }
    QPushButton* emptyButton() const { return empty_; }
    QPushButton* openButton() const { return open_; }

signals:
    void exampleChosen(odynn::ui::Example example);
    void emptyCircuitChosen();
    void openProjectChosen();

private:
    std::map<Example, QPushButton*> buttons_;
    QPushButton* empty_;
    QPushButton* open_;
};

}  // namespace odynn::ui
