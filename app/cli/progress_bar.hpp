#pragma once
// A one-line progress bar on stderr for long commands; silent when stderr is not a terminal.
#include <chrono>
#include <string>

namespace odynn::cli {

class ProgressBar {
public:
    explicit ProgressBar(int total);
    // Redraws at most 10 times a second; `info` follows the bar (e.g. "best 1.2e+02").
    void update(int done, const std::string& info);
    void finish();

private:
    int total_;
    bool enabled_;
    std::chrono::steady_clock::time_point start_, lastDraw_;
};

}  // namespace odynn::cli
