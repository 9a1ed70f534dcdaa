/* SPDX-License-Identifier: MIT */
/* overflow.coverage: step() is compiled into covsum_a.o and covsum_b.o;
 * the coverage report sums its lines over the two objects. */
static inline unsigned step(unsigned x)
{
	if (x & 1)                /* LINE:if */
		return 3 * x + 1;         /* LINE:odd */
	return x / 2;
}
