/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: what every compiled kernel file sees in place of its own #include lines. */
#ifndef STOPSIM_PRELUDE_H
#define STOPSIM_PRELUDE_H
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/irq.h>
#include <stopsim/printk_impl.h>
#endif
