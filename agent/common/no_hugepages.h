/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTHING_NO_HUGEPAGES_H
#define KTHING_NO_HUGEPAGES_H

/*
 * no_hugepages() - keep transparent huge pages out of this process.
 *
 * With THP "always" (Debian's kernels, among others) khugepaged collapses
 * any 2 MiB of anonymous memory that still has one page in use into a whole
 * huge page. After a backlog the allocator hands its free pages back
 * (malloc_trim), and khugepaged filled them in again within seconds: in a
 * Debian 6.1 guest, 70,000 messages delivered left kthingd with 976 kB of
 * private memory, and 30 s later 11,128 kB; without huge pages it stays at
 * 936 kB. A daemon holding a few hundred kB gains nothing from them.
 * Call it first thing, before memory is used; the setting is inherited
 * across fork and exec.
 *
 * Return: 0, or -errno when the kernel has no such setting (before 3.15).
 */
int no_hugepages(void);

#endif
