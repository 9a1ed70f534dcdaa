/* SPDX-License-Identifier: MIT */
/*
 * export_dot.c - `vitprof export --format dot`: the call graph as a Graphviz
 * digraph (docs/formats-callgraph.md), drawn the way gprof2dot draws one:
 *
 *   - one node per function: name, file:line, calls (and, in time mode,
 *     total and self time as a share of the run's time);
 *   - one edge per (caller, callee), the call sites summed: its call count
 *     (and its share of the time);
 *   - colour (blue, cold, to red, hot) and pen width scaled by the weight:
 *     the share of the run's time in time mode (a node's total time, an
 *     edge's inclusive time), else the share of all calls (a node's calls,
 *     an edge's count);
 *   - pruned like gprof2dot's defaults: nodes under DOT_NODE_THRESHOLD and
 *     edges under DOT_EDGE_THRESHOLD of the total are left out, except that
 *     every node kept keeps its heaviest incoming edge and that caller, up
 *     to the root, so the hot path is never cut. The graph's first comment
 *     says what was left out.
 *
 * export_dot() returns 0, or -1 on a write error (not reported).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "coverage/coverage.h"
#include "export/export.h"
#include "model/profile.h"

#define DOT_NODE_THRESHOLD 0.005    /* 0.5 % */
#define DOT_EDGE_THRESHOLD 0.001    /* 0.1 % */

/* One arrow: the edges of one (caller, callee) pair, summed. */
struct dot_arc {
	uint32_t caller, callee;
	uint64_t count, total_ns;
	double weight;
	int kept;
};

