/* SPDX-License-Identifier: MIT */
/*
 * vitprof.c - main() of the `vitprof` command: dispatches to one
 * subcommand (cmd_*.c), and answers help and --version.
 *
 * Exit codes: 0 success, 1 error (bad raw profile, missing binary, write
 * error), 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "base/tool.h"
#include "cli/commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"show", cmd_show, "print the flat profile of a raw profile"},
	{"export", cmd_export, "write a raw profile as a .vitprof JSON document"},
	{"flags", cmd_flags, "print the compiler or linker flags for instrumented builds"},
	{"gcda", cmd_gcda, "write the .gcda files libgcov would have written"},
	{"merge", cmd_merge, "merge raw profiles or .vitprof files, with weights"},
	{"overlap", cmd_overlap, "how similar two profiles are"},
	{"report", cmd_report, "gprof-style report: flat profile and call graph"},
	{"flamegraph", cmd_flamegraph, "write an SVG flame graph of a context-mode profile"},
	{"replay", cmd_replay, "print the timeline of a trace, one line per call"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_usage(FILE *out)
{
	size_t i;

	fputs("usage: vitprof COMMAND [ARGS]\n"
	      "       vitprof help [COMMAND] | --version\n\n"
	      "commands:\n", out);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'vitprof help COMMAND' or 'vitprof COMMAND --help' describes one.\n"
	      "Exit status: 0 success, 1 error, 2 usage error.\n", out);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		print_usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		puts(TOOL_PRODUCER);
		return TOOL_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		char help[] = "--help";
		char *args[3];

		if (argc < 3) {
			print_usage(stdout);
			return TOOL_EXIT_OK;
		}
		cmd = find_command(argv[2]);
		if (!cmd) {
			tool_error(NULL, "help: no command '%s'", argv[2]);
			print_usage(stderr);
			return TOOL_EXIT_USAGE;
		}
		if (argc > 3) {
			tool_error(NULL, "help: one command at a time, not '%s' and '%s'",
			           argv[2], argv[3]);
			print_usage(stderr);
			return TOOL_EXIT_USAGE;
		}
		args[0] = argv[2];
		args[1] = help;
		args[2] = NULL;
		return cmd->run(2, args);
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		tool_error(NULL, "unknown command '%s'", argv[1]);
		print_usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	return cmd->run(argc - 1, argv + 1);
}
