// SPDX-License-Identifier: GPL-2.0
/*
 * Responses byte for byte (shape and key order as AWS IoT publishes them),
 * and the device side: reading responses, tracking versions.
 */
#include "shadow_test.h"

#define T0 1591057529

static void update_responses(void **state)
{
	struct shadow_update_result res;
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"reported\":{\"color\":\"GREEN\"}}}",
			       T0, NULL), 0);
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"color\":\"RED\","
			       "\"engine\":null,\"seq\":[1,2]}},\"clientToken\":\"c-1\"}",
			       T0 + 1, &res), 0);
	/* The request's state echoed, nulls included, each leaf timed. */
	assert_string_equal(res.accepted,
		"{\"state\":{\"desired\":{\"color\":\"RED\",\"engine\":null,\"seq\":[1,2]}},"
		"\"metadata\":{\"desired\":{\"color\":{\"timestamp\":1591057530},"
		"\"engine\":{\"timestamp\":1591057530},\"seq\":[{\"timestamp\":1591057530},"
		"{\"timestamp\":1591057530}]}},"
		"\"version\":2,\"timestamp\":1591057530,\"clientToken\":\"c-1\"}");
	assert_string_equal(res.delta,
		"{\"version\":2,\"timestamp\":1591057530,"
		"\"state\":{\"color\":\"RED\",\"seq\":[1,2]},"
		"\"metadata\":{\"color\":{\"timestamp\":1591057530},"
		"\"seq\":[{\"timestamp\":1591057530},{\"timestamp\":1591057530}]},"
		"\"clientToken\":\"c-1\"}");
	assert_string_equal(res.documents,
		"{\"previous\":{\"state\":{\"reported\":{\"color\":\"GREEN\"}},"
		"\"metadata\":{\"reported\":{\"color\":{\"timestamp\":1591057529}}},\"version\":1},"
		"\"current\":{\"state\":{\"desired\":{\"color\":\"RED\",\"seq\":[1,2]},"
		"\"reported\":{\"color\":\"GREEN\"}},"
		"\"metadata\":{\"desired\":{\"color\":{\"timestamp\":1591057530},"
		"\"seq\":[{\"timestamp\":1591057530},{\"timestamp\":1591057530}]},"
		"\"reported\":{\"color\":{\"timestamp\":1591057529}}},\"version\":2},"
		"\"timestamp\":1591057530,\"clientToken\":\"c-1\"}");
	shadow_update_result_free(&res);
	shadow_doc_free(&doc);
}

static void no_delta_without_difference(void **state)
{
	struct shadow_update_result res;
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"on\":true},"
			       "\"reported\":{\"on\":true}}}", T0, &res), 0);
	assert_null(res.delta);
	/* No clientToken sent, none returned; a new shadow had no state. */
	assert_string_equal(res.documents,
		"{\"previous\":{\"state\":{},\"metadata\":{},\"version\":0},"
		"\"current\":{\"state\":{\"desired\":{\"on\":true},\"reported\":{\"on\":true}},"
		"\"metadata\":{\"desired\":{\"on\":{\"timestamp\":1591057529}},"
		"\"reported\":{\"on\":{\"timestamp\":1591057529}}},\"version\":1},"
		"\"timestamp\":1591057529}");
	shadow_update_result_free(&res);
	/* A report that leaves desired and reported apart publishes a delta. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"on\":false}}}",
			       T0 + 1, &res), 0);
	assert_string_equal(res.delta,
		"{\"version\":2,\"timestamp\":1591057530,\"state\":{\"on\":true},"
		"\"metadata\":{\"on\":{\"timestamp\":1591057529}}}");
	shadow_update_result_free(&res);
	shadow_doc_free(&doc);
}

static void desired_null_accepted(void **state)
{
	struct shadow_update_result res;
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"a\":1}}}", T0, NULL), 0);
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"color\":\"red\"},"
			       "\"desired\":null}}", T0, &res), 0);
	assert_string_equal(res.accepted,
		"{\"state\":{\"reported\":{\"color\":\"red\"},\"desired\":null},"
		"\"metadata\":{\"reported\":{\"color\":{\"timestamp\":1591057529}},"
		"\"desired\":{\"timestamp\":1591057529}},"
		"\"version\":2,\"timestamp\":1591057529}");
	shadow_update_result_free(&res);
	shadow_doc_free(&doc);
}

static void get_document(void **state)
{
	struct shadow_doc doc;
	char *get;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"color\":\"RED\","
			       "\"state\":\"STOP\"},\"reported\":{\"color\":\"GREEN\","
			       "\"engine\":\"ON\"}}}", 12345, NULL), 0);
	get = shadow_build_get(&doc, "g", 123456789);
	assert_string_equal(get,
		"{\"state\":{\"desired\":{\"color\":\"RED\",\"state\":\"STOP\"},"
		"\"reported\":{\"color\":\"GREEN\",\"engine\":\"ON\"},"
		"\"delta\":{\"color\":\"RED\",\"state\":\"STOP\"}},"
		"\"metadata\":{\"desired\":{\"color\":{\"timestamp\":12345},"
		"\"state\":{\"timestamp\":12345}},\"reported\":{\"color\":{\"timestamp\":12345},"
		"\"engine\":{\"timestamp\":12345}}},"
		"\"version\":1,\"timestamp\":123456789,\"clientToken\":\"g\"}");
	cJSON_free(get);
	shadow_doc_free(&doc);

	/* An emptied shadow still answers get. */
	shadow_doc_init(&doc);
	doc.version = 7;
	get = shadow_build_get(&doc, NULL, 5);
	assert_string_equal(get, "{\"state\":{},\"metadata\":{},\"version\":7,\"timestamp\":5}");
	cJSON_free(get);
}

