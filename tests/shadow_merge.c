// SPDX-License-Identifier: GPL-2.0
/*
 * Merge, delta, metadata and versions, written from AWS's "Device Shadow
 * service documents" and "Interacting with shadows" pages.
 */
#include "shadow_test.h"

#define T0 1591057529

/* The document's {"state":..., "metadata":...}, for comparisons. */
static void assert_doc(const struct shadow_doc *doc, const char *want)
{
	char *got = shadow_doc_serialize(doc);

	assert_json_eq(got, want);
	cJSON_free(got);
}

static void assert_delta(const struct shadow_doc *doc, const char *want)
{
	cJSON *meta, *delta = shadow_doc_delta(doc, &meta);
	char *got = delta ? cJSON_PrintUnformatted(delta) : NULL;

	if (want)
		assert_json_eq(got, want);
	else
		assert_null(delta);
	cJSON_free(got);
	cJSON_Delete(delta);
	cJSON_Delete(meta);
}

static void desired_null_removes_section(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"color\":\"RED\"},"
			       "\"reported\":{\"color\":\"GREEN\"}}}", T0, NULL), 0);
	/* The example from "Empty shadow document properties". */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"color\":\"red\"},"
			       "\"desired\":null}}", T0 + 1, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"reported\":{\"color\":\"red\"}},"
		   "\"metadata\":{\"reported\":{\"color\":{\"timestamp\":1591057530}}}}");
	assert_int_equal(doc.version, 2);
	shadow_doc_free(&doc);
}

