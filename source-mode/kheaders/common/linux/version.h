/* SPDX-License-Identifier: Apache-2.0 */
/* stopsim kernel shim: the version of the tree being compiled (the builder passes it with -D). */
#ifndef STOPSIM_LINUX_VERSION_H
#define STOPSIM_LINUX_VERSION_H
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#ifndef STOPSIM_LINUX_VERSION_CODE
#error "stopsim: STOPSIM_LINUX_VERSION_CODE is set by the source-mode builder"
#endif
#define LINUX_VERSION_CODE STOPSIM_LINUX_VERSION_CODE
#endif
