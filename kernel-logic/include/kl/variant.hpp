// SPDX-License-Identifier: Apache-2.0
// A kernel era's stop algorithms: one class per architecture and era, named like the kernel.
#pragma once
#include "kl/shim.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace kl {

class StopVariant {
public:
	virtual ~StopVariant() = default;

	virtual const char* name() const = 0;    ///< e.g. "arm64-v6.12"
	virtual const char* arch() const = 0;    ///< "arm64", "x86", "riscv"
	virtual const char* summary() const = 0; ///< one line for `stopsim list`
	/// IPI numbers of this era, index = number (enum ipi_msg_type).
	virtual std::vector<std::string> ipi_names() const = 0;

	/// Panic and reboot path.
	virtual void smp_send_stop(Shim& k) = 0;
	/// kdump path.
	virtual void crash_smp_send_stop(Shim& k) = 0;
	virtual bool smp_crash_stop_failed(Shim& k) = 0;
	/// A CPU that loses the panic race stops itself. Never returns.
	[[noreturn]] virtual void panic_smp_self_stop(Shim& k) = 0;
	/// machine_restart(): what the architecture does before reset.
	virtual void machine_restart(Shim& k) = 0;
	/// A CPU comes up (cpuhp starting callbacks): runs on that CPU, at boot or when it onlines.
	virtual void cpu_up(Shim&) {}
	/// device_initcall/late_initcall work that runs once, on the boot CPU, after all CPUs are up.
	virtual void late_init(Shim&) {}
	/// Hardware ID of an IPI for fault matching (arm64: the SGI; x86: the vector, NMI = 256).
	virtual unsigned ipi_hw_id(unsigned ipi) const { return ipi; }
	/// nmi_panic_self_stop(): a CPU that panics in NMI context while another CPU already panics.
	[[noreturn]] virtual void nmi_panic_self_stop(Shim& k, const Regs&)
	{
		panic_smp_self_stop(k);
		throw std::logic_error("panic_smp_self_stop() returned");
	}
	/// machine_crash_shutdown() of __crash_kexec(): stop the other CPUs, save this CPU's registers
	/// (and, on arm64 and RISC-V, print "Starting crashdump kernel...").
	virtual void machine_crash_shutdown(Shim& k, const Regs& regs)
	{
		crash_smp_send_stop(k);
		k.crash_save_cpu(regs, k.smp_processor_id());
	}
	/// machine_kexec() of the crash image: the architecture's last words, then the crash kernel
	/// runs. Never returns (nor does the kernel's).
	[[noreturn]] virtual void machine_kexec(Shim& k) { k.machine_end(MachineEnd::kexec); }
	/// emergency_restart() at the end of a panic with panic_timeout set: what the architecture
	/// does before the reset (x86: the NMI shootdown that turns virtualization off).
	virtual void emergency_restart(Shim&) {}
	/// arch_trigger_cpumask_backtrace(): false when the architecture has no NMI backtrace.
	virtual bool trigger_cpumask_backtrace(Shim&, const CpuMask&) { return false; }
};

struct VariantInfo {
	std::string name, arch, summary;
};

/// Every variant this build knows, in a stable order.
std::vector<VariantInfo> list_variants();
/// A fresh instance (its statics zeroed), or nullptr for an unknown name.
std::unique_ptr<StopVariant> make_variant(const std::string& name);

} // namespace kl
