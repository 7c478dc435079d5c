// SPDX-License-Identifier: GPL-2.0
/*
 * kthingd's configuration parser: every kind of error names its key path and
 * the problem; good files give the documented defaults; overrides win.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../agent/kthingd/config.h"

struct error_case {
	const char *what;
	const char *json;
	const char *error;	/* the exact message */
};

static const struct error_case error_cases[] = {
	{ "invalid JSON names line and column", "{\n  \"broker\": }", "2:13: invalid JSON" },
	{ "text after the value", "{} x", "1:4: invalid JSON: text after the top-level value" },
	{ "top level not an object", "[1]", "(top level): must be an object" },
	{ "unknown top-level key", "{\"thing_name\":\"a\",\"brokr\":{}}", "brokr: unknown key" },
	{ "unknown nested key", "{\"thing_name\":\"a\",\"broker\":{\"url\":\"mqtt://x\"}}",
	  "broker.url: unknown key" },
	{ "duplicate key", "{\"thing_name\":\"a\",\"thing_name\":\"b\"}",
	  "thing_name: given more than once" },
	{ "section not an object", "{\"thing_name\":\"a\",\"broker\":[]}", "broker: must be an object" },
	{ "string expected", "{\"thing_name\":\"a\",\"broker\":{\"uri\":5}}", "broker.uri: must be a string" },
	{ "empty string", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"\"}}", "broker.uri: must not be empty" },
	{ "unsupported scheme", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"htp://x\"}}",
	  "broker.uri: unsupported scheme \"htp\" (mqtt, mqtts, ssl, tcp, ws, wss)" },
	{ "not a URI", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"localhost\"}}",
	  "broker.uri: \"localhost\" is not a URI (scheme://host[:port])" },
	{ "missing host", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://:1883\"}}",
	  "broker.uri: missing host name" },
	{ "bad port", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://h:99999\"}}",
	  "broker.uri: invalid port \"99999\"" },
	{ "port not a number", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://h:abc\"}}",
	  "broker.uri: invalid port \"abc\"" },
	{ "path on mqtt", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://h/x\"}}",
	  "broker.uri: a path is only meaningful for ws:// and wss://" },
	{ "credentials in URI", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://u:p@h\"}}",
	  "broker.uri: credentials in the URI are not supported; use broker.username and broker.password" },
	{ "unterminated IPv6", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://[::1\"}}",
	  "broker.uri: unterminated IPv6 address" },
	{ "bool expected", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtts://h\",\"tls_insecure\":1}}",
	  "broker.tls_insecure: must be true or false" },
	{ "number expected", "{\"thing_name\":\"a\",\"broker\":{\"keepalive_s\":\"60\"}}",
	  "broker.keepalive_s: must be a number" },
	{ "whole number expected", "{\"thing_name\":\"a\",\"broker\":{\"keepalive_s\":6.5}}",
	  "broker.keepalive_s: must be a whole number" },
	{ "number out of range", "{\"thing_name\":\"a\",\"broker\":{\"keepalive_s\":1}}",
	  "broker.keepalive_s: 1 is out of range (5 to 65535)" },
	{ "protocol", "{\"thing_name\":\"a\",\"broker\":{\"protocol\":\"3.1\"}}",
	  "broker.protocol: unsupported MQTT version \"3.1\" (3.1.1 or 5)" },
	{ "client id too long", "{\"thing_name\":\"a\",\"broker\":{\"client_id\":\""
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
	  "broker.client_id: longer than 128 bytes" },
	{ "password without username", "{\"thing_name\":\"a\",\"broker\":{\"password\":\"p\"}}",
	  "broker.password: given without broker.username" },
	{ "TLS file on plain TCP", "{\"thing_name\":\"a\",\"broker\":{\"ca_file\":\"/ca.pem\"}}",
	  "broker.ca_file: only for TLS (mqtts://, ssl://, wss://)" },
	{ "insecure on plain TCP", "{\"thing_name\":\"a\",\"broker\":{\"tls_insecure\":true}}",
	  "broker.tls_insecure: only for TLS (mqtts://, ssl://, wss://)" },
	{ "cert without key", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtts://h\",\"cert_file\":\"/c\"}}",
	  "broker.key_file: required with broker.cert_file" },
	{ "key without cert", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtts://h\",\"key_file\":\"/k\"}}",
	  "broker.cert_file: required with broker.key_file" },
	{ "alpn not an array", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtts://h\",\"alpn\":\"x\"}}",
	  "broker.alpn: must be an array of strings" },
	{ "alpn on TCP", "{\"thing_name\":\"a\",\"broker\":{\"alpn\":[\"x\"]}}",
	  "broker.alpn: only for TLS (mqtts://, ssl://, wss://)" },
	{ "alpn entry", "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtts://h\",\"alpn\":[\"x\",\"\"]}}",
	  "broker.alpn[1]: must be 1 to 255 bytes long" },
	{ "reconnect bounds", "{\"thing_name\":\"a\",\"reconnect\":{\"min_ms\":5000,\"max_ms\":1000}}",
	  "reconnect.max_ms: smaller than reconnect.min_ms" },
	{ "refused bounds", "{\"thing_name\":\"a\",\"reconnect\":{\"refused_min_ms\":5000,\"refused_max_ms\":1000}}",
	  "reconnect.refused_max_ms: smaller than reconnect.refused_min_ms" },
	{ "qos", "{\"thing_name\":\"a\",\"telemetry\":{\"qos\":2}}",
	  "telemetry.qos: 2 is out of range (0 to 1)" },
	{ "topic placeholder", "{\"thing_name\":\"a\",\"telemetry\":{\"topic\":\"dt/{thng}/t\"}}",
	  "telemetry.topic: unknown placeholder \"{thng}\" (only {thing})" },
	{ "topic unterminated", "{\"thing_name\":\"a\",\"telemetry\":{\"topic\":\"dt/{thing\"}}",
	  "telemetry.topic: unterminated placeholder \"{thing\"" },
	{ "topic wildcard", "{\"thing_name\":\"a\",\"telemetry\":{\"topic\":\"dt/+/t\"}}",
	  "telemetry.topic: wildcard '+' is not allowed in a topic name" },
	{ "topic reserved", "{\"thing_name\":\"a\",\"telemetry\":{\"status_topic\":\"$aws/x\"}}",
	  "telemetry.status_topic: topics starting with '$' are reserved" },
	{ "max payload", "{\"thing_name\":\"a\",\"telemetry\":{\"max_payload\":10}}",
	  "telemetry.max_payload: 10 is out of range (256 to 268435455)" },
	{ "batch window", "{\"thing_name\":\"a\",\"telemetry\":{\"batch_ms\":-1}}",
	  "telemetry.batch_ms: -1 is out of range (0 to 3600000)" },
	{ "thing's batch window", "{\"thing_name\":\"a\",\"things\":[{\"kthing\":\"x\",\"batch_ms\":true}]}",
	  "things[0].batch_ms: must be a number" },
	{ "things not an array", "{\"thing_name\":\"a\",\"things\":{}}", "things: must be an array of objects" },
	{ "thing not an object", "{\"thing_name\":\"a\",\"things\":[1]}", "things[0]: must be an object" },
	{ "thing without kthing", "{\"thing_name\":\"a\",\"things\":[{\"name\":\"x\"}]}",
	  "things[0].kthing: required" },
	{ "thing unknown key", "{\"thing_name\":\"a\",\"things\":[{\"kthing\":\"x\",\"nmae\":\"y\"}]}",
	  "things[0].nmae: unknown key" },
	{ "kthing too long", "{\"thing_name\":\"a\",\"things\":[{\"kthing\":\"abcdefghijabcdefghijabcdefghijabc\"}]}",
	  "things[0].kthing: longer than 31 bytes, the kernel's limit" },
	{ "invalid thing name", "{\"thing_name\":\"a\",\"things\":[{\"kthing\":\"x\",\"name\":\"bad name\"}]}",
	  "things[0].name: \"bad name\" is not a valid thing name (1 to 128 of a-z A-Z 0-9 : _ -)" },
	{ "duplicate kthing", "{\"thing_name\":\"a\",\"things\":[{\"kthing\":\"x\"},{\"kthing\":\"x\"}]}",
	  "things[1].kthing: duplicate \"x\" (also things[0])" },
	{ "duplicate name", "{\"thing_name\":\"a\",\"things\":[{\"kthing\":\"x\"},{\"kthing\":\"y\",\"name\":\"x\"}]}",
	  "things[1].name: duplicate \"x\" (also things[0])" },
	{ "invalid device thing name", "{\"thing_name\":\"a b\"}",
	  "thing_name: \"a b\" is not a valid thing name (1 to 128 of a-z A-Z 0-9 : _ -)" },
	{ "state dir relative", "{\"thing_name\":\"a\",\"queue\":{\"state_dir\":\"var\"}}",
	  "queue.state_dir: must be an absolute path" },
	{ "queue bound", "{\"thing_name\":\"a\",\"queue\":{\"max_messages\":0}}",
	  "queue.max_messages: 0 is out of range (1 to 10000000)" },
	{ "status socket relative", "{\"thing_name\":\"a\",\"status\":{\"socket\":\"s.sock\"}}",
	  "status.socket: must be an absolute path (or \"\" for none)" },
	{ "events source", "{\"thing_name\":\"a\",\"events\":{\"source\":\"file\"}}",
	  "events.source: \"file\" is neither \"netlink\", \"-\" (stdin) nor an absolute path" },
	{ "log level", "{\"thing_name\":\"a\",\"log_level\":\"verbose\"}",
	  "log_level: unknown level \"verbose\" (error, warning, notice, info, debug)" },
};

