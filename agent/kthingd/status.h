/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The status interface (docs/status.md): a Unix socket that answers every
 * connection with one JSON document, and optionally the same document
 * published on a metrics topic.
 */
#ifndef KTHINGD_STATUS_H
#define KTHINGD_STATUS_H

struct agent;
struct status;

/* Returns NULL with errno set when the socket cannot be made. */
struct status *status_new(struct agent *agent);
void status_free(struct status *status);

/* Follow a reloaded configuration (metrics topic and interval). */
void status_reconfigure(struct status *status);

/* The status document, to be freed by the caller. */
char *status_document(const struct agent *agent);

#endif
