/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: the SDEI client API is declared by the arch header (asm/arm64.h). */
#ifndef STOPSIM_LINUX_ARM_SDEI_H
#define STOPSIM_LINUX_ARM_SDEI_H
#endif