static void test_error(void **state)
{
	const struct error_case *c = *state;
	char err[CONFIG_ERROR_SIZE] = "";
	struct config config;

	assert_int_equal(config_parse(c->json, strlen(c->json), NULL, CONFIG_NO_FILE_CHECKS,
				      &config, err, sizeof(err)), -1);
	assert_string_equal(err, c->error);
	/* A failed parse leaves nothing behind to free. */
	assert_null(config.thing_name);
	assert_null(config.broker.uri);
}

static void test_defaults(void **state)
{
	const char *json = "{\"things\":[{\"kthing\":\"env\"}]}";
	char err[CONFIG_ERROR_SIZE] = "";
	struct config c;

	(void)state;
	assert_int_equal(config_parse(json, strlen(json), NULL, CONFIG_NO_FILE_CHECKS,
				      &c, err, sizeof(err)), 0);
	/* One thing names the device, and the client id follows it. */
	assert_string_equal(c.thing_name, "env");
	assert_string_equal(c.broker.client_id, "env");
	assert_string_equal(c.broker.paho_uri, "tcp://localhost:1883");
	assert_int_equal(c.broker.protocol, 4);
	assert_int_equal(c.broker.keepalive_s, 60);
	assert_int_equal(c.broker.alpn_len, 0);
	assert_false(c.broker.tls_insecure);
	assert_string_equal(c.telemetry.topic, "dt/kthing/{thing}/telemetry");
	assert_string_equal(c.telemetry.status_topic, "dt/kthing/{thing}/status");
	assert_int_equal(c.telemetry.qos, 1);
	assert_int_equal(c.telemetry.max_payload, 131072);
	assert_int_equal(c.telemetry.coalesce_ms, 0);
	assert_int_equal(c.telemetry.batch_ms, 0);
	assert_string_equal(c.things[0].name, "env");
	assert_int_equal(c.things[0].coalesce_ms, -1);
	assert_int_equal(c.things[0].batch_ms, -1);
	assert_int_equal(c.queue.max_messages, 10000);
	assert_null(c.queue.state_dir);
	assert_string_equal(c.status.socket, "/run/kthing/kthingd.sock");
	assert_string_equal(c.events_source, "netlink");
	assert_string_equal(c.log_level, "info");
	config_free(&c);
}