static void empty_sections(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"reported\":{\"temp\":55}}}", T0, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"reported\":{\"temp\":55}},"
		   "\"metadata\":{\"reported\":{\"temp\":{\"timestamp\":1591057529}}}}");
	/* Deleting the last key leaves no section; the document is empty. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"temp\":null}}}", T0, NULL), 0);
	assert_doc(&doc, "{\"state\":{},\"metadata\":{}}");
	assert_int_equal(doc.version, 2);
	assert_delta(&doc, NULL);
	shadow_doc_free(&doc);
}

static void null_deletes_key(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"color\":{\"r\":10},"
			       "\"engine\":\"ON\"}}}", T0, NULL), 0);
	/* "Deleting a property from a shadow document". */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"engine\":null}}}",
			       T0 + 5, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"desired\":{\"color\":{\"r\":10}}},"
		   "\"metadata\":{\"desired\":{\"color\":{\"r\":{\"timestamp\":1591057529}}}}}");
	/* Deleting a key that is not there changes nothing but the version. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"nothing\":null}}}",
			       T0 + 6, NULL), 0);
	assert_int_equal(doc.version, 3);
	/* Deleting a nested leaf that empties its parent removes the parent. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"color\":{\"r\":null}}}}",
			       T0 + 7, NULL), 0);
	assert_doc(&doc, "{\"state\":{},\"metadata\":{}}");
	shadow_doc_free(&doc);
}

static void updates_affect_only_given_fields(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"reported\":{\"a\":1,\"b\":{\"c\":2,\"d\":3}}}}",
			       T0, NULL), 0);
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"b\":{\"c\":20}}}}",
			       T0 + 10, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"reported\":{\"a\":1,\"b\":{\"c\":20,\"d\":3}}},"
		   "\"metadata\":{\"reported\":{\"a\":{\"timestamp\":1591057529},"
		   "\"b\":{\"c\":{\"timestamp\":1591057539},\"d\":{\"timestamp\":1591057529}}}}}");
	/* A value may become an object and back. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"a\":{\"x\":1},\"b\":5}}}",
			       T0 + 11, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"reported\":{\"a\":{\"x\":1},\"b\":5}},"
		   "\"metadata\":{\"reported\":{\"a\":{\"x\":{\"timestamp\":1591057540}},"
		   "\"b\":{\"timestamp\":1591057540}}}}");
	shadow_doc_free(&doc);
}

static void arrays_replace_whole(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	/* "Array values in shadow documents": initial state, update, final. */
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"colors\":"
			       "[\"RED\",\"GREEN\",\"BLUE\"]}}}", T0, NULL), 0);
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"colors\":[\"RED\"]}}}",
			       T0 + 1, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"desired\":{\"colors\":[\"RED\"]}},"
		   "\"metadata\":{\"desired\":{\"colors\":[{\"timestamp\":1591057530}]}}}");
	/* An array of objects: merge does not reach inside it. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"colors\":"
			       "[{\"r\":1,\"g\":2}]}}}", T0 + 2, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"desired\":{\"colors\":[{\"r\":1,\"g\":2}]}},"
		   "\"metadata\":{\"desired\":{\"colors\":[{\"r\":{\"timestamp\":1591057531},"
		   "\"g\":{\"timestamp\":1591057531}}]}}}");
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"colors\":[{\"g\":3}]}}}",
			       T0 + 3, NULL), 0);
	assert_doc(&doc, "{\"state\":{\"desired\":{\"colors\":[{\"g\":3}]}},"
		   "\"metadata\":{\"desired\":{\"colors\":[{\"g\":{\"timestamp\":1591057532}}]}}}");
	shadow_doc_free(&doc);
}

static void delta_flat(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	/* The "Delta state" example: color and state, not engine. */
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"color\":\"RED\","
			       "\"state\":\"STOP\"},\"reported\":{\"color\":\"GREEN\","
			       "\"engine\":\"ON\"}}}", T0, NULL), 0);
	assert_delta(&doc, "{\"color\":\"RED\",\"state\":\"STOP\"}");
	/* Once reported matches, there is no delta. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"color\":\"RED\","
			       "\"state\":\"STOP\"}}}", T0, NULL), 0);
	assert_delta(&doc, NULL);
	/* A key deleted from reported but still desired is in the delta. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"state\":null}}}",
			       T0, NULL), 0);
	assert_delta(&doc, "{\"state\":\"STOP\"}");
	/* Numbers compare by value; types must match. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"n\":1,\"b\":true,"
			       "\"s\":\"1\"},\"reported\":{\"n\":1.0,\"b\":1,\"s\":1,"
			       "\"state\":\"STOP\"}}}", T0, NULL), 0);
	assert_delta(&doc, "{\"b\":true,\"s\":\"1\"}");
	shadow_doc_free(&doc);
}

static void delta_nested(void **state)
{
	struct shadow_doc doc;
	cJSON *meta, *delta;
	char *m;

	(void)state;
	shadow_doc_init(&doc);
	/* "When nested objects differ, the delta contains the path". */
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"lights\":{\"color\":"
			       "{\"r\":255,\"g\":255,\"b\":255}}},\"reported\":{\"lights\":"
			       "{\"color\":{\"r\":255,\"g\":0,\"b\":255}}}}}", T0, NULL), 0);
	assert_delta(&doc, "{\"lights\":{\"color\":{\"g\":255}}}");
	/* Its metadata is desired's, along the same path. */
	delta = shadow_doc_delta(&doc, &meta);
	m = cJSON_PrintUnformatted(meta);
	assert_json_eq(m, "{\"lights\":{\"color\":{\"g\":{\"timestamp\":1591057529}}}}");
	cJSON_free(m);
	cJSON_Delete(delta);
	cJSON_Delete(meta);
	/* An object desired where reported has a value: the whole object. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"lights\":\"off\"}}}",
			       T0, NULL), 0);
	assert_delta(&doc, "{\"lights\":{\"color\":{\"r\":255,\"g\":255,\"b\":255}}}");
	shadow_doc_free(&doc);
}

static void delta_arrays(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"seq\":[1,2,3]},"
			       "\"reported\":{\"seq\":[1,2]}}}", T0, NULL), 0);
	/* Arrays are values: the whole desired array. */
	assert_delta(&doc, "{\"seq\":[1,2,3]}");
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"seq\":[1,2,3]}}}",
			       T0, NULL), 0);
	assert_delta(&doc, NULL);
	assert_int_equal(apply(&doc, true, "{\"state\":{\"reported\":{\"seq\":[3,2,1]}}}",
			       T0, NULL), 0);
	assert_delta(&doc, "{\"seq\":[1,2,3]}");
	shadow_doc_free(&doc);
}

static void reported_only_keys_not_in_delta(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"reported\":{\"temp\":22,"
			       "\"on\":true}}}", T0, NULL), 0);
	assert_delta(&doc, NULL);
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"on\":true}}}",
			       T0, NULL), 0);
	assert_delta(&doc, NULL);
	shadow_doc_free(&doc);
}

static void optimistic_locking(void **state)
{
	struct shadow_doc doc;
	int v;

	(void)state;
	shadow_doc_init(&doc);
	/* "Optimistic locking": bring the shadow to version 10 first. */
	for (v = 1; v <= 10; v++)
		assert_int_equal(apply(&doc, v > 1, "{\"state\":{\"desired\":{\"colors\":"
				       "[\"RED\",\"GREEN\",\"BLUE\"]}}}", T0, NULL), 0);
	assert_int_equal(doc.version, 10);
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"colors\":[\"BLUE\"]}},"
			       "\"version\":9}", T0, NULL), 409);
	assert_int_equal(doc.version, 10);
	assert_doc(&doc, "{\"state\":{\"desired\":{\"colors\":[\"RED\",\"GREEN\",\"BLUE\"]}},"
		   "\"metadata\":{\"desired\":{\"colors\":[{\"timestamp\":1591057529},"
		   "{\"timestamp\":1591057529},{\"timestamp\":1591057529}]}}}");
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"colors\":[\"BLUE\"]}},"
			       "\"version\":10}", T0, NULL), 0);
	assert_int_equal(doc.version, 11);
	/* A newer version than the stored one conflicts too. */
	assert_int_equal(apply(&doc, true, "{\"state\":{},\"version\":12}", T0, NULL), 409);
	/* Without a version there is no check. */
	assert_int_equal(apply(&doc, true, "{\"state\":{}}", T0, NULL), 0);
	assert_int_equal(doc.version, 12);
	shadow_doc_free(&doc);
}