/* Writes s as the inside of a DOT double-quoted string. */
static void put_dot(FILE *out, const char *s)
{
	/* control characters as \xHH (tool_text.c); \ and newline below */
	for (s = tool_text_keep(s, "\\\n"); *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The weight, clamped to [0, 1] and square-rooted so that small weights
 * still show (gprof2dot raises to 1/2.2); no libm needed. */
static double gamma_weight(double w)
{
	double g = 1;
	int k;

	if (!(w > 0))
		return 0;
	if (w >= 1)
		return 1;
	for (k = 0; k < 40; k++)    /* Newton's method for sqrt(w) */
		g = 0.5 * (g + w / g);
	return g;
}

/* gprof2dot's colour map: hue 2/3 (blue) to 0 (red) over the weight. */
static void put_color(FILE *out, double w)
{
	double g = gamma_weight(w);

	fprintf(out, "\"%.3f %.3f %.3f\"", (1 - g) * 0.6667, 0.5 + 0.5 * g, 0.6 + 0.3 * g);
}

static double pen_width(double w)
{
	return 0.5 + 7.5 * gamma_weight(w);
}

int export_dot(FILE *out, const struct profile *p, struct coverage *cov)
{
	size_t n = p->n_functions, i, n_arcs = 0, kept_nodes = 0, kept_arcs = 0;
	struct dot_arc *arcs = xcalloc(p->n_edges, sizeof *arcs);
	double *weight = xcalloc(n, sizeof *weight);
	long *best_in = xcalloc(n, sizeof *best_in);
	char *kept = xcalloc(n, 1);
	char *walked = xcalloc(n, 1);
	uint64_t total = 0;
	int by_time;

	(void)cov;
	for (i = 0; i < n; i++)
		total += p->timed ? p->functions[i].self_ns : p->functions[i].calls;
	by_time = p->timed && total > 0;
	if (!by_time)
		for (i = 0, total = 0; i < n; i++)
			total += p->functions[i].calls;

	for (i = 0; i < p->n_edges; i++) {
		const struct prof_edge *e = &p->edges[i];
		struct dot_arc *a = n_arcs ? &arcs[n_arcs - 1] : NULL;
		if (!a || a->caller != e->caller || a->callee != e->callee) {
			a = &arcs[n_arcs++];
			a->caller = e->caller;
			a->callee = e->callee;
		}
		a->count += e->count;
		a->total_ns += e->total_ns;
	}
	for (i = 0; i < n; i++) {
		const struct prof_function *f = &p->functions[i];
		weight[i] = total ? (double)(by_time ? f->total_ns : f->calls) / (double)total : 0;
		kept[i] = weight[i] >= DOT_NODE_THRESHOLD;
		best_in[i] = -1;
	}
	for (i = 0; i < n_arcs; i++) {
		struct dot_arc *a = &arcs[i];
		long *b = &best_in[a->callee];
		a->weight = total ? (double)(by_time ? a->total_ns : a->count) / (double)total : 0;
		if (a->caller != a->callee &&
		    (*b < 0 || a->count > arcs[*b].count ||
		     (a->count == arcs[*b].count && a->weight > arcs[*b].weight)))
			*b = (long)i;
	}
	/* Keep the heaviest way in to every node kept, up to the root: walk
	 * each chain of best_in once (walked), so this is linear. */
	for (i = 0; i < n; i++) {
		size_t j = i;
		while (kept[j] && !walked[j]) {
			walked[j] = 1;
			if (best_in[j] < 0)
				break;
			arcs[best_in[j]].kept = 1;
			j = arcs[best_in[j]].caller;
			kept[j] = 1;
		}
	}
	for (i = 0; i < n_arcs; i++) {
		struct dot_arc *a = &arcs[i];
		if (kept[a->caller] && kept[a->callee] && a->weight >= DOT_EDGE_THRESHOLD)
			a->kept = 1;
		kept_arcs += a->kept;
	}
	for (i = 0; i < n; i++)
		kept_nodes += kept[i];

	fprintf(out, "// vitprof call graph (%s), weight: share of %s\n", TOOL_PRODUCER,
	        by_time ? "the run's time (node: total time, edge: inclusive time)"
	                : "all calls (node: calls into it, edge: its calls)");
	fprintf(out, "// pruned: nodes below %.1f%% and edges below %.1f%% of the total, "
	        "except on the heaviest path to a node kept; %zu of %zu nodes and "
	        "%zu of %zu edges left out\n", DOT_NODE_THRESHOLD * 100,
	        DOT_EDGE_THRESHOLD * 100, n - kept_nodes, n, n_arcs - kept_arcs, n_arcs);
	fprintf(out, "digraph vitprof {\n");
	fprintf(out, "  graph [fontname=\"Helvetica\", nodesep=0.25, ranksep=0.35];\n");
	fprintf(out, "  node [fontname=\"Helvetica\", shape=box, style=\"filled,rounded\", "
	        "fontcolor=white];\n");
	fprintf(out, "  edge [fontname=\"Helvetica\"];\n");
	for (i = 0; i < n; i++) {
		const struct prof_function *f = &p->functions[i];
		if (!kept[i])
			continue;
		fprintf(out, "  f%zu [label=\"", i);
		put_dot(out, f->name);
		if (f->file) {
			fputs("\\n", out);
			put_dot(out, base_name(f->file));
			fprintf(out, ":%u", f->line);
		}
		fprintf(out, "\\n%" PRIu64 " call%s", f->calls, f->calls == 1 ? "" : "s");
		if (by_time)
			fprintf(out, "\\ntotal %.2f%%\\nself %.2f%%", 100.0 * weight[i],
			        100.0 * (double)f->self_ns / (double)total);
		else
			fprintf(out, " (%.2f%%)", 100.0 * weight[i]);
		fprintf(out, "\", color=");
		put_color(out, weight[i]);
		fprintf(out, ", fillcolor=");
		put_color(out, weight[i]);
		fprintf(out, "];\n");
	}
	for (i = 0; i < n_arcs; i++) {
		const struct dot_arc *a = &arcs[i];
		if (!a->kept)
			continue;
		fprintf(out, "  f%" PRIu32 " -> f%" PRIu32 " [label=\"%" PRIu64 "x", a->caller,
		        a->callee, a->count);
		if (by_time)
			fprintf(out, "\\n%.2f%%", 100.0 * a->weight);
		fprintf(out, "\", color=");
		put_color(out, a->weight);
		fprintf(out, ", fontcolor=");
		put_color(out, a->weight);
		fprintf(out, ", penwidth=%.2f, arrowsize=%.2f];\n", pen_width(a->weight),
		        0.5 + 0.5 * pen_width(a->weight) / 8);
	}
	fprintf(out, "}\n");
	free(arcs);
	free(weight);
	free(best_in);
	free(kept);
	free(walked);
	return ferror(out) ? -1 : 0;
}
