/* SPDX-License-Identifier: GPL-2.0 */
/* Readiness and status for systemd (Type=notify); nothing without it. */
#ifndef KTHING_SHADOWD_NOTIFY_H
#define KTHING_SHADOWD_NOTIFY_H

/* Send @state (e.g. "READY=1") to $NOTIFY_SOCKET, if there is one. */
void notify(const char *state);

#endif /* KTHING_SHADOWD_NOTIFY_H */
