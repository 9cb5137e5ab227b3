/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: the fixed-width and kernel types. */
#ifndef STOPSIM_LINUX_TYPES_H
#define STOPSIM_LINUX_TYPES_H
#include <stddef.h>
#include <stdbool.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef struct { int counter; } atomic_t;
#define ATOMIC_INIT(i) { (i) }
#endif
