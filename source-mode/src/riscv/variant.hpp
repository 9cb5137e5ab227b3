// SPDX-License-Identifier: Apache-2.0
// SourceRiscvVariant: a RISC-V era whose stop code is the compiled tree (see variant.cpp).
#pragma once
#include "kl/riscv/riscv.hpp"
#include "source-mode/src/runtime.hpp"
#include "source-mode/kheaders/riscv/stopsim/kops_riscv.h"

namespace srcmode {

class SourceRiscvVariant : public kl::riscv::RiscvVariant {
public:
	SourceRiscvVariant(const Extract& x, const Manifest& m, const std::string& so);

	const char* name() const override { return m_name.c_str(); }
	const char* summary() const override { return m_summary.c_str(); }
	std::vector<std::string> ipi_names() const override;

	void smp_send_stop(kl::Shim& k) override;
	void crash_smp_send_stop(kl::Shim& k) override;
	bool smp_crash_stop_failed(kl::Shim& k) override;
	[[noreturn]] void panic_smp_self_stop(kl::Shim& k) override;
	void cpu_up(kl::Shim& k) override;
	void late_init(kl::Shim& k) override;
	bool trigger_cpumask_backtrace(kl::Shim& k, const kl::CpuMask& mask) override;
	void handle_IPI(kl::riscv::RiscvShim& k, unsigned ipi, const kl::Regs& regs) override;
	int sse_event_handler(kl::riscv::RiscvShim& k, uint32_t event, const kl::Regs& regs) override;

private:
	/// The irqchip's IPI set-up, once, on the boot hart.
	void ensure_ipis(kl::Shim& k);

	stopsim_kops m_ops{};
	stopsim_riscv_kops m_rops{};
	std::string m_name, m_summary;
	void (*m_handle_IPI_regs)(struct pt_regs*) = nullptr; ///< before 6.4
	bool m_ipis_ready = false;
	bool m_generic_crash_done = false;
};

} // namespace srcmode
