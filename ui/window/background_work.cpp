#include "window/background_work.hpp"

#include <QThread>
#include <algorithm>
#include <cerrno>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace odynn::ui {

namespace {
constexpr int backgroundNice = 10;  // below the default 0 of the GUI thread, above idle
}

int backgroundThreads() { return std::max(1, QThread::idealThreadCount() - 1); }

void lowerCurrentThreadPriority() {
#ifdef __linux__
    // On Linux the nice value belongs to each thread; QThread::setPriority has no effect under
    // the default scheduler. Only ever raised: an unprivileged process cannot lower it again.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && now < backgroundNice) setpriority(PRIO_PROCESS, tid, backgroundNice);
#else
    if (QThread* t = QThread::currentThread()) t->setPriority(QThread::LowPriority);
#endif
}

}  // namespace odynn::ui
