/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTHING_TCP_NODELAY_H
#define KTHING_TCP_NODELAY_H

/*
 * tcp_nodelay_all() - turn Nagle's algorithm off on the process's TCP sockets.
 *
 * Nagle holds back a small packet while an earlier one is unacknowledged,
 * and the broker may delay that acknowledgement by 40 ms: every MQTT
 * exchange that sends two packets in a row (a PUBACK and then a reply, a
 * report right after a request) would wait for it. paho 1.3 neither sets
 * TCP_NODELAY nor hands out its socket; the daemons' only TCP sockets are
 * their broker connections, so call this once a connection is up.
 *
 * Return: the number of sockets changed, or -errno when /proc/self/fd cannot
 * be read.
 */
int tcp_nodelay_all(void);

#endif
