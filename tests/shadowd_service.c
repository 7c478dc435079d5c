// SPDX-License-Identifier: GPL-2.0
/*
 * kthing-shadowd's service over a real SQLite store, without a broker:
 * the topics it answers on, versions across delete, persistence, and the
 * 500 it sends when storage fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../agent/shadowd/log.h"
#include "../agent/shadowd/service.h"
#include "../agent/shadowd/store.h"

#define MAX_OUT 8

struct capture {
	int n;
	char topic[MAX_OUT][256];
	char payload[MAX_OUT][8192];
};

struct fixture {
	char path[64];
	struct service svc;
	struct capture out;
};

static int capture(void *ctx, const char *topic, const char *payload, size_t len)
{
	struct capture *c = ctx;

	if (c->n == MAX_OUT || len >= sizeof(c->payload[0]))
		return -1;
	snprintf(c->topic[c->n], sizeof(c->topic[0]), "%s", topic);
	memcpy(c->payload[c->n], payload, len);
	c->payload[c->n][len] = '\0';
	c->n++;
	return 0;
}

static int open_store(struct fixture *f)
{
	char err[256];

	if (store_open(&f->svc.store, f->path, err, sizeof(err))) {
		print_error("store_open: %s\n", err);
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int fd;

	if (!f)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/shadowd-test-XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(f->path);
	shadow_limits_default(&f->svc.limits);
	f->svc.deleted_keep_s = 48 * 3600;
	f->svc.publish = capture;
	f->svc.publish_ctx = &f->out;
	*state = f;
	return open_store(f);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char side[80];

	store_close(f->svc.store);
	service_free(&f->svc);
	unlink(f->path);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

/* Send @payload to @topic at @now; return how many responses came. */
static int request(struct fixture *f, const char *topic, const char *payload, int64_t now)
{
	f->out.n = 0;
	service_handle(&f->svc, topic, payload, strlen(payload), now);
	return f->out.n;
}

/* The value of the numeric @key in response @i. */
static double field(struct fixture *f, int i, const char *key)
{
	cJSON *j = cJSON_Parse(f->out.payload[i]);
	cJSON *v = cJSON_GetObjectItem(j, key);
	double d = cJSON_IsNumber(v) ? v->valuedouble : -1;

	cJSON_Delete(j);
	return d;
}

static void get_missing_is_404(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(request(f, "$aws/things/lamp/shadow/get", "{\"clientToken\":\"a\"}", 100), 1);
	assert_string_equal(f->out.topic[0], "$aws/things/lamp/shadow/get/rejected");
	assert_string_equal(f->out.payload[0], "{\"code\":404,\"message\":\"No shadow exists "
			    "with name: 'lamp'\",\"timestamp\":100,\"clientToken\":\"a\"}");
	assert_int_equal(request(f, "$aws/things/lamp/shadow/name/cfg/delete", "", 100), 1);
	assert_string_equal(f->out.topic[0], "$aws/things/lamp/shadow/name/cfg/delete/rejected");
	assert_int_equal(field(f, 0, "code"), 404);
}

static void update_get_delete(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(request(f, "$aws/things/lamp/shadow/update",
				 "{\"state\":{\"desired\":{\"on\":true}}}", 100), 3);
	assert_string_equal(f->out.topic[0], "$aws/things/lamp/shadow/update/accepted");
	assert_string_equal(f->out.topic[1], "$aws/things/lamp/shadow/update/delta");
	assert_string_equal(f->out.topic[2], "$aws/things/lamp/shadow/update/documents");
	assert_int_equal(field(f, 0, "version"), 1);

	/* Reported catches up: accepted and documents, no delta. */
	assert_int_equal(request(f, "$aws/things/lamp/shadow/update",
				 "{\"state\":{\"reported\":{\"on\":true}}}", 101), 2);
	assert_string_equal(f->out.topic[1], "$aws/things/lamp/shadow/update/documents");
	assert_int_equal(field(f, 0, "version"), 2);

	assert_int_equal(request(f, "$aws/things/lamp/shadow/get", "", 102), 1);
	assert_string_equal(f->out.topic[0], "$aws/things/lamp/shadow/get/accepted");
	assert_string_equal(f->out.payload[0],
		"{\"state\":{\"desired\":{\"on\":true},\"reported\":{\"on\":true}},"
		"\"metadata\":{\"desired\":{\"on\":{\"timestamp\":100}},"
		"\"reported\":{\"on\":{\"timestamp\":101}}},\"version\":2,\"timestamp\":102}");

	/* Named shadows are separate documents. */
	assert_int_equal(request(f, "$aws/things/lamp/shadow/name/cfg/get", "", 102), 1);
	assert_string_equal(f->out.topic[0], "$aws/things/lamp/shadow/name/cfg/get/rejected");

	assert_int_equal(request(f, "$aws/things/lamp/shadow/delete", "{\"clientToken\":\"d\"}", 103), 1);
	assert_string_equal(f->out.topic[0], "$aws/things/lamp/shadow/delete/accepted");
	assert_string_equal(f->out.payload[0], "{\"version\":2,\"timestamp\":103,\"clientToken\":\"d\"}");
	assert_int_equal(request(f, "$aws/things/lamp/shadow/get", "", 104), 1);
	assert_int_equal(field(f, 0, "code"), 404);
	assert_int_equal(request(f, "$aws/things/lamp/shadow/delete", "", 104), 1);
	assert_int_equal(field(f, 0, "code"), 404);

	/* Re-created within 48 hours: the version follows the deleted one. */
	assert_int_equal(request(f, "$aws/things/lamp/shadow/update",
				 "{\"state\":{\"reported\":{\"on\":false}},\"version\":2}", 105), 2);
	assert_int_equal(field(f, 0, "version"), 3);
	assert_string_equal(f->out.payload[1],
		"{\"previous\":{\"state\":{},\"metadata\":{},\"version\":2},"
		"\"current\":{\"state\":{\"reported\":{\"on\":false}},"
		"\"metadata\":{\"reported\":{\"on\":{\"timestamp\":105}}},\"version\":3},"
		"\"timestamp\":105}");
}

