// SPDX-License-Identifier: Apache-2.0
// drivers/acpi/arm64/agdi.c (Arm Generic Diagnostic Dump and Reset Interface, v5.19 on): at probe
// the driver registers the SDEI event the ACPI AGDI table describes and enables it; the event's
// handler panics with nmi_panic(). A platform agent (a BMC, say) raises the event when an
// operator asks for a diagnostic dump, so the panic runs inside a running SDEI handler (bug 16).
#include "kl/arm64/arm64.hpp"

namespace kl::arm64 {

int agdi_sdei_probe(Arm64Shim& k, unsigned event)
{
	if (!k.sdei_firmware_present())
		return -int(kEIO);
	/* The event is private: sdei_event_register() reaches every CPU; this is this CPU's share. */
	long err = k.smc(SDEI_1_0_FN_SDEI_EVENT_REGISTER, event, 0, 0);
	if (err < 0) {
		k.pr_err("agdi: failed to register for SDEI event " + std::to_string(event));
		return int(sdei_to_linux_errno(err));
	}
	err = k.smc(SDEI_1_0_FN_SDEI_EVENT_ENABLE, event, 0, 0);
	if (err < 0) {
		/* Enabling failed: take the registration back. */
		k.smc(SDEI_1_0_FN_SDEI_EVENT_UNREGISTER, event, 0, 0);
		return int(sdei_to_linux_errno(err));
	}
	return 0;
}

} // namespace kl::arm64