static void version_continues_after_delete(void **state)
{
	struct shadow_doc doc;

	(void)state;
	/* A re-created shadow continues from the deleted one's version. */
	shadow_doc_init(&doc);
	doc.version = 4;
	assert_int_equal(apply(&doc, false, "{\"state\":{\"reported\":{\"a\":1}},"
			       "\"version\":3}", T0, NULL), 409);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"reported\":{\"a\":1}}}", T0, NULL), 0);
	assert_int_equal(doc.version, 5);
	shadow_doc_free(&doc);
}

static void state_null_empties(void **state)
{
	struct shadow_doc doc;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"a\":1},"
			       "\"reported\":{\"a\":2}}}", T0, NULL), 0);
	assert_int_equal(apply(&doc, true, "{\"state\":null}", T0, NULL), 0);
	assert_doc(&doc, "{\"state\":{},\"metadata\":{}}");
	assert_int_equal(doc.version, 2);
	shadow_doc_free(&doc);
}

static void merged_size_limit(void **state)
{
	struct shadow_doc doc;
	char json[8400], big[8100];

	(void)state;
	shadow_doc_init(&doc);
	memset(big, 'x', 8000);
	big[8000] = '\0';
	snprintf(json, sizeof(json), "{\"state\":{\"reported\":{\"a\":\"%s\"}}}", big);
	assert_int_equal(apply(&doc, false, json, T0, NULL), 0);
	/* {"a":"x...x"} is 8008 bytes: 184 more fit, 185 do not. */
	assert_int_equal(shadow_doc_state_size(&doc), 8008);
	memset(big, 'y', 184 - 8);
	big[184 - 8] = '\0';
	snprintf(json, sizeof(json), "{\"state\":{\"desired\":{\"b\":\"%s\"}}}", big);
	assert_int_equal(apply(&doc, true, json, T0, NULL), 0);
	assert_int_equal(shadow_doc_state_size(&doc), 8192);
	/* A tiny update can be refused: the limit is on the merged document. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"c\":1}}}", T0, NULL), 413);
	assert_int_equal(doc.version, 2);
	/* Metadata does not count; replacing a value with a shorter one does. */
	assert_int_equal(apply(&doc, true, "{\"state\":{\"desired\":{\"b\":1}}}", T0, NULL), 0);
	shadow_doc_free(&doc);
}

static void stored_form_round_trip(void **state)
{
	struct shadow_doc doc, back;
	char *a, *b;

	(void)state;
	shadow_doc_init(&doc);
	assert_int_equal(apply(&doc, false, "{\"state\":{\"desired\":{\"x\":[1,{\"y\":2}]},"
			       "\"reported\":{\"z\":{\"w\":null,\"v\":\"s\"}}}}", T0, NULL), 0);
	a = shadow_doc_serialize(&doc);
	assert_int_equal(shadow_doc_deserialize(&back, a, doc.version), 0);
	b = shadow_doc_serialize(&back);
	assert_string_equal(a, b);
	assert_int_equal(back.version, 1);
	cJSON_free(a);
	cJSON_free(b);
	shadow_doc_free(&back);
	assert_int_equal(shadow_doc_deserialize(&back, "{\"state\":{\"desired\":{}},"
						"\"metadata\":{}}", 1), -1);
	assert_int_equal(shadow_doc_deserialize(&back, "nonsense", 1), -1);
	assert_int_equal(shadow_doc_deserialize(&back, "{\"state\":{\"desired\":3},"
						"\"metadata\":{\"desired\":3}}", 1), -1);
	shadow_doc_free(&doc);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(desired_null_removes_section),
		cmocka_unit_test(empty_sections),
		cmocka_unit_test(null_deletes_key),
		cmocka_unit_test(updates_affect_only_given_fields),
		cmocka_unit_test(arrays_replace_whole),
		cmocka_unit_test(delta_flat),
		cmocka_unit_test(delta_nested),
		cmocka_unit_test(delta_arrays),
		cmocka_unit_test(reported_only_keys_not_in_delta),
		cmocka_unit_test(optimistic_locking),
		cmocka_unit_test(version_continues_after_delete),
		cmocka_unit_test(state_null_empties),
		cmocka_unit_test(merged_size_limit),
		cmocka_unit_test(stored_form_round_trip),
	};

	run_tap();
	return cmocka_run_group_tests_name("shadow merge and delta", tests, NULL, NULL);
}
