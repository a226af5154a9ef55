#include "progress_bar.hpp"

#include <unistd.h>

#include <cstdio>

namespace odynn::cli {

ProgressBar::ProgressBar(int total)
    : total_(total), enabled_(::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()),
      lastDraw_(start_ - std::chrono::seconds(1)) {}

void ProgressBar::update(int done, const std::string& info) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - lastDraw_ < std::chrono::milliseconds(100)) return;
    lastDraw_ = now;
    const int width = 30;
    const double frac = total_ > 0 ? double(done) / total_ : 1.0;
    const int filled = int(frac * width);
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    std::string bar(filled, '=');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r%5d/%-5d [%s] %3.0f%%  %s  ETA %02d:%02d ", done, total_, bar.c_str(), frac * 100,
                 info.c_str(), int(eta) / 60, int(eta) % 60);
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (enabled_) std::fprintf(stderr, "\n");
}

}  // namespace odynn::cli
