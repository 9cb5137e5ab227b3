/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: WARN and BUG (a WARN is logged and reported; a BUG stops the CPU). */
#ifndef STOPSIM_LINUX_BUG_H
#define STOPSIM_LINUX_BUG_H
#include <linux/kernel.h>
#define WARN_ON(cond) ({ int _stopsim_w = !!(cond); if (_stopsim_w) stopsim_k->warn(__FILE__, __LINE__); _stopsim_w; })
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define WARN(cond, ...) WARN_ON(cond)
#define WARN_ONCE(cond, ...) WARN_ON(cond)
#define BUG() stopsim_k->bug(__FILE__, __LINE__)
#define BUG_ON(cond) do { if (cond) BUG(); } while (0)
#endif
