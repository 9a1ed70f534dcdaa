/* SPDX-License-Identifier: MIT */
#ifndef E2E_LIB_H
#define E2E_LIB_H
int lib_outer(int x);
#endif
