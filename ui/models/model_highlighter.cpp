#include "models/model_highlighter.hpp"

namespace odynn::ui {

namespace {
QTextCharFormat style(const QColor& colour, bool bold = false, bool italic = false) {
    QTextCharFormat f;
    f.setForeground(colour);
    if (bold) f.setFontWeight(QFont::Bold);
    f.setFontItalic(italic);
    return f;
}
}  // namespace

ModelHighlighter::ModelHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {
    // Later rules win where they overlap: descriptions and comments last.
    rules_.push_back({QRegularExpression(QStringLiteral(R"(\b[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?\b|\binf\b)")),
                      style(QColor(150, 80, 0))});
    rules_.push_back({QRegularExpression(QStringLiteral(R"(^\s*(model|parameter|state)\b)")), style(QColor(20, 60, 170), true)});
    rules_.push_back({QRegularExpression(QStringLiteral(R"(\b(bounds|random|unit|voltage|calcium)\b)")),
                      style(QColor(110, 40, 150))});
    rules_.push_back({QRegularExpression(QStringLiteral(R"(:\s*(implicit|exponential|euler)\s*$)")),
                      style(QColor(110, 40, 150), true)});
    rules_.push_back({QRegularExpression(QStringLiteral(R"(\b(exp|log|sqrt|abs|tanh|cosh|sinh|pow|min|max|sigmoid)(?=\s*\())")),
                      style(QColor(0, 120, 120))});
    rules_.push_back({QRegularExpression(QStringLiteral(R"(^\s*(d[A-Za-z_][A-Za-z0-9_]*/dt|[A-Za-z_][A-Za-z0-9_]*')\s*=)")),
                      style(QColor(170, 20, 60), true)});
    rules_.push_back({QRegularExpression(QStringLiteral(R"(\b(i_inj|dt)\b)")), style(QColor(0, 120, 0), true)});
    rules_.push_back({QRegularExpression(QStringLiteral(R"("[^"]*")")), style(QColor(90, 90, 90), false, true)});
    rules_.push_back({QRegularExpression(QStringLiteral(R"(#.*$)")), style(QColor(120, 120, 120), false, true)});
}

void ModelHighlighter::highlightBlock(const QString& text) {
    for (const Rule& r : rules_) {
        auto it = r.pattern.globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), r.format);
        }
    }
}

}  // namespace odynn::ui
