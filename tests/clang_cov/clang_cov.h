/* SPDX-License-Identifier: MIT */
#ifndef CLANG_COV_H
#define CLANG_COV_H
int scan(int n);
int never_called(int a);
#endif
