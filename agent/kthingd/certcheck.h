/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local checks of the client certificate before each TLS connection: a
 * broker refusing an expired certificate often just closes the connection,
 * which would otherwise look like a network failure.
 */
#ifndef KTHINGD_CERTCHECK_H
#define KTHINGD_CERTCHECK_H

#include <stddef.h>

/*
 * Whether the first certificate in the PEM file @path is valid now. Returns
 * 0, or -1 with the problem in @err ("certificate expired on ...").
 */
int certcheck_validity(const char *path, char *err, size_t errlen);

#endif
