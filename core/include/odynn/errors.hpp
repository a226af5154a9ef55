#pragma once
// Typed errors that carry where bad input came from, so every front end (CLI, app) can
// print one clear line: "file:line: field: what is wrong".
#include <stdexcept>
#include <string>

namespace odynn {

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
        if (!field.empty()) s.append(": ").append(field);
        return s.append(": ").append(message);
    }
    std::string file_;
    long line_, column_;
    std::string field_;
};

}  // namespace odynn
