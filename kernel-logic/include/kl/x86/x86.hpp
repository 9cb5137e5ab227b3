// SPDX-License-Identifier: Apache-2.0
// x86 pieces every era shares: the x86 shim (APIC, HLT, WBINVD), the NMI handler registry and
// dispatch (arch/x86/kernel/nmi.c), the REBOOT vector, stop_this_cpu() and the kdump NMI shootdown
// (arch/x86/kernel/reboot.c, crash.c). Eras differ in native_stop_other_cpus() and a few details,
// which their subclasses give.
#pragma once
#include "kl/shim.hpp"
#include "kl/variant.hpp"

#include <string>
#include <vector>

namespace kl::x86 {

constexpr unsigned NMI_VECTOR = 2;
constexpr unsigned REBOOT_VECTOR = 0xf8;
/// The hardware ID the APIC model gives an NMI message (fixed vectors use their number).
constexpr unsigned kNmiHwId = 256;

/// The x86 side of the shim.
class X86Shim : public Shim {
public:
	/// apic->send_IPI_allbutself() / send_IPI(cpu): NMI_VECTOR goes as delivery mode NMI.
	virtual void send_IPI_allbutself(unsigned vector) = 0;
	virtual void send_IPI(unsigned cpu, unsigned vector) = 0;
	virtual void apic_eoi() = 0;
	/// Clear the APIC software enable (fixed interrupts are lost from then on; NMIs still arrive).
	virtual void disable_local_APIC() = 0;
	virtual void native_halt() = 0;
	virtual void native_wbinvd() = 0;
	virtual void cpu_emergency_disable_virtualization() = 0;
	virtual void mcheck_cpu_clear() = 0;
	/// The CPU reached its final halt loop: for the report only.
	virtual void trace_parked() = 0;
};

X86Shim& x86_shim(Shim& k);

class X86Variant : public StopVariant {
public:
	enum : unsigned { IPI_NMI, IPI_REBOOT_VECTOR };

	const char* arch() const override { return "x86"; }
	std::vector<std::string> ipi_names() const override { return {"NMI", "REBOOT_VECTOR"}; }
	unsigned ipi_hw_id(unsigned ipi) const override { return ipi == IPI_NMI ? kNmiHwId : REBOOT_VECTOR; }

	/// smp_send_stop() = stop_other_cpus(wait = 0): panic.
	void smp_send_stop(Shim& k) override { native_stop_other_cpus(x86_shim(k), 0); }
	/// native_machine_shutdown() -> stop_other_cpus() with wait = 1: reboot, halt, kexec.
	void machine_restart(Shim& k) override { native_stop_other_cpus(x86_shim(k), 1); }
	void crash_smp_send_stop(Shim& k) override;
	bool smp_crash_stop_failed(Shim&) override { return false; }
	/// The generic panic_smp_self_stop(): spin with IRQs off (only an NMI gets in).
	[[noreturn]] void panic_smp_self_stop(Shim& k) override;
	[[noreturn]] void nmi_panic_self_stop(Shim& k, const Regs& regs) override;
	/// native_machine_emergency_restart() -> emergency_reboot_disable_virtualization(): the NMI
	/// shootdown that gets VMX/SVM off every CPU before the reset (bug 10 when one already ran).
	void emergency_restart(Shim& k) override;

	/// The receiving side: an external interrupt with `vector`, and an NMI.
	/// Virtual for source mode, whose variant dispatches to the compiled handlers.
	virtual void handle_interrupt(X86Shim& k, unsigned vector, const Regs& regs);
	virtual void handle_nmi(X86Shim& k, const Regs& regs);

	bool nmi_handler_registered(const std::string& name) const;

protected:
	virtual void native_stop_other_cpus(X86Shim& k, int wait) = 0;
	/// stop_this_cpu() of the era. Never returns.
	[[noreturn]] virtual void stop_this_cpu(X86Shim& k);
	/// Since v4.5 a CPU looping in NMI context polls crash_ipi_issued (58c5661f2144).
	virtual bool polls_crash_ipi_issued() const { return true; }
	/// Since v6.2 (26044aff37a5) nmi_shootdown_cpus() refuses a second call (WARN_ON_ONCE), and
	/// the restart path calls it only if no shootdown was issued (silently).
	virtual bool refuses_second_shootdown() const { return true; }
	/// Since v6.6 the restart shootdown runs only when KVM registered its virtualization callback;
	/// before, whenever the CPU supports VMX (or, from v6.2, SVM), which the model's CPUs do.
	virtual bool restart_shootdown_needs_kvm() const { return false; }
	/// Since v6.15 the crash handler goes in a lock-free emergency slot (fe37c699ae3e).
	virtual bool uses_emergency_nmi_handler() const { return false; }
	/// v3.5+ disables virtualization before stopping from the REBOOT vector and the NMI.
	virtual bool disables_virtualization_on_stop() const { return true; }

	/// register_nmi_handler(NMI_LOCAL, ...) under the NMI descriptor lock; 0 on success.
	int register_nmi_handler(X86Shim& k, const std::string& name, bool first);
	void unregister_nmi_handler(X86Shim& k, const std::string& name);
	/// smp_stop_nmi_callback(): filters the initiator, stops everyone else.
	bool smp_stop_nmi_callback(X86Shim& k, const Regs& regs);
	/// nmi_shootdown_cpus(): NMI to all but self, 1000 x 1 ms for the crash acks.
	void nmi_shootdown_cpus(X86Shim& k, bool kdump_callback);
	/// crash_nmi_callback(): returns only on the crashing CPU itself.
	void crash_nmi_callback(X86Shim& k, const Regs& regs);
	/// Send `vector` to all but self and wait while more than one CPU is online (the ack of the
	/// eras before v6.5), at most `budget` x udelay(1) (kPollForever: wait).
	void broadcast_and_wait_offline(X86Shim& k, const char* rung, unsigned vector, uint64_t budget);
	/// The HLT loop every stopped CPU ends in.
	[[noreturn]] void halt_forever(X86Shim& k);

	int stopping_cpu = -1;
	CpuMask cpus_stop_mask;         ///< v6.5+: the ack channel
	int waiting_for_crash_ipi = 0;
	bool crash_ipi_issued = false;
	int crashing_cpu = -1;
	bool shootdown_kdump = false;    ///< shootdown_callback == kdump_nmi_callback
	int cpus_stopped = 0;            ///< static in crash_smp_send_stop()
	std::vector<std::string> nmi_local; ///< NMI_LOCAL handler list, in call order
	bool emergency_handler = false;     ///< v6.15+: crash_nmi_callback in the emergency slot
	bool warned_twice = false;          ///< the WARN_ON_ONCE() of a second nmi_shootdown_cpus()
};

} // namespace kl::x86
