// SPDX-License-Identifier: Apache-2.0
// arm64 v6.6 (docs/reference/algorithms.md section 1.3 i-b, bug 16): the crash stop's tail.
#include "kl/arm64/arm64_v6_6.hpp"

namespace kl::arm64 {

void Arm64V6_6::skip_ipi(Arm64Shim& k)
{
	sdei_mask_local_cpu(k);
	/* If this CPU crashed inside an SDEI handler, finish that handler with firmware so that the
	   capture kernel gets working interrupts. */
	sdei_handler_abort(k);
}

} // namespace kl::arm64
