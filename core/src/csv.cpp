#include "odynn/csv.hpp"

#include <csv.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "odynn/circuit_io.hpp"
#include "odynn/errors.hpp"

namespace odynn {

int CsvTable::columnIndex(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return int(i);
    return -1;
}

const std::vector<double>& CsvTable::column(const std::string& name) const {
    const int i = columnIndex(name);
    if (i < 0) throw InputError(source, 1, name, "missing column '" + name + "'");
    return columns[i];
}

namespace {

// Feeds `text` through libcsv into a collector that has field(const char*, size_t), endRow(),
// `line` (the current line) and `error` (the first problem found); throws that problem.
template <class Collector>
void parseWith(std::string_view text, const std::string& sourceName, Collector& col) {
    csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) throw std::runtime_error("cannot initialise the CSV parser");
    auto onField = [](void* s, size_t len, void* data) {
        static_cast<Collector*>(data)->field(static_cast<const char*>(s), len);
    };
    auto onRow = [](int, void* data) { static_cast<Collector*>(data)->endRow(); };
    const size_t used = csv_parse(&parser, text.data(), text.size(), onField, onRow, &col);
    if (used != text.size()) {
        const std::string why = csv_strerror(csv_error(&parser));
        csv_free(&parser);
        throw InputError(sourceName, col.line, {}, "malformed CSV: " + why);
    }
    csv_fini(&parser, onField, onRow, &col);
    csv_free(&parser);
    if (col.error) throw *col.error;
}

// Excel's "CSV UTF-8" starts the file with a byte order mark; it is not part of the first name.
std::string_view withoutBom(const std::string& text) {
    std::string_view v(text);
    if (v.substr(0, 3) == "\xEF\xBB\xBF") v.remove_prefix(3);
    return v;
}

// A decimal number with optional surrounding spaces (and a CR from CRLF files) and an optional
// sign. Hexadecimal floats and NUL bytes are not numbers; "inf"/"nan" words and numbers beyond
// the double range are numbers that are not finite.
enum class CellValue { Finite, NotFinite, NotANumber };
CellValue parseDecimal(std::string_view cell, double& value) {
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\r')) cell.remove_suffix(1);
    while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
    if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
    std::string_view word = cell;
    if (!word.empty() && word.front() == '-') word.remove_prefix(1);
    for (const std::string_view special : {"inf", "infinity", "nan"})
        if (word.size() == special.size() &&
            std::equal(word.begin(), word.end(), special.begin(), [](char a, char b) { return (a | 0x20) == b; }))
            return CellValue::NotFinite;
    if (cell.empty() || cell.find_first_not_of("0123456789.eE+-") != std::string_view::npos) return CellValue::NotANumber;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value, std::chars_format::general);
    if (end != cell.data() + cell.size()) return CellValue::NotANumber;
    // Out of range: overflow is not finite, underflow is (close to) 0, as strtod says.
    if (ec == std::errc::result_out_of_range) value = std::strtod(std::string(cell).c_str(), nullptr);
    else if (ec != std::errc()) return CellValue::NotANumber;
    return std::isfinite(value) ? CellValue::Finite : CellValue::NotFinite;
}

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, {}, "cannot open the file for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Collects libcsv's field and row callbacks into a table, checking each cell.
struct Collector {
    explicit Collector(CsvTable* t) : table(t) {}
    CsvTable* table;
    long line = 1;              // current line (1-based), header is line 1
    std::vector<std::string> row;
    std::optional<InputError> error;

    void field(const char* s, size_t len) { row.emplace_back(s, len); }
    void endRow() {
        if (error) return;
        if (line == 1) {
            std::set<std::string> seen;
            for (auto& h : row) {
                while (!h.empty() && (h.back() == ' ' || h.back() == '\r')) h.pop_back();
                while (!h.empty() && h.front() == ' ') h.erase(h.begin());
                if (h.empty()) { fail(0, "empty column name"); return; }
                if (!seen.insert(h).second) { fail(0, "duplicate column '" + printable(h) + "'"); return; }
            }
            table->header = row;
            table->columns.assign(row.size(), {});
        } else if (!(row.size() == 1 && row[0].empty())) {  // skip blank lines
            if (row.size() != table->header.size()) {
                fail(0, "expected " + std::to_string(table->header.size()) + " cells, found " +
                            std::to_string(row.size()));
                return;
            }
            for (size_t c = 0; c < row.size(); ++c) {
                const std::string& cell = row[c];
                double v = 0;
                const CellValue kind = parseDecimal(cell, v);
                if (kind == CellValue::NotANumber) {
                    fail(c, "'" + printable(cell) + "' is not a number");
                    return;
                }
                if (kind == CellValue::NotFinite) { fail(c, "value is not finite"); return; }
                table->columns[c].push_back(v);
            }
        }
        row.clear();
        ++line;
    }
    void fail(size_t col, const std::string& what) {
        const std::string field = col < table->header.size() ? table->header[col] : std::string();
        error.emplace(table->source, line, field, what);
    }
};

}  // namespace

