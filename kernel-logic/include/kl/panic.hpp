// SPDX-License-Identifier: Apache-2.0
// The generic callers of the stop algorithms: panic() (with or without a crash kernel loaded)
// and kernel_restart(), reduced to the steps that touch the stop.
#pragma once
#include "kl/variant.hpp"

#include <functional>
#include <string>

namespace kl {

struct PanicHooks {
	/// What the panic path does after the stop and before it ends: kmsg_dump()/console flush.
	std::function<void()> after_stop;
	/// kdump: machine_kexec() comes back (no usable crash kernel) and the panic path restarts the
	/// machine with emergency_restart().
	bool kexec_returns = false;
};

/// panic(): kdump_loaded selects __crash_kexec() (crash_smp_send_stop) over smp_send_stop().
[[noreturn]] void panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded,
			const PanicHooks& hooks);
/// nmi_panic(): a panic raised in NMI context; a CPU that loses the race runs nmi_panic_self_stop().
[[noreturn]] void nmi_panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded,
			    const PanicHooks& hooks, const Regs& regs);
/// kernel_restart(): reboot.
[[noreturn]] void kernel_restart(Shim& k, StopVariant& v, const PanicHooks& hooks);

} // namespace kl
