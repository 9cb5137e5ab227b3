// SPDX-License-Identifier: Apache-2.0
// The x86 stop algorithms, one class per era (each in its own source file).
#pragma once
#include "kl/x86/x86.hpp"

namespace kl::x86 {

/// v3.3/v3.4: NMI first and only (Don Zickus' first attempt).
class X86V3_3 : public X86Variant {
public:
	const char* name() const override { return "x86-v3.3"; }
	const char* summary() const override { return "NMI to all but self first and only, 1 s (wait => forever)"; }

protected:
	void native_stop_other_cpus(X86Shim& k, int wait) override;
	bool polls_crash_ipi_issued() const override { return false; }
	bool refuses_second_shootdown() const override { return false; }
	bool disables_virtualization_on_stop() const override { return false; }

private:
	void native_irq_stop_other_cpus(X86Shim& k, int wait);
};

/// v3.5 (7d007d21e539): REBOOT_VECTOR 1 s, then NMI 10 ms; with wait the first loop never ends.
/// Up to v4.4.
class X86V3_5 : public X86Variant {
public:
	const char* name() const override { return "x86-v3.5"; }
	const char* summary() const override
	{
		return "REBOOT_VECTOR 1 s then NMI 10 ms; wait=1 (reboot) never leaves the first loop";
	}

protected:
	void native_stop_other_cpus(X86Shim& k, int wait) override;
	bool polls_crash_ipi_issued() const override { return false; }
	bool refuses_second_shootdown() const override { return false; }
};

/// v4.5 (58c5661f2144): the stop of v3.5; a CPU looping in NMI context in nmi_panic() polls
/// crash_ipi_issued and saves its own registers. Up to v5.2.
class X86V4_5 : public X86V3_5 {
public:
	const char* name() const override { return "x86-v4.5"; }
	const char* summary() const override { return "as v3.5; a CPU looping in NMI context joins the kdump shootdown itself"; }

protected:
	bool polls_crash_ipi_issued() const override { return true; }
};

/// v5.3 (d92e35b76cfc): the first loop is always 1 s; NMI whenever CPUs remain. Up to v6.1.
class X86V5_3 : public X86Variant {
public:
	const char* name() const override { return "x86-v5.3"; }
	const char* summary() const override
	{
		return "REBOOT_VECTOR 1 s, then NMI broadcast; second loop 10 ms (wait=1: forever); ack = offline";
	}

protected:
	void native_stop_other_cpus(X86Shim& k, int wait) override;
	bool refuses_second_shootdown() const override { return false; }
};

/// v6.2 (26044aff37a5): the stop of v5.3; the emergency restart skips the NMI shootdown when a
/// crash shootdown already ran, and a second nmi_shootdown_cpus() is refused. Up to v6.4.
class X86V6_2 : public X86V5_3 {
public:
	const char* name() const override { return "x86-v6.2"; }
	const char* summary() const override { return "as v5.3; no second NMI shootdown on an emergency restart"; }

protected:
	bool refuses_second_shootdown() const override { return true; }
};

/// v6.5 (1f5e7eb7868e): cpus_stop_mask, ack after WBINVD, per-CPU NMI to the CPUs not acked.
class X86V6_5 : public X86Variant {
public:
	const char* name() const override { return "x86-v6.5"; }
	const char* summary() const override
	{
		return "REBOOT_VECTOR 1 s, then NMI to each CPU not in the ack mask; ack after WBINVD";
	}

protected:
	void native_stop_other_cpus(X86Shim& k, int wait) override;
	[[noreturn]] void stop_this_cpu(X86Shim& k) override;
};

/// v6.6 (the KVM reboot-callback series, Sean Christopherson, 2023): as v6.5; the emergency restart
/// disables virtualization (and shoots down) only when KVM registered its callback.
class X86V6_6 : public X86V6_5 {
public:
	const char* name() const override { return "x86-v6.6"; }
	const char* summary() const override { return "as v6.5; the restart NMI shootdown only with KVM's callback"; }

protected:
	bool restart_shootdown_needs_kvm() const override { return true; }
};

/// v6.15 (fe37c699ae3e): as v6.6, with the crash handler in the lock-free emergency slot.
class X86V6_15 : public X86V6_6 {
public:
	const char* name() const override { return "x86-v6.15"; }
	const char* summary() const override { return "as v6.5; kdump installs its NMI handler in the emergency slot"; }

protected:
	bool uses_emergency_nmi_handler() const override { return true; }
};

/// v6.18 (the TDX kexec series): stop_this_cpu() runs WBINVD when this CPU's "cache state
/// incoherent" flag is set (from SME support at boot; here: kernel.sme on every CPU). The flag
/// stays set, so a second stop_this_cpu() (bug 8) flushes again.
class X86V6_18 : public X86V6_15 {
public:
	const char* name() const override { return "x86-v6.18"; }
	const char* summary() const override { return "as v6.15; WBINVD in stop_this_cpu() by a per-CPU incoherent-cache flag"; }
	void cpu_up(Shim& k) override;

protected:
	[[noreturn]] void stop_this_cpu(X86Shim& k) override;

private:
	CpuMask cache_state_incoherent; ///< DEFINE_PER_CPU(bool, ...): one bit per CPU
};

} // namespace kl::x86
