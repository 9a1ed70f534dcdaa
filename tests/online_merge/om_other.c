/* SPDX-License-Identifier: MIT */
/*
 * om_other.c - another program (another build-id), whose profile must
 * never be merged into om_prog's pool.
 */
int other_leaf(int i)
{
	return i * 2;
}

int main(void)
{
	int i, s = 0;

	for (i = 0; i < 10; i++)
		s += other_leaf(i);
	return s == -1;
}
