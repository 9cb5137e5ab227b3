// SPDX-License-Identifier: Apache-2.0
// Control: a kernel-logic file including its own layer compiles with the same command.
#include "kl/shim.hpp"
