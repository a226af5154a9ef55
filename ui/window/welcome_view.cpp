#include "window/welcome_view.hpp"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace odynn::ui {

namespace {

// A large button holding a title and a wrapped description (a plain QPushButton does not wrap).
QPushButton* card(const QString& title, const QString& description, QWidget* parent) {
    auto* button = new QPushButton(parent);
    button->setToolTip(description);
    auto* layout = new QVBoxLayout(button);
    layout->setContentsMargins(14, 10, 14, 10);
    auto* heading = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), button);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    heading->setFont(font);
    auto* text = new QLabel(description, button);
    text->setWordWrap(true);
    for (QLabel* label : {heading, text}) {
        label->setAttribute(Qt::WA_TransparentForMouseEvents);  // the click belongs to the button
        layout->addWidget(label);
    }
    layout->addStretch();
    button->setMinimumSize(260, 120);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    return button;
}

}  // namespace

WelcomeView::WelcomeView(QWidget* parent) : QWidget(parent) {
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    column->setContentsMargins(24, 20, 24, 20);
    auto* title = new QLabel(tr("<h2>Welcome to ODYNN Studio</h2>"
                                "<p>Build C. elegans neural circuits, simulate them and fit their parameters to "
                                "recordings. Start from an example:</p>"),
                             content);
    title->setWordWrap(true);
    column->addWidget(title);

    auto* grid = new QGridLayout;
    grid->setSpacing(12);
    int k = 0;
    for (const ExampleInfo& info : examples()) {
        QPushButton* button = card(info.title, info.description, content);
        buttons_[info.example] = button;
        grid->addWidget(button, k / 2, k % 2);
        connect(button, &QPushButton::clicked, this, [this, e = info.example] { emit exampleChosen(e); });
        ++k;
    }
    column->addLayout(grid);

    auto* others = new QHBoxLayout;
    empty_ = new QPushButton(tr("Empty circuit"), content);
    empty_->setToolTip(tr("Start from nothing: add neurons (N) and connect them (Shift+drag)"));
    open_ = new QPushButton(tr("Open project…"), content);
    others->addWidget(empty_);
    others->addWidget(open_);
    others->addStretch();
    column->addLayout(others);
    auto* hint = new QLabel(tr("Help > Quick Start explains building, simulating and fitting. File > Open Example "
                               "brings these examples back."),
                            content);
    hint->setWordWrap(true);
    column->addWidget(hint);
    column->addStretch();
    connect(empty_, &QPushButton::clicked, this, &WelcomeView::emptyCircuitChosen);
    connect(open_, &QPushButton::clicked, this, &WelcomeView::openProjectChosen);

    // Scrolls rather than pushing the window past a small screen.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

}  // namespace odynn::ui
