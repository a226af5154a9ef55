// odynn-cli: the headless driver of the ODYNN Studio core.
#include <iostream>
#include <vector>

#include "commands.hpp"
#include "odynn/errors.hpp"

int main(int argc, char** argv) {
    CLI::App app{"ODYNN Studio command-line tool: simulate and fit biological neural circuits"};
    app.require_subcommand(1);
    using namespace odynn::cli;
    const std::vector<Command> commands = {addModelsCommand(app), addSimulateCommand(app), addBenchCommand(app),
                                           addGradientCommand(app), addFitCommand(app),
                                           addImportTraceCommand(app), addConnectomeCommand(app)
};
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    try {
        for (const Command& c : commands)
            if (c.sub->parsed()) return c.run();
    } catch (const odynn::InputError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
