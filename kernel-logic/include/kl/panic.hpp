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
};

/// A WARN() splat: the cut-here line, the message (if any), the WARNING line naming the
/// source file and function, and the end-of-trace line (no registers, modules or call trace).
void warn_splat(Shim& k, const char* file, const char* func, const std::string& msg);

/// panic(): kdump_loaded means a crash kernel is loaded, so __crash_kexec() kexecs into it
/// (before the notifiers, or after them with crash_kexec_post_notifiers). Without one the panic
/// ends in its loop, or with panic_timeout in emergency_restart().
/// `regs`: where panic() itself runs (crash_setup_regs() of the current context), which the crash
/// kernel's note for this CPU records; task context unless it was raised inside a handler.
[[noreturn]] void panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded,
			const PanicHooks& hooks, const Regs& regs = Regs{true, Ctx::task, "panic"});
/// nmi_panic(): a panic raised in NMI context; a CPU that loses the race runs nmi_panic_self_stop().
[[noreturn]] void nmi_panic(Shim& k, StopVariant& v, const std::string& msg, bool kdump_loaded,
			    const PanicHooks& hooks, const Regs& regs);
/// kernel_restart(): reboot.
[[noreturn]] void kernel_restart(Shim& k, StopVariant& v, const PanicHooks& hooks);

} // namespace kl