static void version_restarts_after_window(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 3; i++)
		request(f, "$aws/things/t/shadow/update", "{\"state\":{\"reported\":{\"i\":1}}}", 10);
	request(f, "$aws/things/t/shadow/delete", "", 20);
	/* 48 hours and one second later the old version is forgotten. */
	assert_int_equal(request(f, "$aws/things/t/shadow/update",
				 "{\"state\":{\"reported\":{\"i\":1}}}", 20 + 48 * 3600 + 1), 2);
	assert_int_equal(field(f, 0, "version"), 1);
}

static void rejections(void **state)
{
	struct fixture *f = *state;
	char big[9000];

	assert_int_equal(request(f, "$aws/things/t/shadow/update", "{nope", 1), 1);
	assert_string_equal(f->out.topic[0], "$aws/things/t/shadow/update/rejected");
	assert_string_equal(f->out.payload[0], "{\"code\":400,\"message\":\"Invalid JSON\",\"timestamp\":1}");

	assert_int_equal(request(f, "$aws/things/t/shadow/update", "{\"clientToken\":\"c\"}", 1), 1);
	assert_string_equal(f->out.payload[0], "{\"code\":400,\"message\":\"Missing required node: "
			    "state\",\"timestamp\":1,\"clientToken\":\"c\"}");

	request(f, "$aws/things/t/shadow/update", "{\"state\":{\"reported\":{\"a\":1}}}", 1);
	assert_int_equal(request(f, "$aws/things/t/shadow/update",
				 "{\"state\":{\"reported\":{\"a\":2}},\"version\":7}", 1), 1);
	assert_int_equal(field(f, 0, "code"), 409);

	snprintf(big, sizeof(big), "{\"state\":{\"reported\":{\"b\":\"%08200d\"}}}", 0);
	assert_int_equal(request(f, "$aws/things/t/shadow/update", big, 1), 1);
	assert_int_equal(field(f, 0, "code"), 413);

	assert_int_equal(request(f, "$aws/things/t/shadow/update", "{\"state\":\"\xfe\"}", 1), 1);
	assert_int_equal(field(f, 0, "code"), 415);

	/* A thing name AWS would refuse: answered on <topic>/rejected. */
	assert_int_equal(request(f, "$aws/things/a.b/shadow/update", "{}", 1), 1);
	assert_string_equal(f->out.topic[0], "$aws/things/a.b/shadow/update/rejected");
	assert_int_equal(field(f, 0, "code"), 400);
	/* Response topics and strangers are ignored. */
	assert_int_equal(request(f, "$aws/things/t/shadow/update/accepted", "{}", 1), 0);
	assert_int_equal(request(f, "something/else", "{}", 1), 0);

	assert_int_equal(f->svc.counters.rejected, 6);
	assert_int_equal(f->svc.counters.by_code[2], 1);	/* one 409 */
}

static void persists_across_reopen(void **state)
{
	struct fixture *f = *state;

	request(f, "$aws/things/p/shadow/name/n1/update",
		"{\"state\":{\"desired\":{\"x\":[1,2]},\"reported\":{\"x\":[1]}}}", 50);
	store_close(f->svc.store);
	f->svc.store = NULL;
	assert_int_equal(open_store(f), 0);
	assert_int_equal(request(f, "$aws/things/p/shadow/name/n1/get", "", 51), 1);
	assert_string_equal(f->out.payload[0],
		"{\"state\":{\"desired\":{\"x\":[1,2]},\"reported\":{\"x\":[1]},"
		"\"delta\":{\"x\":[1,2]}},\"metadata\":{\"desired\":{\"x\":[{\"timestamp\":50},"
		"{\"timestamp\":50}]},\"reported\":{\"x\":[{\"timestamp\":50}]}},"
		"\"version\":1,\"timestamp\":51}");
}

static void storage_failure_is_500(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;

	request(f, "$aws/things/s/shadow/update", "{\"state\":{\"reported\":{\"a\":1}}}", 1);
	/* Pull the table from under the service. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE shadows", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(request(f, "$aws/things/s/shadow/update",
				 "{\"state\":{\"reported\":{\"a\":2}},\"clientToken\":\"z\"}", 2), 1);
	assert_string_equal(f->out.payload[0], "{\"code\":500,\"message\":\"Internal service "
			    "failure\",\"timestamp\":2,\"clientToken\":\"z\"}");
	assert_int_equal(request(f, "$aws/things/s/shadow/get", "", 2), 1);
	assert_int_equal(field(f, 0, "code"), 500);
	assert_true(f->svc.counters.store_failures >= 2);
}

static void schema_version_checked(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	char err[256];
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 9", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&st, f->path, err, sizeof(err)), -1);
	assert_string_equal(err, "database schema version 9 is newer than this program's 1");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(get_missing_is_404, setup, teardown),
		cmocka_unit_test_setup_teardown(update_get_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(version_restarts_after_window, setup, teardown),
		cmocka_unit_test_setup_teardown(rejections, setup, teardown),
		cmocka_unit_test_setup_teardown(persists_across_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(storage_failure_is_500, setup, teardown),
		cmocka_unit_test_setup_teardown(schema_version_checked, setup, teardown),
	};

	setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
	log_threshold = LOG_LVL_ERROR;
	return cmocka_run_group_tests_name("shadowd service", tests, NULL, NULL);
}
