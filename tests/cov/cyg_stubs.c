/* SPDX-License-Identifier: MIT */
/* cyg_stubs.c - empty -finstrument-functions hooks, so that samples built
 * with that flag link without the runtime. Built without the flag. */
void __cyg_profile_func_enter(void *fn, void *site);
void __cyg_profile_func_exit(void *fn, void *site);

void __cyg_profile_func_enter(void *fn, void *site)
{
	(void)fn;
	(void)site;
}

void __cyg_profile_func_exit(void *fn, void *site)
{
	(void)fn;
	(void)site;
}
