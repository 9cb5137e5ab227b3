/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: this CPU's number and the system state. */
#ifndef STOPSIM_LINUX_SMP_H
#define STOPSIM_LINUX_SMP_H
#include <linux/kernel.h>
#define smp_processor_id() (stopsim_fast->cpu)
#define raw_smp_processor_id() smp_processor_id()
/* enum system_states, in the order the kernel compares them */
enum system_states {
	SYSTEM_BOOTING,
	SYSTEM_SCHEDULING,
	SYSTEM_FREEING_INITMEM,
	SYSTEM_RUNNING,
	SYSTEM_HALT,
	SYSTEM_POWER_OFF,
	SYSTEM_RESTART,
	SYSTEM_SUSPEND,
};
#define system_state ((enum system_states)stopsim_k->system_state())
#endif
