#pragma once
// Numeric CSV tables with a header row (the CLI's data formats). Parsing uses libcsv, so
// quoting follows RFC 4180; every cell must be a finite number.
#include <string>
#include <vector>

#include "odynn/atomic_file.hpp"

namespace odynn {

struct CsvTable {
    std::string source;                   // file name for messages
    std::vector<std::string> header;
    std::vector<std::vector<double>> columns;  // columns[c][row]

    int rows() const { return columns.empty() ? 0 : static_cast<int>(columns[0].size()); }
    int columnIndex(const std::string& name) const;  // -1 when absent
    // Throws InputError naming the file and the column when absent.
    const std::vector<double>& column(const std::string& name) const;
    // The data line (1-based, header is line 1) of a row, for messages.
    static long lineOfRow(int row) { return row + 2; }
};

// Throws InputError (file, line, field) for an unreadable file, an empty file, a ragged row,
// a non-numeric or non-finite cell, or a duplicated header name.
CsvTable readCsv(const std::string& path);
CsvTable parseCsv(const std::string& text, const std::string& sourceName);

// A table of text cells with a header row (names, labels, classes), parsed with libcsv.
// Cells are trimmed of spaces and a trailing CR; a row may have more cells than the header
// (extra cells are kept, e.g. an unquoted comma in a free-text column) but not fewer.
struct TextTable {
    std::string source;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // rows[r][c]
    std::vector<long> lines;                     // file line of each row, for messages

    int columnIndex(const std::string& name) const;  // -1 when absent
    // Throws InputError naming the file and the column when absent.
    int requireColumn(const std::string& name) const;
};
// Throws InputError (file, line) for an unreadable or empty file, malformed quoting, a row
// with fewer cells than the header, or a duplicated header name.
TextTable readTextCsv(const std::string& path);
TextTable parseTextCsv(const std::string& text, const std::string& sourceName);

// A numeric CSV written row by row (memory does not grow with the rows) with full double
// precision (%.17g), atomically: the file appears complete at commit() or not at all. Header
// names with a comma, quote or line break are quoted as RFC 4180 says.
class CsvWriter {
public:
    CsvWriter(const std::string& path, const std::vector<std::string>& header);
    void row(const double* values);  // one value per header column
    void commit();                   // throws InputError (disk full, folder not writable)

private:
    AtomicFile file_;
    size_t columns_;
    std::string line_;
};

// Writes whole columns through CsvWriter.
void writeCsv(const std::string& path, const std::vector<std::string>& header,
              const std::vector<const std::vector<double>*>& columns);

// Checks that t is uniformly spaced (relative 1e-6) with at least 2 rows; returns dt.
double uniformStep(const CsvTable& table, const std::string& timeColumn = "t");

}  // namespace odynn
