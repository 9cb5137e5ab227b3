/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim, RISC-V: force-included before a compiled RISC-V file. */
#include <stopsim/prelude.h>
#include <asm/riscv.h>
