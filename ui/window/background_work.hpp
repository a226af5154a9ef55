#pragma once
// Simulations and fits run beside the window and leave it a core, so that the event loop keeps
// its pace. Fits, which run for minutes, also run below the GUI thread's priority; a simulation,
// which the user waits for, runs at the normal priority (on a busy machine nice 10 made the
// whole worm take 5 to 10 times longer than the command line).

namespace odynn::ui {

// Threads for a background computation: every core but one (at least one).
int backgroundThreads();
// Lowers the calling thread's scheduling priority (Linux: nice 10). Threads it starts later,
// such as OpenMP's workers of the simulation or the fit it runs, inherit the lower priority.
void lowerCurrentThreadPriority();

}  // namespace odynn::ui
