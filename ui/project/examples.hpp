#pragma once
// The examples offered at first start (the welcome view) and in File > Open Example: each a
// project, plus for the calcium fit the recording its targets come from.
//  - Tap withdrawal: Chalfie et al. 1985's touch circuit (touch receptors ALM, AVM and PLM, DVA,
//    the command interneurons AVA, AVB, AVD and PVC) from the bundled connectome, touched at
//    the front and at the back.
//  - AVAL calcium fit: one AVAL neuron and ODYNN's imaging recording AVAL1.csv prepared as
//    ODYNN did (5 training windows, calcium only).
//  - The whole worm: all 302 neurons of Cook et al. 2019, laid out along the body.
//  - Avoidance: the small ASH -> AVA/AVB circuit the app opened with before.
#include <QString>
#include <vector>

#include "import/target_trace.hpp"
#include "project/project_file.hpp"

namespace odynn::ui {

enum class Example { TapWithdrawal, AvalCalciumFit, WholeWorm, Avoidance };

struct ExampleInfo {
    Example example;
    QString title;
    QString description;
};
std::vector<ExampleInfo> examples();

// Throws InputError when bundled data are missing (the connectome for tap withdrawal and the
// whole worm: findConnectomeDir()).
Project exampleProject(Example example);
// The fitting targets that come with an example (AVAL: ODYNN's 5 training windows at the
// circuit's dt); empty for the others.
std::vector<TargetTrace> exampleTargets(Example example, double dt);

}  // namespace odynn::ui
