#pragma once
// Syntax colours of the model language (.odm, SPEC 1.5): statements and options, functions,
// numbers, descriptions and comments.
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <vector>

namespace odynn::ui {

class ModelHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit ModelHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    std::vector<Rule> rules_;
};

}  // namespace odynn::ui
