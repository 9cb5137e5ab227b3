/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: compiler attributes and annotations the kernel's code is written with. */
#ifndef STOPSIM_LINUX_COMPILER_H
#define STOPSIM_LINUX_COMPILER_H
#define STOPSIM_EXPORT __attribute__((visibility("default")))
#define __init
#define __initdata
#define __initconst
#define __exit
#define __ref
#define __cpuinit
#define __read_mostly
#define __ro_after_init
#define __tracepoint_string
#define __cacheline_aligned
#define __always_inline inline __attribute__((always_inline))
#define noinline __attribute__((noinline))
#define __noreturn __attribute__((noreturn))
#define __maybe_unused __attribute__((unused))
#define __used __attribute__((used))
#define __weak __attribute__((weak))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define notrace
#define asmlinkage
#define __visible
#define __kprobes
#define noinstr
#define __user
#define __iomem
#define __percpu
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" ::: "memory")
#define unreachable() __builtin_unreachable()
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#endif
