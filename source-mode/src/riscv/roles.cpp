// SPDX-License-Identifier: Apache-2.0
// RISC-V entry points: what the runtime (riscv/variant.cpp) calls each manifest role as.
#include "source-mode/src/internal.hpp"

namespace srcmode {

namespace {
const RoleSig kRiscvRoles[] = {
	{"send_stop", "void", "void", "", "", "void"},
	{"crash_send_stop", "void", "void", "", "", "void"},
	{"crash_stop_failed", "int", "void", "", "0", "bool"},
	{"ipi_range", "void", "int virq, int nr", "virq, nr", "", "void"},
	{"set_ipi_ops", "void", "const struct riscv_ipi_ops *ops", "ops", "", "void"},
	{"backtrace", "void", "const struct cpumask *mask, int exclude_cpu", "mask, exclude_cpu", "", "void"},
	/* a cpuhp "starting" callback, run on each CPU as it comes up (after the IPI set-up) */
	{"cpu_up_hook", "void", "unsigned int cpu", "cpu", "", "void"},
	/* an initcall, run once on the boot CPU after every CPU is up */
	{"late_init", "void", "void", "", "", "void"},
};
} // namespace

const RoleSig* find_riscv_role(const std::string& role)
{
	for (const RoleSig& r : kRiscvRoles)
		if (role == r.role)
			return &r;
	return nullptr;
}

} // namespace srcmode
