# SPDX-License-Identifier: GPL-2.0
#
# Source files of the C VM core, relative to this directory.  The core is
# free of kernel headers: Kbuild links these files into ktapvm.ko, and the
# userspace build compiles the same list into a shared library for tests.
# One list, two builds; add new core files here only.

KTAPVM_CORE_SRCS :=
