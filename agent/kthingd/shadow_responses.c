// SPDX-License-Identifier: GPL-2.0
/*
 * What comes back on a shadow's response topics. A response echoing the
 * clientToken of a request in flight settles it: get/accepted brings the
 * document (its delta applied, what it reports wrongly reported again),
 * get/rejected 404 creates the shadow, and every other rejection has its
 * remedy (on_rejected). An /update/delta newer than the last applied is
 * applied unless our own report caused it.
 */
#include <string.h>

#include "backoff.h"
#include "counters.h"
#include "log.h"
#include "shadow_apply.h"
#include "shadow_report.h"
#include "shadow_sync_internal.h"

void shadow_reconcile(struct shadow *sh, const cJSON *reported)
{
	unsigned int n = kthing_num_channels(sh->dev->k);
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(reported, SHADOW_ERRORS_KEY);
	const cJSON *item;

	for (unsigned int i = 0; i < n && i < KTHING_CHANNELS_MAX; i++) {
		const struct kthing_channel *ch = kthing_channel(sh->dev->k, i);
		struct shadow_chan *c = &sh->chans[i];
		const cJSON *doc;
		char err[96];
		int64_t real, held;

		if (!c->member || !ch)
			continue;
		c->known = false;
		c->reported_ts = 0;
		doc = cJSON_GetObjectItemCaseSensitive(reported, ch->name);
		if (!doc || !shadow_chan_read(sh, i, &real) ||
		    shadow_value_from_json(doc, ch, &held, err, sizeof(err)) < 0 ||
		    held != real ||
		    (ch->type == KTHING_TYPE_BOOL && !cJSON_IsBool(doc))) {
			c->force = true;
			continue;
		}
		c->known = true;
		c->last = real;
	}
	cJSON_Delete(sh->shown_errors);
	sh->shown_errors = cJSON_CreateObject();
	cJSON_ArrayForEach(item, errors)
		if (cJSON_IsString(item) && item->string)
			cJSON_AddStringToObject(sh->shown_errors, item->string,
						item->valuestring);
	cJSON_Delete(sh->pending_errors);
	sh->pending_errors = cJSON_CreateObject();
}

static double leaf_timestamp(const cJSON *meta, const char *key)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(meta, key);

	m = cJSON_GetObjectItemCaseSensitive(m, "timestamp");
	return cJSON_IsNumber(m) ? m->valuedouble : -1;
}

/*
 * The keys of a delta to apply. A channel reported after its desired value
 * was set changed on the device side since (another writer, an input):
 * applying the older desired value would undo that change, so it is left
 * until desired is set again. @meta is the delta's desired metadata.
 */
static cJSON *fresh_desired(struct shadow *sh, const cJSON *delta, const cJSON *meta)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *item;

	cJSON_ArrayForEach(item, delta) {
		const struct kthing_channel *ch = shadow_channel_find(sh, item->string);
		double desired_ts = leaf_timestamp(meta, item->string);

		if (ch && desired_ts >= 0 && desired_ts < sh->chans[ch->index].reported_ts)
			continue;
		cJSON_AddItemToObject(out, item->string, cJSON_Duplicate(item, true));
	}
	return out;
}

/* Remember when the shadow took each channel's reported value. */
static void note_reported(struct shadow *sh, const cJSON *reported_meta)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, reported_meta) {
		const struct kthing_channel *ch = shadow_channel_find(sh, item->string);
		double ts = leaf_timestamp(reported_meta, item->string);

		if (ch && ts >= 0)
			sh->chans[ch->index].reported_ts = ts;
	}
}

static void on_get_accepted(struct shadow *sh, const struct shadow_response *resp)
{
	struct shadow_sync *s = sh->dev->sync;
	const cJSON *reported = cJSON_GetObjectItemCaseSensitive(resp->state, "reported");
	const cJSON *delta = cJSON_GetObjectItemCaseSensitive(resp->state, "delta");
	cJSON *fresh = NULL;

	shadow_versions_take_accepted(&sh->versions, resp->version);
	shadow_reconcile(sh, reported);
	/* The get's delta counts as a delta of its version. */
	if (!shadow_versions_take_delta(&sh->versions, resp->version) && delta) {
		s->counters->shadow_stale_deltas++;
		delta = NULL;
	}
	note_reported(sh, cJSON_GetObjectItemCaseSensitive(resp->metadata, "reported"));
	if (delta)
		fresh = fresh_desired(sh, delta, cJSON_GetObjectItemCaseSensitive(resp->metadata,
										  "desired"));
	shadow_apply_delta(sh, fresh, delta);
	cJSON_Delete(fresh);
}

