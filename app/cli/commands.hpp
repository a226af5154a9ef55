#pragma once
// Subcommands of odynn-cli. Each registers its options on the app and returns the subcommand
// with the function that runs it, which returns the process exit code: 0 ok, 1 failure, 2 bad
// input, 3 a simulation diverged (inf/NaN), 130 interrupted by Ctrl-C.
#include <CLI/CLI.hpp>
#include <functional>

namespace odynn::cli {

struct Command {
    CLI::App* sub;
    std::function<int()> run;
};

Command addModelsCommand(CLI::App& app);
Command addSimulateCommand(CLI::App& app);
Command addBenchCommand(CLI::App& app);
Command addGradientCommand(CLI::App& app);
Command addFitCommand(CLI::App& app);
Command addUncertaintyCommand(CLI::App& app);
Command addImportTraceCommand(CLI::App& app);
Command addConnectomeCommand(CLI::App& app);

}  // namespace odynn::cli
