/* SPDX-License-Identifier: MIT */
/*
 * tool_internal.h - the .vitprof document: its model (struct vpdoc), read
 * and checked with jansson (read/vitprof_read.c), built into a profile
 * (model/doc_profile.c), merged (merge/doc_merge.c) and written
 * (cli/cmd_export.c), and the loading of a profile from either a raw
 * profile or a document (model/profile.c, doc_profile.c).
 *
 * It includes every module header of the tool, so that a file including
 * it sees all of tools/. The modules, bottom first (each header says what
 * its module is; a layer calls only its own and the layers below:
 * tests/layers/tools.spec):
 *
 *   base/tool.h           exit codes, errors, memory, text, atomic writes
 *   base/json_write.h     streaming JSON writer
 *   read/gcov_values.h    gcov counters of one function, libgcov's merge
 *   read/raw_profile.h    the raw profile (.vitraw), validated
 *   read/gcov_files.h     .gcno and .gcda readers, read/gcov_llvm.h clang's
 *   coverage/coverage.h   arc counters to lines, branches and loops
 *   model/profile.h       the symbolized profile
 *   model/value_sites.h   value profiles by function and site
 *   merge/raw_merge.h     sums of raw profiles
 *   model/document.h      the .vitprof document: model, reader, merge, writer
 *   export/export.h       export formats; export/gcda_write.h writes .gcda
 *                         files
 *   cli/commands.h        the subcommands, called by main (cli/vitprof.c)

 */
#ifndef VITPROF_TOOL_INTERNAL_H
#define VITPROF_TOOL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/json_write.h"
#include "base/tool.h"
#include "cli/commands.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "export/gcda_write.h"
#include "merge/raw_merge.h"
#include "model/document.h"
#include "model/profile.h"
#include "model/value_sites.h"
#include "read/gcov_files.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"


#endif /* VITPROF_TOOL_INTERNAL_H */
