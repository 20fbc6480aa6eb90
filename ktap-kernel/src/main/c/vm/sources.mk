# SPDX-License-Identifier: GPL-2.0
#
# Source files of the C VM core, relative to this directory.  The core is
# free of kernel headers (only ktap_port.h maps the host): Kbuild links
# KTAPVM_CORE_SRCS into ktapvm.ko, and the userspace build (Makefile here)
# compiles KTAPVM_USER_SRCS into libktapvm.so for tests.  One list, two builds;
# add new core files to KTAPVM_COMMON_SRCS only.

KTAPVM_COMMON_SRCS := ktap_agg.c ktap_api.c ktap_heap.c ktap_lib.c ktap_load.c \
		      ktap_printf.c ktap_ring.c ktap_table.c ktap_verify.c ktap_vm.c

KTAPVM_CORE_SRCS := $(KTAPVM_COMMON_SRCS) ktap_port_kernel.c
KTAPVM_USER_SRCS := $(KTAPVM_COMMON_SRCS) ktap_port_user.c

# The interpreter's computed gotos keep one indirect jump per handler only if
# GCC neither hoists (GCSE) nor merges (cross-jumping) them into one shared
# dispatch, which predicts badly: the kernel builds its BPF interpreter with
# -fno-gcse for the same reason.  Both builds use these flags for ktap_vm.c.
KTAPVM_INTERP_CFLAGS := -fno-gcse -fno-crossjumping
CFLAGS_vm/ktap_vm.o += $(KTAPVM_INTERP_CFLAGS)
