/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim, x86: force-included before a compiled x86 file. */
#include <stopsim/prelude.h>
#include <asm/x86.h>
