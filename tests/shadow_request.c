// SPDX-License-Identifier: GPL-2.0
/*
 * Request validation, one test per rule of AWS's "Device Shadow error
 * messages" page, plus names and topics.
 */
#include "shadow_test.h"

/* Expect @json to be refused with @code and a message starting @msg. */
static void expect_reject(const char *json, int code, const char *msg)
{
	struct shadow_request req;
	struct shadow_error err;

	assert_int_equal(parse_update(json, &req, &err), -1);
	assert_int_equal(err.code, code);
	assert_true(strncmp(err.message, msg, strlen(msg)) == 0 ||
		    (print_error("message: %s\n", err.message), 0));
	assert_null(req.root);
}

static void expect_accept(const char *json)
{
	struct shadow_request req;
	struct shadow_error err = { 0 };

	if (parse_update(json, &req, &err))
		print_error("refused %s: %d %s\n", json, err.code, err.message);
	assert_non_null(req.root);
	shadow_request_free(&req);
}

static void invalid_json(void **state)
{
	(void)state;
	expect_reject("{\"state\":", 400, "Invalid JSON");
	expect_reject("", 400, "Invalid JSON");
	expect_reject("{\"state\":{}} trailing", 400, "Invalid JSON");
	expect_reject("[1,2]", 400, "Invalid JSON");
	expect_reject("\"state\"", 400, "Invalid JSON");
}

static void missing_state(void **state)
{
	(void)state;
	expect_reject("{}", 400, "Missing required node: state");
	expect_reject("{\"desired\":{\"a\":1}}", 400, "Missing required node: state");
}

static void state_not_object(void **state)
{
	(void)state;
	expect_reject("{\"state\":5}", 400, "State node must be an object");
	expect_reject("{\"state\":[]}", 400, "State node must be an object");
	expect_reject("{\"state\":\"x\"}", 400, "State node must be an object");
}

static void desired_reported_not_object(void **state)
{
	(void)state;
	expect_reject("{\"state\":{\"desired\":1}}", 400, "Desired node must be an object");
	expect_reject("{\"state\":{\"desired\":[1]}}", 400, "Desired node must be an object");
	expect_reject("{\"state\":{\"reported\":\"on\"}}", 400, "Reported node must be an object");
	expect_reject("{\"state\":{\"reported\":true}}", 400, "Reported node must be an object");
}

static void invalid_node(void **state)
{
	(void)state;
	/* delta is computed by the service, never set. */
	expect_reject("{\"state\":{\"delta\":{\"a\":1}}}", 400,
		      "State contains an invalid node: 'delta'");
	expect_reject("{\"state\":{\"desired\":{},\"colour\":1}}", 400,
		      "State contains an invalid node: 'colour'");
}

static void invalid_version(void **state)
{
	(void)state;
	expect_reject("{\"state\":{},\"version\":\"3\"}", 400, "Invalid version");
	expect_reject("{\"state\":{},\"version\":-1}", 400, "Invalid version");
	expect_reject("{\"state\":{},\"version\":1.5}", 400, "Invalid version");
	expect_reject("{\"state\":{},\"version\":null}", 400, "Invalid version");
	expect_reject("{\"state\":{},\"version\":1e300}", 400, "Invalid version");
}

static void client_token(void **state)
{
	char json[256];
	struct shadow_request req;
	struct shadow_error err;

	(void)state;
	/* 64 bytes are fine, 65 are not. */
	snprintf(json, sizeof(json), "{\"state\":{},\"clientToken\":\"%064d\"}", 0);
	expect_accept(json);
	snprintf(json, sizeof(json), "{\"state\":{},\"clientToken\":\"%065d\"}", 0);
	expect_reject(json, 400, "Invalid clientToken");
	expect_reject("{\"state\":{},\"clientToken\":42}", 400, "Invalid clientToken");
	/* Bytes, not characters: 32 two-byte characters are 64 bytes. */
	snprintf(json, sizeof(json), "{\"state\":{},\"clientToken\":\"");
	for (int i = 0; i < 33; i++)
		strcat(json, "\xc3\xa9");
	strcat(json, "\"}");
	expect_reject(json, 400, "Invalid clientToken");

	/* A valid token is kept for the rejection even when the rest fails. */
	assert_int_equal(parse_update("{\"clientToken\":\"abc\",\"state\":7}", &req, &err), -1);
	assert_true(req.has_client_token);
	assert_string_equal(req.client_token, "abc");
}

