// SPDX-License-Identifier: GPL-2.0
/*
 * Edge rules on the host: how many rule evaluations kthingd's engine makes
 * per second on telemetry, and the latency one rule adds to a telemetry
 * message (parsing the payload, the WHERE and SELECT, a republish into a
 * sink that only counts). Prints JSON lines for the bench runner.
 *
 * Rates and the mean use this thread's CPU time, so a machine busy with
 * other work does not make them lower; the percentiles are wall-clock
 * times of single messages (the median is hardly touched by preemption).
 *
 *	rules [--smoke]		(--smoke: tiny counts, numbers not meaningful)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../../agent/kthingd/config.h"
#include "../../../agent/kthingd/log.h"
#include "../../../agent/kthingd/rules_engine.h"

#define TOPIC	"dt/kthing/greenhouse/telemetry"

static uint64_t published, set_calls;

static int sink_publish(void *arg, const char *topic, const char *payload, size_t len,
			int qos, char *err, size_t errlen)
{
	(void)arg, (void)topic, (void)payload, (void)len, (void)qos, (void)err, (void)errlen;
	published++;
	return 0;
}

static int sink_set(void *arg, const char *thing, const char *channel, const cJSON *value,
		    char *err, size_t errlen)
{
	(void)arg, (void)thing, (void)channel, (void)value, (void)err, (void)errlen;
	set_calls++;
	return 0;
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static void metric(const char *name, double value, const char *unit)
{
	printf("{\"section\":\"Rules\",\"metric\":\"%s\",\"value\":%.6g,\"unit\":\"%s\","
	       "\"floor\":null,\"ratio\":null,\"target\":null}\n", name, value, unit);
}

/* Telemetry as the relay formats it, the temperature moving around 30. */
static int telemetry(char *buf, size_t size, uint64_t seq)
{
	return snprintf(buf, size, "{\"thing\":\"greenhouse\",\"seq\":%llu,"
			"\"ts\":1764140000123,\"values\":{\"temperature\":%d.%d,"
			"\"humidity\":55.5,\"door\":false}}",
			(unsigned long long)seq, 25 + (int)(seq % 10), (int)(seq % 10));
}

static struct rules_engine *engine_for(const char *json, struct config *config)
{
	struct rules_io io = { .publish = sink_publish, .set = sink_set };
	char err[CONFIG_ERROR_SIZE];
	struct rules_engine *e;

	if (config_parse(json, strlen(json), NULL, CONFIG_NO_FILE_CHECKS, config, err,
			 sizeof(err)) < 0) {
		fprintf(stderr, "rules bench: %s\n", err);
		exit(1);
	}
	e = rules_engine_new(&io);
	if (!e || rules_engine_set(e, config->rules, "greenhouse") < 0) {
		fprintf(stderr, "rules bench: out of memory\n");
		exit(1);
	}
	return e;
}

static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define TEN_RULES_ITEM(n) \
	"{\"name\":\"r" #n "\",\"sql\":\"SELECT values.temperature AS t, topic(3) AS thing " \
	"FROM 'dt/kthing/+/telemetry' WHERE values.temperature > " #n " * 3\"," \
	"\"actions\":[{\"republish\":{\"topic\":\"alerts/${topic(3)}/r" #n "\"}}]}"

int main(int argc, char **argv)
{
	bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
	size_t messages = smoke ? 1000 : 100000, latency_messages = smoke ? 1000 : 50000;
	const char *ten = "{\"thing_name\":\"greenhouse\",\"rules\":["
		TEN_RULES_ITEM(1) "," TEN_RULES_ITEM(2) "," TEN_RULES_ITEM(3) ","
		TEN_RULES_ITEM(4) "," TEN_RULES_ITEM(5) "," TEN_RULES_ITEM(6) ","
		TEN_RULES_ITEM(7) "," TEN_RULES_ITEM(8) "," TEN_RULES_ITEM(9) ","
		TEN_RULES_ITEM(10) "]}";
	const char *one = "{\"thing_name\":\"greenhouse\",\"rules\":[{\"name\":\"fan\","
		"\"sql\":\"SELECT values.temperature > 30 AS fan FROM 'dt/kthing/+/telemetry' "
		"WHERE values.temperature > 30\",\"actions\":[{\"set\":{\"thing\":\"greenhouse\","
		"\"channel\":\"fan\",\"value\":\"fan\"}},{\"republish\":{\"topic\":"
		"\"alerts/${topic(3)}\"}}]}]}";
	struct config config;
	struct rules_engine *e;
	uint64_t t0, elapsed, cpu0, *lat;
	char buf[512];

	log_set_level(LOG_LEVEL_ERROR);

	/* Throughput: ten rules on every telemetry message. */
	e = engine_for(ten, &config);
	t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (size_t i = 0; i < messages; i++) {
		int len = telemetry(buf, sizeof(buf), i);

		rules_engine_message(e, RULES_INPUT_TELEMETRY, NULL, TOPIC, buf, (size_t)len);
	}
	elapsed = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
	if (rules_engine_totals(e)->matched == 0 || published == 0) {
		fprintf(stderr, "rules bench: no rule matched\n");
		return 1;
	}
	metric("telemetry_rule_evaluations_per_s", 10.0 * messages / (elapsed / 1e9), "1/s");
	metric("telemetry_messages_per_s_10_rules", messages / (elapsed / 1e9), "1/s");
	rules_engine_free(e);
	config_free(&config);

	/* Latency: one rule (set and republish), each message timed. */
	lat = calloc(latency_messages, sizeof(*lat));
	if (!lat)
		return 1;
	e = engine_for(one, &config);
	cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (size_t i = 0; i < latency_messages; i++) {
		int len = telemetry(buf, sizeof(buf), i);

		t0 = clock_ns(CLOCK_MONOTONIC);
		rules_engine_message(e, RULES_INPUT_TELEMETRY, NULL, TOPIC, buf, (size_t)len);
		lat[i] = clock_ns(CLOCK_MONOTONIC) - t0;
	}
	elapsed = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	if (set_calls == 0) {
		fprintf(stderr, "rules bench: the rule never acted\n");
		return 1;
	}
	qsort(lat, latency_messages, sizeof(*lat), compare);
	metric("one_rule_latency_mean_cpu", elapsed / 1e3 / latency_messages, "us");
	metric("one_rule_latency_p50", lat[latency_messages / 2] / 1e3, "us");
	metric("one_rule_latency_p99", lat[latency_messages * 99 / 100] / 1e3, "us");
	free(lat);
	rules_engine_free(e);
	config_free(&config);
	return 0;
}
