/* SPDX-License-Identifier: MIT */
/*
 * cli/commands.h - the subcommands of `vitprof`, one file each (cmd_*.c),
 * called by main() (vitprof.c), and what they share: the notes about a
 * profile's completeness, and the text views of `vitprof show`
 * (show_coverage.c, show_values.c).
 */
#ifndef VITPROF_COMMANDS_H
#define VITPROF_COMMANDS_H

#include <stddef.h>

#include "coverage/coverage.h"
#include "model/value_sites.h"
#include "read/raw_profile.h"

/* ---- the subcommands ----------------------------------------------------- */

/* Each takes the arguments after the subcommand name (argv[0] is the name)
 * and returns an exit code (TOOL_EXIT_*). */
int cmd_show(int argc, char **argv);
/* cmd_show.c: the "note: ..." lines about a profile's completeness (still
 * running, no times, lost frames or tables) that show and report print. */
void print_profile_notes(const struct raw_profile *raw);
int cmd_export(int argc, char **argv);
int cmd_flags(int argc, char **argv);
int cmd_gcda(int argc, char **argv);     /* cmd_gcda.c */
int cmd_merge(int argc, char **argv);    /* cmd_merge.c */
int cmd_overlap(int argc, char **argv);  /* cmd_overlap.c */
int cmd_report(int argc, char **argv);      /* cmd_report.c */
int cmd_flamegraph(int argc, char **argv);  /* cmd_flamegraph.c */
int cmd_replay(int argc, char **argv);      /* cmd_replay.c */

/* ---- show_coverage.c: `vitprof show --branches`, `--loops` ---------------- */

/* The top (0: all) lines with branches, by executions, with their bias. */
void show_branches(const struct cov_report *r, size_t top);
/* The top (0: all) loops by iterations, with trips per entry. */
void show_loops(const struct cov_report *r, size_t top);

/* show_values.c: `vitprof show --values`: the hottest indirect call sites
 * with their targets, then the topn sites where one value dominates, by
 * executions; top (0: all) rows of each. */
void show_values(const struct vpdoc_value_site *v, size_t n, size_t top);

#endif /* VITPROF_COMMANDS_H */
