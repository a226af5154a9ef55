#pragma once
// Where odynn-cli finds its bundled connectome data.
#include <string>

namespace odynn::cli {

// <prefix>/share/odynn-studio/connectome beside <prefix>/bin/odynn-cli (also the layout of the
// build tree, where app/CMakeLists.txt copies resources/connectome).
std::string bundledConnectomeDir();

}  // namespace odynn::cli
