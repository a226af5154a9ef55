#pragma once
// Typed errors that carry where bad input came from, so every front end (CLI, app) can
// print one clear line: "file:line: field: what is wrong".
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace odynn {

// Text from a file as it may appear inside an error message: control characters (terminal
// escape codes, NUL, newlines) written as \xNN and at most `cap` bytes, with the full length
// said when cut, so that one bad cell still gives one short line.
inline std::string printable(std::string_view text, size_t cap = 40) {
    std::string out;
    for (size_t i = 0; i < text.size() && i < cap; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += char(c);
        }
    }
    if (text.size() > cap) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

// A number as a message shows it: 6 significant digits, no trailing zeros (1e+300, -0.5).
inline std::string readableNumber(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.6g", x);
    return b;
}

class InputError : public std::runtime_error {
public:
    InputError(std::string file, long line, std::string field, const std::string& message)
        : InputError(std::move(file), line, 0, std::move(field), message) {}
    // With a column (1-based, in characters): "file:line:column: field: what is wrong".
    InputError(std::string file, long line, long column, std::string field, const std::string& message)
        : std::runtime_error(format(file, line, column, field, message)),
          file_(std::move(file)), line_(line), column_(column), field_(std::move(field)) {}

    const std::string& file() const noexcept { return file_; }
    long line() const noexcept { return line_; }   // 0 when the error is not tied to a line
    long column() const noexcept { return column_; }  // 0 when not known
    const std::string& field() const noexcept { return field_; }

private:
    static std::string format(const std::string& file, long line, long column, const std::string& field,
                              const std::string& message) {
        std::string s;
        s.append(file.empty() ? "<input>" : file.c_str());
        if (line > 0) s.append(":").append(std::to_string(line));
        if (line > 0 && column > 0) s.append(":").append(std::to_string(column));
        if (!field.empty()) s.append(": ").append(printable(field, 80));
        return s.append(": ").append(message);
    }
    std::string file_;
    long line_, column_;
    std::string field_;
};

}  // namespace odynn
