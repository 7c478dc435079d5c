// SPDX-License-Identifier: GPL-2.0
#include <MQTTAsync.h>

#include "paho_init.h"

void paho_init(void)
{
	MQTTAsync_init_options init = MQTTAsync_init_options_initializer;

	init.do_openssl_init = 0;
	MQTTAsync_global_init(&init);
}
