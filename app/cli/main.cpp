// odynn-cli: the headless driver of the ODYNN Studio core.
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "commands.hpp"
#include "odynn/errors.hpp"
#include "odynn/kernel_level.hpp"
#include "process_partition.hpp"

namespace {

// One line per failure; in an MPI job the failing rank ends the whole job with it.
int fail(const char* what, int code) {
    using namespace odynn::cli;
    if (processCount() > 1) {
        std::cerr << "error: rank " << processRank() << ": " << what << std::endl;
        abortProcesses(code);
    }
    std::cerr << "error: " << what << "\n";
    return code;
}

int runCommand(int argc, char** argv) {
    CLI::App app{"ODYNN Studio command-line tool: simulate and fit biological neural circuits"};
    app.require_subcommand(1);
    // The version, then the instruction-set level the kernels run at on this CPU.
    app.set_version_flag("--version", [] { return std::string(ODYNN_VERSION) + "\nkernels: " + odynn::kernelLevel(); });
    using namespace odynn::cli;
    const std::vector<Command> commands = {addModelsCommand(app), addSimulateCommand(app), addBenchCommand(app),
                                           addGradientCommand(app), addFitCommand(app), addUncertaintyCommand(app),
                                           addImportTraceCommand(app), addConnectomeCommand(app)
};
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    try {
        for (const Command& c : commands)
            if (c.sub->parsed()) return c.run();
    } catch (const odynn::InputError& e) {
        return fail(e.what(), 2);
    } catch (const std::invalid_argument& e) {
        return fail(e.what(), 2);
    } catch (const std::bad_alloc&) {
        return fail("not enough memory for this task", 1);
    } catch (const std::exception& e) {
        return fail(e.what(), 1);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    odynn::cli::startProcesses(argc, argv);
    const int code = runCommand(argc, argv);
    odynn::cli::finishProcesses();
    return code;
}
