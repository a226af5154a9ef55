#pragma once
// Simulations and fits run beside the window: their threads run below the GUI thread's
// priority and leave it a core, so that the event loop keeps its pace whatever the load.

namespace odynn::ui {

// Threads for a background computation: every core but one (at least one).
int backgroundThreads();
// Lowers the calling thread's scheduling priority (Linux: nice 10). Threads it starts later,
// such as OpenMP's workers of the simulation or the fit it runs, inherit the lower priority.
void lowerCurrentThreadPriority();

}  // namespace odynn::ui