static void depth(void **state)
{
	(void)state;
	/* desired is level 1; six levels in all are allowed. */
	expect_accept("{\"state\":{\"desired\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}}}");
	expect_reject("{\"state\":{\"desired\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}}}",
		      400, "JSON contains too many levels of nesting; maximum is 6");
	expect_reject("{\"state\":{\"reported\":{\"a\":[[[[[[1]]]]]]}}}", 400,
		      "JSON contains too many levels of nesting; maximum is 6");
	expect_accept("{\"state\":{\"reported\":{\"a\":[[[[1]]]]}}}");
}

static void depth_configurable(void **state)
{
	struct shadow_limits limits;
	struct shadow_request req;
	struct shadow_error err;
	const char *json = "{\"state\":{\"desired\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}}}";

	(void)state;
	shadow_limits_default(&limits);
	limits.max_depth = 4;
	assert_int_equal(shadow_request_parse(json, strlen(json), &limits, &req, &err), -1);
	assert_string_equal(err.message,
			    "JSON contains too many levels of nesting; maximum is 4");
	limits.max_depth = 5;
	assert_int_equal(shadow_request_parse(json, strlen(json), &limits, &req, &err), 0);
	shadow_request_free(&req);
}

static void null_in_array(void **state)
{
	(void)state;
	/* The example from AWS's "Array values in shadow documents". */
	expect_reject("{\"state\":{\"desired\":{\"colors\":[null,\"RED\",\"GREEN\"]}}}", 400,
		      "State contains an invalid node: 'desired.colors'");
	expect_reject("{\"state\":{\"reported\":{\"m\":{\"rows\":[[1],[null]]}}}}", 400,
		      "State contains an invalid node: 'reported.m.rows'");
	expect_accept("{\"state\":{\"desired\":{\"colors\":[\"RED\",\"GREEN\"]}}}");
}

static void encoding(void **state)
{
	(void)state;
	expect_reject("{\"state\":{\"desired\":{\"a\":\"\xff\"}}}", 415,
		      "Unsupported documented encoding; supported encoding is UTF-8");
	/* An overlong '/' and a UTF-16 surrogate are not UTF-8 either. */
	expect_reject("{\"state\":{\"desired\":{\"a\":\"\xc0\xaf\"}}}", 415, "Unsupported");
	expect_reject("{\"state\":{\"desired\":{\"a\":\"\xed\xa0\x80\"}}}", 415, "Unsupported");
	expect_accept("{\"state\":{\"desired\":{\"temp\":\"23 \xc2\xb0" "C\"}}}");
}

static void payload_too_large(void **state)
{
	struct shadow_limits limits;
	struct shadow_request req;
	struct shadow_error err;
	const char *json = "{\"state\":{\"desired\":{\"a\":1}}}";

	(void)state;
	shadow_limits_default(&limits);
	limits.max_payload_bytes = strlen(json) - 1;
	assert_int_equal(shadow_request_parse(json, strlen(json), &limits, &req, &err), -1);
	assert_int_equal(err.code, 413);
	assert_string_equal(err.message, "The payload exceeds the maximum size allowed");
}

static void accepted_forms(void **state)
{
	(void)state;
	/* AWS's "Empty shadow document properties" examples, as requests. */
	expect_accept("{\"state\":{\"reported\":{\"temp\":55}}}");
	expect_accept("{\"state\":{\"desired\":{\"color\":\"RED\"}}}");
	expect_accept("{\"state\":{\"reported\":{\"color\":\"red\"},\"desired\":null}}");
	expect_accept("{\"state\":{}}");
	/* Setting the state to null empties the shadow; it is accepted. */
	expect_accept("{\"state\":null}");
	/* Content outside state is ignored. */
	expect_accept("{\"state\":{},\"metadata\":{\"x\":1},\"timestamp\":5}");
}