CsvTable parseCsv(const std::string& text, const std::string& sourceName) {
    CsvTable table;
    table.source = sourceName;
    Collector col(&table);
    parseWith(withoutBom(text), sourceName, col);
    if (table.header.empty()) throw InputError(sourceName, 1, {}, "the file is empty (a header row is needed)");
    return table;
}

CsvTable readCsv(const std::string& path) { return parseCsv(readWholeFile(path), path); }

int TextTable::columnIndex(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return int(i);
    return -1;
}

int TextTable::requireColumn(const std::string& name) const {
    const int i = columnIndex(name);
    if (i < 0) throw InputError(source, 1, name, "missing column '" + name + "'");
    return i;
}

namespace {

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
    size_t a = 0;
    while (a < s.size() && s[a] == ' ') ++a;
    return s.substr(a);
}

// libcsv callbacks collecting text rows; the first row is the header.
struct TextCollector {
    explicit TextCollector(TextTable* t) : table(t) {}
    TextTable* table;
    long line = 1;
    std::vector<std::string> row;
    std::optional<InputError> error;

    void field(const char* s, size_t len) { row.push_back(trimmed(std::string(s, len))); }
    void endRow() {
        if (!error) {
            if (line == 1) {
                std::set<std::string> seen;
                for (const auto& h : row) {
                    if (h.empty()) { error.emplace(table->source, line, std::string(), "empty column name"); break; }
                    if (!seen.insert(h).second) { error.emplace(table->source, line, h, "duplicate column '" + h + "'"); break; }
                }
                table->header = row;
            } else if (!(row.size() == 1 && row[0].empty())) {
                if (row.size() < table->header.size())
                    error.emplace(table->source, line, table->header[row.size()],
                                  "expected " + std::to_string(table->header.size()) + " cells, found " +
                                      std::to_string(row.size()));
                else {
                    table->rows.push_back(row);
                    table->lines.push_back(line);
                }
            }
        }
        row.clear();
        ++line;
    }
};

}  // namespace

TextTable parseTextCsv(const std::string& text, const std::string& sourceName) {
    TextTable table;
    table.source = sourceName;
    TextCollector col(&table);
    parseWith(withoutBom(text), sourceName, col);
    if (table.header.empty()) throw InputError(sourceName, 1, {}, "the file is empty (a header row is needed)");
    return table;
}

TextTable readTextCsv(const std::string& path) { return parseTextCsv(readWholeFile(path), path); }

namespace {
std::string csvHeaderCell(const std::string& name) {
    if (name.find_first_of(",\"\r\n") == std::string::npos) return name;
    std::string quoted = "\"";
    for (const char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}
}  // namespace

CsvWriter::CsvWriter(const std::string& path, const std::vector<std::string>& header)
    : file_(path), columns_(header.size()) {
    std::string text;
    for (size_t i = 0; i < header.size(); ++i) text += (i ? "," : "") + csvHeaderCell(header[i]);
    file_.write(text + "\n");
}

void CsvWriter::row(const double* values) {
    line_.clear();
    char buf[40];
    for (size_t c = 0; c < columns_; ++c) {
        const int n = std::snprintf(buf, sizeof buf, "%.17g", values[c]);
        if (c) line_ += ',';
        line_.append(buf, size_t(n));
    }
    line_ += '\n';
    file_.write(line_);
}

void CsvWriter::commit() { file_.commit(); }

void writeCsv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<const std::vector<double>*>& columns) {
    CsvWriter out(path, header);
    const size_t rows = columns.empty() ? 0 : columns[0]->size();
    std::vector<double> values(columns.size());
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < columns.size(); ++c) values[c] = (*columns[c])[r];
        out.row(values.data());
    }
    out.commit();
}

double uniformStep(const CsvTable& table, const std::string& timeColumn) {
    const auto& t = table.column(timeColumn);
    if (t.size() < 2) throw InputError(table.source, 2, timeColumn, "at least 2 rows are needed");
    const double dt = t[1] - t[0];
    if (!(dt > 0)) throw InputError(table.source, CsvTable::lineOfRow(1), timeColumn, "time must increase");
    for (size_t r = 1; r < t.size(); ++r) {
        const double d = t[r] - t[r - 1];
        if (std::abs(d - dt) > 1e-6 * std::abs(dt))
            throw InputError(table.source, CsvTable::lineOfRow(int(r)), timeColumn,
                             "time is not uniformly spaced (step " + std::to_string(d) + " ms, expected " +
                                 std::to_string(dt) + " ms)");
    }
    return dt;
}

}  // namespace odynn