static void delete_and_errors(void **state)
{
	struct shadow_error err;
	char *s;

	(void)state;
	/* The example in "Deleting a shadow". */
	s = shadow_build_delete(4, NULL, 1591057529);
	assert_string_equal(s, "{\"version\":4,\"timestamp\":1591057529}");
	cJSON_free(s);
	s = shadow_build_delete(4, "d", 1591057529);
	assert_string_equal(s, "{\"version\":4,\"timestamp\":1591057529,\"clientToken\":\"d\"}");
	cJSON_free(s);

	/* The 409 example in "Optimistic locking". */
	shadow_error_set(&err, 409, "Version conflict");
	s = shadow_build_error(&err, "426bfd96-e720-46d3-95cd-014e3ef12bb6", 7);
	assert_string_equal(s, "{\"code\":409,\"message\":\"Version conflict\",\"timestamp\":7,"
			       "\"clientToken\":\"426bfd96-e720-46d3-95cd-014e3ef12bb6\"}");
	cJSON_free(s);

	shadow_error_not_found(&err, "lamp", "");
	assert_int_equal(err.code, 404);
	assert_string_equal(err.message, "No shadow exists with name: 'lamp'");
	shadow_error_not_found(&err, "lamp", "config");
	assert_string_equal(err.message, "No shadow exists with name: 'config'");
	s = shadow_build_error(&err, NULL, 9);
	assert_string_equal(s, "{\"code\":404,\"message\":\"No shadow exists with name: "
			       "'config'\",\"timestamp\":9}");
	cJSON_free(s);
}

static void device_reads_delta(void **state)
{
	struct shadow_update_result res;
	struct shadow_response resp;
	struct shadow_error err;
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"relay\":true}},"
			       "\"clientToken\":\"app-7\"}", T0, &res), 0);
	assert_int_equal(shadow_response_parse(res.delta, strlen(res.delta),
					       SHADOW_SUFFIX_DELTA, &resp, &err), 0);
	assert_true(resp.has_version);
	assert_int_equal(resp.version, 1);
	assert_int_equal(resp.timestamp, T0);
	assert_string_equal(resp.client_token, "app-7");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(resp.state, "relay")));
	shadow_response_free(&resp);

	assert_int_equal(shadow_response_parse(res.accepted, strlen(res.accepted),
					       SHADOW_SUFFIX_ACCEPTED, &resp, &err), 0);
	assert_int_equal(resp.version, 1);
	shadow_response_free(&resp);
	shadow_update_result_free(&res);
	shadow_doc_free(&doc);
}

static void device_reads_rejection(void **state)
{
	const char *msg = "{\"code\":409,\"message\":\"Version conflict\","
			  "\"timestamp\":5,\"clientToken\":\"x\"}";
	struct shadow_response resp;
	struct shadow_error err;

	(void)state;
	assert_int_equal(shadow_response_parse(msg, strlen(msg), SHADOW_SUFFIX_REJECTED,
					       &resp, &err), 0);
	assert_int_equal(resp.code, 409);
	assert_string_equal(resp.message, "Version conflict");
	assert_string_equal(resp.client_token, "x");
	assert_false(resp.has_version);
	shadow_response_free(&resp);

	assert_int_equal(shadow_response_parse("{\"message\":\"m\"}", 15,
					       SHADOW_SUFFIX_REJECTED, &resp, &err), -1);
	assert_int_equal(shadow_response_parse("{\"state\":{}}", 12,
					       SHADOW_SUFFIX_DELTA, &resp, &err), -1);
	assert_int_equal(shadow_response_parse("{\"version\":-2}", 14,
					       SHADOW_SUFFIX_ACCEPTED, &resp, &err), -1);
	assert_int_equal(shadow_response_parse("[]", 2, SHADOW_SUFFIX_ACCEPTED, &resp, &err), -1);
	assert_int_equal(shadow_response_parse("{", 1, SHADOW_SUFFIX_ACCEPTED, &resp, &err), -1);
}

static void versions(void **state)
{
	struct shadow_versions v = { 0 };

	(void)state;
	/* "the delta for version 12 before version 11": drop 11. */
	assert_true(shadow_versions_take_delta(&v, 12));
	assert_false(shadow_versions_take_delta(&v, 11));
	assert_false(shadow_versions_take_delta(&v, 12));
	/* The device's own accepted report (13) must not hide delta 14... */
	assert_true(shadow_versions_take_accepted(&v, 13));
	assert_true(shadow_versions_take_delta(&v, 14));
	/* ...nor a late delta 13 that is newer than the last delta. */
	assert_false(shadow_versions_take_accepted(&v, 13));
	assert_true(shadow_versions_take_accepted(&v, 15));
	shadow_versions_reset(&v);
	assert_true(shadow_versions_take_delta(&v, 1));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(update_responses),
		cmocka_unit_test(no_delta_without_difference),
		cmocka_unit_test(desired_null_accepted),
		cmocka_unit_test(get_document),
		cmocka_unit_test(delete_and_errors),
		cmocka_unit_test(device_reads_delta),
		cmocka_unit_test(device_reads_rejection),
		cmocka_unit_test(versions),
	};

	run_tap();
	return cmocka_run_group_tests_name("shadow responses", tests, NULL, NULL);
}
