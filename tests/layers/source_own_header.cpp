// SPDX-License-Identifier: Apache-2.0
// Control: a source-mode file including its own layer compiles with the same command.
#include "source-mode/src/internal.hpp"
