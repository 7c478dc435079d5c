/* SPDX-License-Identifier: GPL-2.0 */
/* Tell systemd (Type=notify) about readiness, reloads and stopping. */
#ifndef KTHINGD_NOTIFY_H
#define KTHINGD_NOTIFY_H

/* Send @state ("READY=1", ...) when started by systemd; a no-op otherwise. */
void notify_systemd(const char *state);

#endif