static void test_uris(void **state)
{
	static const struct {
		const char *uri, *paho;
		unsigned int alpn_len;
	} cases[] = {
		{ "mqtt://broker", "tcp://broker:1883", 0 },
		{ "tcp://broker:1884", "tcp://broker:1884", 0 },
		{ "mqtts://broker", "ssl://broker:8883", 0 },
		{ "ssl://broker:8884", "ssl://broker:8884", 0 },
		/* Port 443 over TLS is AWS IoT's ALPN port. */
		{ "mqtts://x-ats.iot.eu-west-1.amazonaws.com:443",
		  "ssl://x-ats.iot.eu-west-1.amazonaws.com:443", 15 },
		{ "ws://broker", "ws://broker:80", 0 },
		{ "wss://broker/mqtt", "wss://broker:443/mqtt", 0 },
		{ "mqtt://[::1]:1883", "tcp://[::1]:1883", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char json[256], err[CONFIG_ERROR_SIZE] = "";
		struct config c;

		snprintf(json, sizeof(json), "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"%s\"}}",
			 cases[i].uri);
		assert_int_equal(config_parse(json, strlen(json), NULL, CONFIG_NO_FILE_CHECKS,
					      &c, err, sizeof(err)), 0);
		assert_string_equal(c.broker.paho_uri, cases[i].paho);
		assert_int_equal(c.broker.alpn_len, cases[i].alpn_len);
		if (cases[i].alpn_len)
			assert_memory_equal(c.broker.alpn, "\016x-amzn-mqtt-ca", 15);
		config_free(&c);
	}
}

static void test_overrides(void **state)
{
	const char *json = "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://file\"}}";
	struct config_overrides ov = {
		.broker_uri = "mqtts://cli:8883",
		.client_id = "cli-id",
		.state_dir = "/var/lib/x",
	};
	char err[CONFIG_ERROR_SIZE] = "";
	struct config c;

	(void)state;
	assert_int_equal(config_parse(json, strlen(json), &ov, CONFIG_NO_FILE_CHECKS,
				      &c, err, sizeof(err)), 0);
	assert_string_equal(c.broker.paho_uri, "ssl://cli:8883");
	assert_string_equal(c.broker.client_id, "cli-id");
	assert_string_equal(c.queue.state_dir, "/var/lib/x");
	config_free(&c);

	/* An override is checked like the file's value, under the same path. */
	ov.broker_uri = "htp://x";
	assert_int_equal(config_parse(json, strlen(json), &ov, CONFIG_NO_FILE_CHECKS,
				      &c, err, sizeof(err)), -1);
	assert_string_equal(err, "broker.uri: unsupported scheme \"htp\" "
			    "(mqtt, mqtts, ssl, tcp, ws, wss)");
}

static void test_files(void **state)
{
	char dir[] = "/tmp/kthingd-config-XXXXXX", key[64], cert[64], json[512];
	char err[CONFIG_ERROR_SIZE] = "", expected[CONFIG_ERROR_SIZE];
	struct config c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	f = fopen(key, "w");
	assert_non_null(f);
	fclose(f);
	f = fopen(cert, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(json, sizeof(json), "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtts://h\","
		 "\"cert_file\":\"%s\",\"key_file\":\"%s\"}}", cert, key);

	/* A private key others can read is refused, with the fix. */
	assert_int_equal(chmod(key, 0640), 0);
	assert_int_equal(config_parse(json, strlen(json), NULL, 0, &c, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "broker.key_file: %s is accessible by group or "
		 "others (mode 0640); make it private: chmod 600 %s", key, key);
	assert_string_equal(err, expected);

	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(config_parse(json, strlen(json), NULL, 0, &c, err, sizeof(err)), 0);
	config_free(&c);

	/* A missing file is named with the reason. */
	unlink(cert);
	assert_int_equal(config_parse(json, strlen(json), NULL, 0, &c, err, sizeof(err)), -1);
	snprintf(expected, sizeof(expected), "broker.cert_file: %s: No such file or directory",
		 cert);
	assert_string_equal(err, expected);

	unlink(key);
	rmdir(dir);
}

static void test_load_prefixes_path(void **state)
{
	char err[CONFIG_ERROR_SIZE] = "";
	struct config c;

	(void)state;
	assert_int_equal(config_load("/nonexistent/kthingd.json", NULL, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/kthingd.json: No such file or directory");
}

static void test_broker_changed(void **state)
{
	const char *a = "{\"thing_name\":\"a\",\"telemetry\":{\"coalesce_ms\":10}}";
	const char *b = "{\"thing_name\":\"a\",\"telemetry\":{\"coalesce_ms\":20}}";
	const char *d = "{\"thing_name\":\"a\",\"broker\":{\"uri\":\"mqtt://other\"}}";
	char err[CONFIG_ERROR_SIZE];
	struct config ca, cb, cd;

	(void)state;
	assert_int_equal(config_parse(a, strlen(a), NULL, 0, &ca, err, sizeof(err)), 0);
	assert_int_equal(config_parse(b, strlen(b), NULL, 0, &cb, err, sizeof(err)), 0);
	assert_int_equal(config_parse(d, strlen(d), NULL, 0, &cd, err, sizeof(err)), 0);
	assert_false(config_broker_changed(&ca, &cb));
	assert_true(config_broker_changed(&ca, &cd));
	config_free(&ca);
	config_free(&cb);
	config_free(&cd);
}

/* The example file shipped with the sources stays valid. */
static void test_example_file(void **state)
{
	char path[512], *slash, err[CONFIG_ERROR_SIZE] = "";
	struct config c;
	FILE *f;
	char text[8192];
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s", __FILE__);
	slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path, sizeof(path) - (slash ? slash + 1 - path : 0),
		 "../etc/kthingd.json.example");
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	assert_int_equal(config_parse(text, len, NULL, CONFIG_NO_FILE_CHECKS, &c, err,
				      sizeof(err)), 0);
	assert_string_equal(c.thing_name, "greenhouse-7");
	assert_int_equal(c.num_things, 2);
	assert_false(c.things[1].telemetry);
	assert_string_equal(c.queue.state_dir, "/var/lib/kthing");
	config_free(&c);
}

int main(void)
{
	size_t n = sizeof(error_cases) / sizeof(error_cases[0]);
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_uris),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_load_prefixes_path),
		cmocka_unit_test(test_broker_changed),
		cmocka_unit_test(test_example_file),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests = calloc(n + nfixed, sizeof(*tests));
	int rc;

	if (!tests)
		return 1;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = error_cases[i].what;
		tests[i].test_func = test_error;
		tests[i].initial_state = (void *)&error_cases[i];
	}
	memcpy(tests + n, fixed, sizeof(fixed));
	rc = _cmocka_run_group_tests("kthingd_config", tests, n + nfixed, NULL, NULL);
	free(tests);
	return rc;
}
