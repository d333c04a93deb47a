// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the ikud.conf parser (make fuzz): any text, and for
 * what parses, the lookups the daemon makes with a peer's identity (keys,
 * peer rules) and the prefixes it may claim.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void consume(const struct ike_conf *c)
{
	static const char *const ids[] = {
		"enb1.enb.example.net", "ENB1.ENB.example.net", "ops@example.net",
		"192.0.2.7", "keyid:#a1b2",
	};

	for (size_t g = 0; g < c->n_gateways; g++)
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			struct ike_id id;
			size_t n;

			if (ike_id_from_string(ids[i], &id, NULL, 0))
				abort();
			ike_conf_find_psk(&c->gateways[g], &id);
			ike_conf_claimable(&c->gateways[g], &id, &n);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256];
	struct ike_conf c;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!ike_conf_parse("fuzz.conf", text, &c, err, sizeof(err)))
		consume(&c);
	ike_conf_free(&c);
	free(text);
	return 0;
}