static void on_rejected(struct shadow *sh, enum shadow_op op,
			const struct shadow_response *resp)
{
	struct shadow_sync *s = sh->dev->sync;
	char label[256];

	shadow_label(sh, label, sizeof(label));
	if (op == SHADOW_OP_GET && resp->code == SHADOW_NOT_FOUND) {
		/* Create it with the whole state of the device. */
		log_notice("shadow %s: none yet, creating it", label);
		shadow_versions_reset(&sh->versions);
		shadow_reconcile(sh, NULL);
		return;
	}
	s->counters->shadow_rejected++;
	switch (resp->code) {
	case SHADOW_CONFLICT:
		s->counters->shadow_conflicts++;
		log_info("shadow %s: version conflict; getting the document again", label);
		sh->need_get = true;
		break;
	case SHADOW_TOO_MANY_REQUESTS:
		s->counters->shadow_throttled++;
		log_warning("shadow %s: too many requests; backing off", label);
		sh->need_get = true;
		shadow_back_off(s);
		break;
	case SHADOW_TOO_LARGE:
		s->counters->shadow_too_large++;
		log_error("shadow %s: %s refused as too large: %s", label,
			  shadow_op_name(op), resp->message);
		break;
	case SHADOW_BAD_REQUEST:
		s->counters->shadow_bad_requests++;
		log_error("shadow %s: %s refused as invalid (a bug in kthingd): %s", label,
			  shadow_op_name(op), resp->message);
		break;
	default:
		log_warning("shadow %s: %s refused with %d: %s; retrying later", label,
			    shadow_op_name(op), resp->code, resp->message);
		sh->need_get = true;
		shadow_back_off(s);
		break;
	}
}

static void on_delta(struct shadow *sh, const struct shadow_response *resp, const char *label)
{
	struct shadow_sync *s = sh->dev->sync;
	cJSON *fresh;

	if (resp->has_version && !shadow_versions_take_delta(&sh->versions, resp->version)) {
		s->counters->shadow_stale_deltas++;
		log_debug("shadow %s: delta %llu ignored, not newer", label,
			  (unsigned long long)resp->version);
		return;
	}
	/*
	 * A delta our own report caused (it carries our token) holds no new
	 * desired state: the device just reported something else than
	 * desired, e.g. a change made on the hardware side.
	 */
	if (shadow_requests_ours(&s->requests, resp->client_token))
		return;
	fresh = fresh_desired(sh, resp->state, resp->metadata);
	shadow_apply_delta(sh, fresh, resp->state);
	cJSON_Delete(fresh);
}

/*
 * Whether an update someone else made changed the desired value of a key
 * whose refusal the shadow shows. Deleting it, or setting it to what is
 * reported, sends no delta; a get tells whether the refusal still stands.
 */
static bool touches_errors(const struct shadow *sh, const struct shadow_response *resp)
{
	const cJSON *desired = cJSON_GetObjectItemCaseSensitive(resp->state, "desired");
	const cJSON *item;

	if (!sh->shown_errors->child || !desired)
		return false;
	if (cJSON_IsNull(desired))
		return true;
	cJSON_ArrayForEach(item, sh->shown_errors)
		if (cJSON_GetObjectItemCaseSensitive(desired, item->string))
			return true;
	return false;
}

void shadow_on_message(void *arg, const char *topic, const void *payload, size_t len)
{
	struct shadow *sh = arg;
	struct shadow_sync *s = sh->dev->sync;
	struct shadow_response resp;
	struct shadow_sent *r;
	struct shadow_error err;
	struct shadow_topic t;
	enum shadow_op op;
	char label[256];

	if (!shadow_topic_parse(topic, &t) || t.suffix == SHADOW_SUFFIX_NONE ||
	    t.suffix == SHADOW_SUFFIX_DOCUMENTS)
		return;
	shadow_label(sh, label, sizeof(label));
	if (shadow_response_parse(payload, len, t.suffix, &resp, &err) < 0) {
		log_warning("shadow %s: unreadable response on %s: %s", label, topic,
			    err.message);
		return;
	}
	shadow_service_answered(s);
	r = shadow_requests_find(&s->requests, resp.client_token);
	if (r && (r->owner != sh || r->op != t.op))
		r = NULL;
	if (!sh->dev->k) {
		if (r)
			shadow_request_done(s, r);
		goto out;
	}
	switch (t.suffix) {
	case SHADOW_SUFFIX_DELTA:
		on_delta(sh, &resp, label);
		break;
	case SHADOW_SUFFIX_ACCEPTED:
		if (t.op == SHADOW_OP_UPDATE && resp.has_version)
			shadow_versions_take_accepted(&sh->versions, resp.version);
		if (!r) {
			/* Someone else's request. */
			if (t.op == SHADOW_OP_UPDATE && touches_errors(sh, &resp))
				sh->need_get = true;
			break;
		}
		s->counters->shadow_accepted++;
		backoff_reset(&s->backoff);
		shadow_request_done(s, r);
		if (t.op == SHADOW_OP_GET)
			on_get_accepted(sh, &resp);
		else
			note_reported(sh, cJSON_GetObjectItemCaseSensitive(resp.metadata,
									   "reported"));
		break;
	case SHADOW_SUFFIX_REJECTED:
		if (!r)
			break;
		op = r->op;
		shadow_request_done(s, r);
		on_rejected(sh, op, &resp);
		break;
	default:
		break;
	}
out:
	shadow_response_free(&resp);
	shadow_pump(s);
}
