// SPDX-License-Identifier: Apache-2.0
// Control: a model file including its own layer compiles with the same command.
#include "models/gic/gic_cpuif_core.hpp"
