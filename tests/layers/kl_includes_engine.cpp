// SPDX-License-Identifier: Apache-2.0
// Must NOT compile with kernel-logic's include path: kernel logic knows nothing of the engine.
#include "sim/scenario/scenario.hpp"
