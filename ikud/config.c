// SPDX-License-Identifier: GPL-2.0
/* The daemon's view of ikud.conf: parsed proposals and identities per gateway. */
#include "ikud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_cert.h"

static int gw_prepare(const struct ike_conf_gateway *c, struct gw_rt *rt,
		      const char *path, char *err, size_t errlen)
{
	char msg[200];
	int n;
	size_t i, j;

	memset(rt, 0, sizeof(*rt));
	rt->c = c;
	rt->select_flags = c->legacy_groups ? IKE_SELECT_ALLOW_LEGACY : 0;
	n = ike_proposals_parse(c->ike_proposals, IKE_PROTO_IKE, rt->ike,
				IKE_MAX_PROPOSALS, msg, sizeof(msg));
	if (n <= 0) {
		snprintf(err, errlen, "%s:%d: gateway %s: ike-proposals: %s", path,
			 c->ike_proposals_line ? c->ike_proposals_line : c->line,
			 c->name, n < 0 ? msg : "empty");
		return -1;
	}
	rt->n_ike = (size_t)n;
	n = ike_proposals_parse(c->esp_proposals, IKE_PROTO_ESP, rt->esp,
				IKE_MAX_PROPOSALS, msg, sizeof(msg));
	if (n <= 0) {
		snprintf(err, errlen, "%s:%d: gateway %s: esp-proposals: %s", path,
			 c->esp_proposals_line ? c->esp_proposals_line : c->line,
			 c->name, n < 0 ? msg : "empty");
		return -1;
	}
	rt->n_esp = (size_t)n;
	for (i = 0; i < rt->n_ike; i++)
		for (j = 0; j < rt->ike[i].n_transforms; j++)
			if (!ike_transform_supported(&rt->ike[i].t[j], c->legacy_groups)) {
				snprintf(err, errlen, "%s:%d: gateway %s: ike-proposals: "
					 "transform %u/%u not supported", path, c->line, c->name,
					 rt->ike[i].t[j].type, rt->ike[i].t[j].id);
				return -1;
			}
	if (c->auth == IKE_CONF_AUTH_CERT && pki_gw_load(c, path, &rt->pki, err, errlen))
		return -1;
	if (rt->pki && ike_id_pattern_is_any(&c->local_id)) {
		if (ike_cert_subject_id(rt->pki->cert, &rt->local_id)) {
			snprintf(err, errlen, "%s:%d: gateway %s: the certificate's subject is too "
				 "long for an identity: set local-id", path, c->cert.line, c->name);
			return -1;
		}
	} else if (ike_id_pattern_is_any(&c->local_id)) {
		rt->local_id.type = c->local.family == AF_INET ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR;
		rt->local_id.len = (uint16_t)sgw_addr_len(c->local.family);
		memcpy(rt->local_id.data, c->local.addr, rt->local_id.len);
	} else {
		rt->local_id = c->local_id.id;
	}
	return 0;
}

int config_load(const char *path, struct ikud_conf **out, char *err, size_t errlen)
{
	struct ikud_conf *conf = calloc(1, sizeof(*conf));
	size_t i;

	*out = NULL;
	if (!conf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (ike_conf_load(path, &conf->c, err, errlen)) {
		free(conf);
		return -1;
	}
	conf->gws = calloc(conf->c.n_gateways ? conf->c.n_gateways : 1, sizeof(*conf->gws));
	if (!conf->gws) {
		snprintf(err, errlen, "%s: out of memory", path);
		config_free(conf);
		return -1;
	}
	for (i = 0; i < conf->c.n_gateways; i++)
		if (gw_prepare(&conf->c.gateways[i], &conf->gws[i], path, err, errlen)) {
			config_free(conf);
			return -1;
		}
	*out = conf;
	return 0;
}

void config_free(struct ikud_conf *conf)
{
	size_t i;

	if (!conf)
		return;
	for (i = 0; conf->gws && i < conf->c.n_gateways; i++)
		pki_gw_free(conf->gws[i].pki);
	ike_conf_free(&conf->c);
	free(conf->gws);
	free(conf);
}

const struct gw_rt *config_gw(const struct ikud_conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->c.n_gateways; i++)
		if (!strcmp(conf->gws[i].c->name, name))
			return &conf->gws[i];
	return NULL;
}

/* Choose an IKE suite from the peer's SA payload (IKE_SA_INIT, IKE SA
 * rekey): 0, or the notify that refuses it (data: INVALID_KE's group). */
uint16_t config_select_ike(const struct gw_rt *gw, const struct ike_msg *m,
			   struct ike_suite *suite, uint8_t data[2], size_t *len)
{
	enum ike_select_result r = ike_proposal_select(gw->ike, gw->n_ike, m->sa.prop, m->sa.n,
						       gw->select_flags, m->ke.group, suite);

	return ike_select_refusal(r, suite, data, len);
}
