/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim, arm64: force-included before a compiled arm64 file. */
#include <stopsim/prelude.h>
#include <asm/arm64.h>
