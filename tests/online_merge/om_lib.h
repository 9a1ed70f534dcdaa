/* SPDX-License-Identifier: MIT */
/* om_lib.h - the shared library of the online-merging sample program. */
#ifndef OM_LIB_H
#define OM_LIB_H

int om_lib_step(int i);

#endif
