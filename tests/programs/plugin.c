/* SPDX-License-Identifier: MIT */
/* plugin.c - e2e sample: the instrumented shared object dlmain.c loads.
 * plugin_fn(x) calls the static plugin_inner() twice. */
int plugin_fn(int x);

static int plugin_inner(int x)
{
	return x * 5 - 1;
}

int plugin_fn(int x)
{
	return plugin_inner(x) + plugin_inner(x + 1); /* SITE:plugin_inner */
}