static void names(void **state)
{
	char long_name[200];

	(void)state;
	assert_true(shadow_thing_name_valid("lamp-1:a_b", 10));
	assert_false(shadow_thing_name_valid("", 0));
	assert_false(shadow_thing_name_valid("a/b", 3));
	assert_false(shadow_thing_name_valid("a$b", 3));
	assert_false(shadow_thing_name_valid("a b", 3));
	memset(long_name, 'a', sizeof(long_name));
	assert_true(shadow_thing_name_valid(long_name, 128));
	assert_false(shadow_thing_name_valid(long_name, 129));
	assert_true(shadow_name_valid("$config", 7));
	assert_true(shadow_name_valid(long_name, 64));
	assert_false(shadow_name_valid(long_name, 65));
	assert_false(shadow_name_valid("a.b", 3));
}

static void topics(void **state)
{
	struct shadow_topic t;
	char buf[300];

	(void)state;
	assert_true(shadow_topic_parse("$aws/things/lamp/shadow/update", &t));
	assert_string_equal(t.thing, "lamp");
	assert_string_equal(t.name, "");
	assert_int_equal(t.op, SHADOW_OP_UPDATE);
	assert_int_equal(t.suffix, SHADOW_SUFFIX_NONE);

	assert_true(shadow_topic_parse("$aws/things/lamp/shadow/name/cfg/get/accepted", &t));
	assert_string_equal(t.name, "cfg");
	assert_int_equal(t.op, SHADOW_OP_GET);
	assert_int_equal(t.suffix, SHADOW_SUFFIX_ACCEPTED);
	t.suffix = SHADOW_SUFFIX_REJECTED;
	assert_true(shadow_topic_format(&t, buf, sizeof(buf)));
	assert_string_equal(buf, "$aws/things/lamp/shadow/name/cfg/get/rejected");

	assert_true(shadow_topic_parse("$aws/things/x/shadow/update/delta", &t));
	assert_int_equal(t.suffix, SHADOW_SUFFIX_DELTA);
	t.name[0] = '\0';
	t.suffix = SHADOW_SUFFIX_DOCUMENTS;
	assert_true(shadow_topic_format(&t, buf, sizeof(buf)));
	assert_string_equal(buf, "$aws/things/x/shadow/update/documents");

	assert_false(shadow_topic_parse("$aws/things/x/shadow/get/delta", &t));
	assert_false(shadow_topic_parse("$aws/things/x/shadow/put", &t));
	assert_false(shadow_topic_parse("$aws/things/x/shadow/update/accepted/more", &t));
	assert_false(shadow_topic_parse("$aws/things/x/shadow/name/get", &t));
	assert_false(shadow_topic_parse("$aws/things/x/shadow", &t));
	assert_false(shadow_topic_parse("$aws/things//shadow/get", &t));
	assert_false(shadow_topic_parse("$aws/things/a+b/shadow/get", &t));
	assert_false(shadow_topic_parse("aws/things/x/shadow/get", &t));
	assert_false(shadow_topic_parse("$aws/things/x/shadow/name//get", &t));
	assert_false(shadow_topic_parse("$aws/things/x/shadow/name/a.b/get", &t));
	assert_false(shadow_topic_parse("$aws/things/x/jobs/get", &t));

	assert_false(shadow_topic_format(&t, buf, 20));
}

static void get_delete_tokens(void **state)
{
	struct shadow_request req;

	(void)state;
	shadow_request_parse_token("{\"clientToken\":\"g1\"}", 20, &req);
	assert_true(req.has_client_token);
	assert_string_equal(req.client_token, "g1");
	shadow_request_parse_token("", 0, &req);
	assert_false(req.has_client_token);
	shadow_request_parse_token("not json", 8, &req);
	assert_false(req.has_client_token);
	shadow_request_parse_token("{\"clientToken\":5}", 17, &req);
	assert_false(req.has_client_token);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(invalid_json),
		cmocka_unit_test(missing_state),
		cmocka_unit_test(state_not_object),
		cmocka_unit_test(desired_reported_not_object),
		cmocka_unit_test(invalid_node),
		cmocka_unit_test(invalid_version),
		cmocka_unit_test(client_token),
		cmocka_unit_test(depth),
		cmocka_unit_test(depth_configurable),
		cmocka_unit_test(null_in_array),
		cmocka_unit_test(encoding),
		cmocka_unit_test(payload_too_large),
		cmocka_unit_test(accepted_forms),
		cmocka_unit_test(names),
		cmocka_unit_test(topics),
		cmocka_unit_test(get_delete_tokens),
	};

	run_tap();
	return cmocka_run_group_tests_name("shadow request", tests, NULL, NULL);
}
