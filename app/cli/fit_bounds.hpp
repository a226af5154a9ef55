#pragma once
// --bounds: NAME=LO:HI items and JSON files {"NAME": [LO, HI]}, in the order given.
#include <string>
#include <vector>

#include "odynn/fitting.hpp"

namespace odynn::cli {

std::vector<ParameterBound> parseBounds(const std::vector<std::string>& items);

}  // namespace odynn::cli
