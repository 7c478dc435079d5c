// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and checking a thing description (docs/thing-description.md).
 *
 * Everything the kernel would refuse when the thing goes live is checked
 * here first, so the user gets the JSON path of the problem instead of an
 * errno from configfs. Limits, initial values and deadbands are written in
 * the channel's unit ("min": -40.0) and scaled exactly with its exponent.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "description.h"

#define PERIOD_MIN_MS		10
#define REPORT_MIN_MS		100
#define INTERVAL_MAX_MS		86400000

struct parser {
	char *err;
	size_t err_size;
};

static int fail(struct parser *p, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, const char *path, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	len = snprintf(p->err, p->err_size, "%s: ", path);
	if (len < p->err_size) {
		va_start(ap, fmt);
		vsnprintf(p->err + len, p->err_size - len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "@path.@key", the JSON path of a member, cut short if it must be. */
static void subpath(char *buf, size_t size, const char *path, const char *key)
{
	if (snprintf(buf, size, "%s.%s", path, key) >= (int)size)
		buf[size - 1] = '\0';
}

/* Keys of @obj must be among @known (NULL-terminated) and appear once. */
static int check_keys(struct parser *p, const char *path, const cJSON *obj,
		      const char *const *known)
{
	const cJSON *item, *earlier;
	size_t i;

	cJSON_ArrayForEach(item, obj) {
		for (i = 0; known[i]; i++)
			if (!strcmp(item->string, known[i]))
				break;
		if (!known[i])
			return fail(p, path, "unknown key \"%s\"", item->string);
		for (earlier = obj->child; earlier != item;
		     earlier = earlier->next)
			if (!strcmp(earlier->string, item->string))
				return fail(p, path, "duplicate key \"%s\"",
					    item->string);
	}
	return 0;
}

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int get_string(struct parser *p, const char *path, const cJSON *item,
		      char *dst, size_t size, bool allow_empty)
{
	size_t len;

	if (!cJSON_IsString(item))
		return fail(p, path, "must be a string");
	len = strlen(item->valuestring);
	if (len >= size)
		return fail(p, path, "longer than %zu bytes", size - 1);
	if (!len && !allow_empty)
		return fail(p, path, "must not be empty");
	memcpy(dst, item->valuestring, len + 1);
	return 0;
}

static int get_name(struct parser *p, const char *path, const cJSON *item,
		    char *dst)
{
	if (!cJSON_IsString(item))
		return fail(p, path, "must be a string");
	if (!kthing_name_valid(item->valuestring))
		return fail(p, path, "\"%s\" is not a valid name (1 to %d of A-Z a-z 0-9 _ -)",
			    item->valuestring, KTHING_NAME_SIZE - 1);
	strcpy(dst, item->valuestring);
	return 0;
}

static int get_integer(struct parser *p, const char *path, const cJSON *item,
		       int64_t min, int64_t max, int64_t *out)
{
	double d;

	if (!cJSON_IsNumber(item))
		return fail(p, path, "must be a number");
	d = item->valuedouble;
	if (d != floor(d) || d < (double)min || d > (double)max)
		return fail(p, path, "must be an integer from %lld to %lld",
			    (long long)min, (long long)max);
	*out = (int64_t)d;
	return 0;
}

static int get_bool(struct parser *p, const char *path, const cJSON *item,
		    bool *out)
{
	if (!cJSON_IsBool(item))
		return fail(p, path, "must be true or false");
	*out = cJSON_IsTrue(item);
	return 0;
}

/* A value in the channel's unit, as a JSON number or a decimal string. */
static int get_value(struct parser *p, const char *path, const cJSON *item,
		     int exponent, int64_t min, int64_t max, int64_t *out)
{
	char why[96];
	int err;

	if (cJSON_IsBool(item) && min <= 0 && max >= 1) {
		*out = cJSON_IsTrue(item);
		return 0;
	}
	if (cJSON_IsNumber(item))
		err = kthing_value_from_double(item->valuedouble, exponent,
					       min, max, out);
	else if (cJSON_IsString(item))
		err = kthing_value_parse(item->valuestring, exponent, min, max,
					 out);
	else
		return fail(p, path, "must be a number");
	if (err)
		return fail(p, path, "%s",
			    kthing_value_strerror(why, sizeof(why), err,
						  exponent, min, max));
	return 0;
}

static int parse_enum(struct parser *p, const char *path, const cJSON *item,
		      const char *const *names, uint32_t first, uint32_t *out)
{
	size_t i;

	if (!cJSON_IsString(item))
		return fail(p, path, "must be a string");
	for (i = 0; names[i]; i++) {
		if (!strcmp(item->valuestring, names[i])) {
			*out = first + i;
			return 0;
		}
	}
	return fail(p, path, "unknown value \"%s\"", item->valuestring);
}

static int parse_gpio(struct parser *p, const char *path, const cJSON *gpio,
		      struct channel_desc *ch)
{
	static const char *const keys[] = {
		"line", "chip", "offset", "active_low", NULL,
	};
	const cJSON *line = get(gpio, "line"), *chip = get(gpio, "chip");
	const cJSON *offset = get(gpio, "offset"), *al = get(gpio, "active_low");
	char sub[64];
	int64_t v;
	int err;

	if (!cJSON_IsObject(gpio))
		return fail(p, path, "must be an object");
	err = check_keys(p, path, gpio, keys);
	if (err)
		return err;
	if (line && (chip || offset))
		return fail(p, path, "give either \"line\" or \"chip\" and \"offset\", not both");
	if (line) {
		subpath(sub, sizeof(sub), path, "line");
		err = get_string(p, sub, line, ch->gpio_line_name,
				 sizeof(ch->gpio_line_name), false);
	} else if (chip && offset) {
		subpath(sub, sizeof(sub), path, "chip");
		err = get_string(p, sub, chip, ch->gpio_chip,
				 sizeof(ch->gpio_chip), false);
		if (err)
			return err;
		subpath(sub, sizeof(sub), path, "offset");
		err = get_integer(p, sub, offset, 0, 65535, &v);
		ch->gpio_offset = v;
	} else {
		return fail(p, path, "needs \"line\", or \"chip\" and \"offset\"");
	}
	if (err)
		return err;
	if (al) {
		subpath(sub, sizeof(sub), path, "active_low");
		return get_bool(p, sub, al, &ch->active_low);
	}
	return 0;
}

static int parse_iio(struct parser *p, const char *path, const cJSON *iio,
		     struct channel_desc *ch)
{
	static const char *const keys[] = { "device", "channel", "index", NULL };
	char sub[64];
	int64_t v;
	int err;

	if (!cJSON_IsObject(iio))
		return fail(p, path, "must be an object");
	err = check_keys(p, path, iio, keys);
	if (err)
		return err;
	subpath(sub, sizeof(sub), path, "device");
	if (!get(iio, "device"))
		return fail(p, sub, "required");
	err = get_string(p, sub, get(iio, "device"), ch->iio_device,
			 KTHING_NAME_SIZE, false);
	if (err)
		return err;
	subpath(sub, sizeof(sub), path, "channel");
	if (!get(iio, "channel"))
		return fail(p, sub, "required (temp, humidityrelative, pressure, ...)");
	err = get_string(p, sub, get(iio, "channel"), ch->iio_channel,
			 KTHING_NAME_SIZE, false);
	if (err)
		return err;
	if (get(iio, "index")) {
		subpath(sub, sizeof(sub), path, "index");
		err = get_integer(p, sub, get(iio, "index"), 0, 1023, &v);
		ch->iio_index = v;
	}
	return err;
}

static int parse_thermal(struct parser *p, const char *path,
			 const cJSON *thermal, struct channel_desc *ch)
{
	static const char *const keys[] = { "zone", NULL };
	char sub[64];
	int err;

	if (!cJSON_IsObject(thermal))
		return fail(p, path, "must be an object");
	err = check_keys(p, path, thermal, keys);
	if (err)
		return err;
	subpath(sub, sizeof(sub), path, "zone");
	if (!get(thermal, "zone"))
		return fail(p, sub, "required");
	return get_string(p, sub, get(thermal, "zone"), ch->thermal_zone,
			  KTHING_NAME_SIZE, false);
}

/* The backend's own object: required for it, refused for the others. */
static int parse_backend_object(struct parser *p, const char *path,
				const cJSON *obj, struct channel_desc *ch)
{
	static const char *const objects[] = {
		[KTHING_BACKEND_GPIO] = "gpio",
		[KTHING_BACKEND_IIO] = "iio",
		[KTHING_BACKEND_THERMAL] = "thermal",
	};
	const cJSON *item;
	char sub[64];
	uint32_t b;

	/* First refuse the other backends' objects, then parse our own. */
	for (b = KTHING_BACKEND_GPIO; b <= KTHING_BACKEND_THERMAL; b++) {
		subpath(sub, sizeof(sub), path, objects[b]);
		if (b != ch->backend && get(obj, objects[b]))
			return fail(p, sub, "not for backend %s",
				    kthing_backend_name(ch->backend));
	}
	if (ch->backend == KTHING_BACKEND_VIRTUAL)
		return 0;

	item = get(obj, objects[ch->backend]);
	subpath(sub, sizeof(sub), path, objects[ch->backend]);
	if (!item)
		return fail(p, sub, "required for backend %s",
			    objects[ch->backend]);
	switch (ch->backend) {
	case KTHING_BACKEND_GPIO:
		return parse_gpio(p, sub, item, ch);
	case KTHING_BACKEND_IIO:
		return parse_iio(p, sub, item, ch);
	default:
		return parse_thermal(p, sub, item, ch);
	}
}

static bool polled(const struct channel_desc *ch)
{
	return ch->backend == KTHING_BACKEND_IIO ||
	       ch->backend == KTHING_BACKEND_THERMAL;
}

static int parse_limits(struct parser *p, const char *path, const cJSON *obj,
			struct channel_desc *ch)
{
	const cJSON *min = get(obj, "min"), *max = get(obj, "max");
	char sub[64];
	int err;

	if (ch->type == KTHING_TYPE_BOOL) {
		ch->min = 0;
		ch->max = 1;
		if (min || max) {
			int64_t lo = 0, hi = 1;

			subpath(sub, sizeof(sub), path, "min");
			if (min && (get_value(p, sub, min, 0, INT64_MIN,
					      INT64_MAX, &lo) || lo != 0))
				return fail(p, sub, "a bool channel's limits are 0 and 1");
			subpath(sub, sizeof(sub), path, "max");
			if (max && (get_value(p, sub, max, 0, INT64_MIN,
					      INT64_MAX, &hi) || hi != 1))
				return fail(p, sub, "a bool channel's limits are 0 and 1");
		}
		return 0;
	}

	subpath(sub, sizeof(sub), path, "min");
	if (!min)
		return fail(p, sub, "required for an int channel");
	err = get_value(p, sub, min, ch->exponent, INT64_MIN, INT64_MAX,
			&ch->min);
	if (err)
		return err;
	subpath(sub, sizeof(sub), path, "max");
	if (!max)
		return fail(p, sub, "required for an int channel");
	err = get_value(p, sub, max, ch->exponent, INT64_MIN, INT64_MAX,
			&ch->max);
	if (err)
		return err;
	if (ch->min > ch->max)
		return fail(p, sub, "smaller than min");
	return 0;
}

static int parse_reporting(struct parser *p, const char *path,
			   const cJSON *obj, struct channel_desc *ch)
{
	const cJSON *item;
	char sub[64];
	int64_t v;
	int err;

	item = get(obj, "sample_period_ms");
	if (item) {
		subpath(sub, sizeof(sub), path, "sample_period_ms");
		if (!polled(ch))
			return fail(p, sub, "only polled (iio, thermal) channels have one");
		err = get_integer(p, sub, item, PERIOD_MIN_MS, INTERVAL_MAX_MS,
				  &v);
		if (err)
			return err;
		ch->has_sample_period = true;
		ch->sample_period_ms = v;
	}
	item = get(obj, "report_interval_ms");
	if (item) {
		subpath(sub, sizeof(sub), path, "report_interval_ms");
		err = get_integer(p, sub, item, 0, INTERVAL_MAX_MS, &v);
		if (err)
			return err;
		if (v && v < REPORT_MIN_MS)
			return fail(p, sub, "must be 0 (off) or from %d to %d",
				    REPORT_MIN_MS, INTERVAL_MAX_MS);
		ch->report_interval_ms = v;
	}
	item = get(obj, "deadband");
	if (item) {
		subpath(sub, sizeof(sub), path, "deadband");
		if (!polled(ch))
			return fail(p, sub, "only polled (iio, thermal) channels have one");
		err = get_value(p, sub, item, ch->exponent, 0, INT64_MAX,
				&ch->deadband);
		if (err)
			return err;
	}
	item = get(obj, "events");
	if (item) {
		subpath(sub, sizeof(sub), path, "events");
		return get_bool(p, sub, item, &ch->events);
	}
	return 0;
}

static int parse_channel(struct parser *p, const char *path, const cJSON *obj,
			 struct channel_desc *ch)
{
	static const char *const keys[] = {
		"name", "description", "kind", "type", "backend", "unit",
		"exponent", "min", "max", "initial", "gpio", "iio", "thermal",
		"sample_period_ms", "report_interval_ms", "deadband", "events",
		NULL,
	};
	static const char *const kinds[] = { "sensor", "actuator", NULL };
	static const char *const types[] = { "bool", "int", NULL };
	static const char *const backends[] = {
		"virtual", "gpio", "iio", "thermal", NULL,
	};
	const cJSON *item;
	char sub[64];
	int64_t v;
	int err;

	if (!cJSON_IsObject(obj))
		return fail(p, path, "must be an object");
	err = check_keys(p, path, obj, keys);
	if (err)
		return err;
	memset(ch, 0, sizeof(*ch));
	ch->events = true;

	subpath(sub, sizeof(sub), path, "name");
	if (!get(obj, "name"))
		return fail(p, sub, "required");
	err = get_name(p, sub, get(obj, "name"), ch->name);
	if (err)
		return err;

	subpath(sub, sizeof(sub), path, "kind");
	if (!get(obj, "kind"))
		return fail(p, sub, "required (sensor or actuator)");
	err = parse_enum(p, sub, get(obj, "kind"), kinds, KTHING_KIND_SENSOR,
			 &ch->kind);
	if (err)
		return err;

	subpath(sub, sizeof(sub), path, "backend");
	if (!get(obj, "backend"))
		return fail(p, sub, "required (virtual, gpio, iio or thermal)");
	err = parse_enum(p, sub, get(obj, "backend"), backends,
			 KTHING_BACKEND_VIRTUAL, &ch->backend);
	if (err)
		return err;
	if (ch->backend == KTHING_BACKEND_VIRTUAL &&
	    ch->kind == KTHING_KIND_SENSOR)
		return fail(p, sub, "a virtual channel is an actuator (a value kept in the kernel)");
	if (polled(ch) && ch->kind == KTHING_KIND_ACTUATOR)
		return fail(p, sub, "%s channels are sensors only",
			    kthing_backend_name(ch->backend));

	/* GPIO lines are booleans; everything else defaults to int. */
	ch->type = ch->backend == KTHING_BACKEND_GPIO ? KTHING_TYPE_BOOL :
							KTHING_TYPE_INT;
	item = get(obj, "type");
	if (item) {
		subpath(sub, sizeof(sub), path, "type");
		err = parse_enum(p, sub, item, types, KTHING_TYPE_BOOL,
				 &ch->type);
		if (err)
			return err;
		if (ch->backend == KTHING_BACKEND_GPIO &&
		    ch->type != KTHING_TYPE_BOOL)
			return fail(p, sub, "a gpio channel is a bool");
	}

	item = get(obj, "unit");
	if (item) {
		subpath(sub, sizeof(sub), path, "unit");
		err = get_string(p, sub, item, ch->unit, sizeof(ch->unit),
				 true);
		if (err)
			return err;
	}

	item = get(obj, "exponent");
	if (item) {
		subpath(sub, sizeof(sub), path, "exponent");
		err = get_integer(p, sub, item, KTHING_EXPONENT_MIN,
				  KTHING_EXPONENT_MAX, &v);
		if (err)
			return err;
		if (ch->type == KTHING_TYPE_BOOL && v)
			return fail(p, sub, "a bool channel's exponent is 0");
		ch->exponent = v;
	}

	err = parse_limits(p, path, obj, ch);
	if (err)
		return err;

	item = get(obj, "initial");
	if (item) {
		subpath(sub, sizeof(sub), path, "initial");
		if (ch->kind != KTHING_KIND_ACTUATOR)
			return fail(p, sub, "only actuators have one");
		err = get_value(p, sub, item, ch->exponent, ch->min, ch->max,
				&ch->initial);
		if (err)
			return err;
		ch->has_initial = true;
	}

	err = parse_backend_object(p, path, obj, ch);
	if (err)
		return err;
	return parse_reporting(p, path, obj, ch);
}

/* "line 3, column 7" of @pos in @json. */
static void position(const char *json, const char *pos, char *buf,
		     size_t size)
{
	int line = 1, column = 1;
	const char *s;

	for (s = json; s < pos; s++) {
		if (*s == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	snprintf(buf, size, "line %d, column %d", line, column);
}

int thing_desc_parse(const char *json, size_t len, struct thing_desc *desc,
		     char *err_buf, size_t err_size)
{
	static const char *const keys[] = {
		"name", "description", "channels", NULL,
	};
	struct parser parser = { .err = err_buf, .err_size = err_size };
	struct parser *p = &parser;
	const cJSON *channels, *item;
	const char *end = NULL;
	char path[64], where[48];
	size_t i, j;
	cJSON *doc;
	int err;

	memset(desc, 0, sizeof(*desc));
	doc = cJSON_ParseWithLengthOpts(json, len, &end, false);
	if (!doc) {
		position(json, end && end >= json && end <= json + len ? end :
			 json + len, where, sizeof(where));
		return fail(p, "description", "not valid JSON near %s", where);
	}
	/* Trailing garbage after the document is an error too. */
	while (end && end < json + len &&
	       (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (end && end < json + len && *end) {
		position(json, end, where, sizeof(where));
		err = fail(p, "description", "unexpected text after the document (%s)",
			   where);
		goto out;
	}
	if (!cJSON_IsObject(doc)) {
		err = fail(p, "description", "must be a JSON object");
		goto out;
	}
	err = check_keys(p, "description", doc, keys);
	if (err)
		goto out;
	if (!get(doc, "name")) {
		err = fail(p, "name", "required");
		goto out;
	}
	err = get_name(p, "name", get(doc, "name"), desc->name);
	if (err)
		goto out;

	channels = get(doc, "channels");
	if (!channels) {
		err = fail(p, "channels", "required");
		goto out;
	}
	if (!cJSON_IsArray(channels)) {
		err = fail(p, "channels", "must be an array");
		goto out;
	}
	if (!channels->child) {
		err = fail(p, "channels", "a thing needs at least one channel");
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(item, channels) {
		if (i == KTHING_CHANNELS_MAX) {
			err = fail(p, "channels", "more than %d channels",
				   KTHING_CHANNELS_MAX);
			goto out;
		}
		snprintf(path, sizeof(path), "channels[%zu]", i);
		err = parse_channel(p, path, item, &desc->channels[i]);
		if (err)
			goto out;
		for (j = 0; j < i; j++) {
			if (!strcmp(desc->channels[j].name,
				    desc->channels[i].name)) {
				err = fail(p, path, "name \"%s\" already used by channels[%zu]",
					   desc->channels[i].name, j);
				goto out;
			}
		}
		i++;
	}
	desc->num_channels = i;
	err = 0;
out:
	cJSON_Delete(doc);
	return err;
}
