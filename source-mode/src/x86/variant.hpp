// SPDX-License-Identifier: Apache-2.0
// SourceX86Variant: an x86 era whose stop code is the compiled tree (see variant.cpp).
#pragma once
#include "kl/x86/x86.hpp"
#include "source-mode/src/runtime.hpp"
#include "source-mode/kheaders/x86/stopsim/kops_x86.h"

namespace srcmode {

class SourceX86Variant : public kl::x86::X86Variant {
public:
	SourceX86Variant(const Extract& x, const Manifest& m, const std::string& so);

	const char* name() const override { return m_name.c_str(); }
	const char* summary() const override { return m_summary.c_str(); }

	void machine_restart(kl::Shim& k) override;
	void crash_smp_send_stop(kl::Shim& k) override;
	void machine_crash_shutdown(kl::Shim& k, const kl::Regs& regs) override;
	[[noreturn]] void nmi_panic_self_stop(kl::Shim& k, const kl::Regs& regs) override;
	void emergency_restart(kl::Shim& k) override;
	void late_init(kl::Shim& k) override;
	void handle_interrupt(kl::x86::X86Shim& k, unsigned vector, const kl::Regs& regs) override;
	void handle_nmi(kl::x86::X86Shim& k, const kl::Regs& regs) override;

protected:
	void native_stop_other_cpus(kl::x86::X86Shim& k, int wait) override;

private:
	/// Run an entry point of the object on `k`'s CPU (its stop routines trace themselves).
	void run(kl::Shim& k, const std::function<void()>& call);

	stopsim_kops m_ops{};
	stopsim_x86_kops m_xops{};
	std::string m_name, m_summary;
	void (*m_sysvec_reboot)(struct pt_regs*) = nullptr;
	int* m_crashing_cpu = nullptr;
	bool m_generic_crash_done = false;
};

} // namespace srcmode
