/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTHING_PAHO_INIT_H
#define KTHING_PAHO_INIT_H

/*
 * paho_init() - set paho's MQTTAsync library up; call once, before any client
 * is created.
 *
 * paho initialises OpenSSL itself unless told otherwise: every error string
 * and algorithm, 1.4 MB of resident pages in a daemon that may never use
 * TLS. OpenSSL 1.1 and later initialise themselves when first used.
 */
void paho_init(void);

#endif
