/* SPDX-License-Identifier: MIT */
/*
 * om_plugin.c - two plugins dlopen()ed by `om_prog N STATUS plugin PATH`,
 * built from this file as libom_plugin_a.so and (with OM_PLUGIN_B)
 * libom_plugin_b.so: other function names, other code. Run with address
 * randomization off, both load at the same address, so a pool that saw
 * one must place the other elsewhere (rt_merge.c, "Addresses").
 */
#ifdef OM_PLUGIN_B
int plugin_b_leaf(int i)
{
	return i % 7 ? i * 5 : i - 3;
}

int plugin_b_twice(int i)
{
	return plugin_b_leaf(i) + plugin_b_leaf(i + 1);
}

int om_plugin_run(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += plugin_b_twice(i);
	return s;
}
#else
int plugin_a_leaf(int i)
{
	return i & 3 ? i + 2 : i;
}

int om_plugin_run(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += plugin_a_leaf(i);
	return s;
}
#endif
