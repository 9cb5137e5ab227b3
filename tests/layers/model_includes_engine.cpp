// SPDX-License-Identifier: Apache-2.0
// Must NOT compile with the models' include path: a model knows nothing of the engine.
#include "sim/scenario/scenario.hpp"
