// SPDX-License-Identifier: Apache-2.0
// Must NOT compile with source mode's include path: source mode reads a tree and serves the kernel
// logic's shim; it knows nothing of the engine.
#include "sim/cli/cli.hpp"
