#pragma once
// Helpers shared by the desktop suites that drive a whole MainWindow.
#include "editor/stimulus_editor.hpp"
#include "window/main_window.hpp"

namespace odynn::ui::test {

// A window for tests: no dialogs, no saved settings or recovery offers, no automatic runs.
inline MainWindow::Options windowOptions() {
    MainWindow::Options o;
    o.showDialogs = false;
    o.restoreSettings = false;
    o.offerRecovery = false;
    o.autoSimulate = false;
    return o;
}

// Cuts the window's stimulus to `duration` ms with every source on from `start` to `stop` ms,
// so that fit epochs stay quick.
inline void shortenStimulus(MainWindow& window, double duration, double start, double stop) {
    StimulusSpec spec = window.stimulusEditor()->spec();
    spec.duration = duration;
    for (BatchEntry& e : spec.entries)
        for (CurrentSource& s : e.sources) {
            s.start = start;
            s.stop = stop;
        }
    window.stimulusEditor()->setSpec(spec);
}

}  // namespace odynn::ui::test
