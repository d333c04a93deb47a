// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the ikud.conf parser (ikud/ike_conf.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>

#include "ike_conf.h"
#include "base/sgw_rtproto.h"

static const char good[] =
	"# a full example\n"
	"log-level debug;\n"
	"log-target syslog;\n"
	"control /run/test.sock;\n"
	"workers 4;\n"
	"peer-history 500;\n"
	"gateway s1 {\n"
	"	local 203.0.113.1;\n"
	"	vrf s1-vrf;\n"
	"	xfrm-interface ipsec-s1 if_id 42;\n"
	"	ike-proposals aes128gcm16-prfsha256-ecp256 aes128-sha1-modp2048;\n"
	"	esp-proposals aes128gcm16-ecp256;\n"
	"	auth psk;\n"
	"	psk \"wildcard-secret\";\n"
	"	psk \"enb-secret-1\" for id *.enb.example.net;\n"
	"	psk \"exact-secret\" for id enb7.enb.example.net;\n"
	"	psk 0x00112233445566778899 for id keyid:0xa1b2;\n"
	"	psk \"mail-secret\" for id ops@example.net;\n"
	"	dpd interval 5 threshold 5;\n"
	"	remote-ts 10.0.0.0/8 2001:db8::/32;\n"
	"	lifetime ike 8h child 1h margin 5m;\n"
	"}\n"
	"gateway x2 { local 2001:db8::1 port 4501; remote-ts 10.9.0.0/16; psk \"abcdefgh\"; }\n";

static void test_good(void **state)
{
	struct ike_conf c;
	char err[256];
	const struct ike_conf_gateway *gw;

	(void)state;
	assert_int_equal(ike_conf_parse("t.conf", good, &c, err, sizeof(err)), 0);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_true(c.log_syslog);
	assert_string_equal(c.control, "/run/test.sock");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.peer_history, 500);
	assert_int_equal(c.n_gateways, 2);
	gw = ike_conf_gateway_by_name(&c, "s1");
	assert_non_null(gw);
	assert_int_equal(gw->local.family, AF_INET);
	assert_int_equal(gw->port, 500);
	assert_string_equal(gw->vrf, "s1-vrf");
	assert_string_equal(gw->xfrm_if, "ipsec-s1");
	assert_int_equal(gw->if_id, 42);
	assert_string_equal(gw->ike_proposals,
			    "aes128gcm16-prfsha256-ecp256,aes128-sha1-modp2048");
	assert_int_equal(gw->n_psks, 5);
	assert_int_equal(gw->dpd_interval, 5);
	assert_int_equal(gw->dpd_threshold, 5);
	assert_int_equal(gw->n_remote_ts, 2);
	assert_int_equal(gw->remote_ts[1].family, AF_INET6);
	assert_int_equal(gw->remote_ts[1].len, 32);
	assert_int_equal(gw->ike_lifetime, 8 * 3600);
	assert_int_equal(gw->child_lifetime, 3600);
	assert_int_equal(gw->rekey_margin, 300);
	assert_int_equal(gw->n_local_ts, 2);	/* default: everything */
	assert_int_equal(gw->route_metric, SGW_RRI_METRIC_DEFAULT);
	gw = ike_conf_gateway_by_name(&c, "x2");
	assert_non_null(gw);
	assert_int_equal(gw->local.family, AF_INET6);
	assert_int_equal(gw->port, 4501);
	assert_int_equal(gw->dpd_interval, 0);	/* default: no probing */
	assert_int_equal(gw->child_lifetime, 3600);
	assert_int_equal(gw->rekey_margin, 360);
	ike_conf_free(&c);
}

/* The key ikud asks a peer with this identity to prove. */
static const struct ike_conf_psk *key_of(const struct ike_conf_gateway *gw, const char *id)
{
	struct ike_id peer;

	assert_int_equal(ike_id_from_string(id, &peer, NULL, 0), 0);
	return ike_conf_find_psk(gw, &peer);
}

static void test_psk_lookup(void **state)
{
	struct ike_conf c;
	char err[256];
	const struct ike_conf_gateway *gw;
	const struct ike_conf_psk *k;

	(void)state;
	assert_int_equal(ike_conf_parse("t.conf", good, &c, err, sizeof(err)), 0);
	gw = ike_conf_gateway_by_name(&c, "s1");
	/* exact id beats the pattern */
	k = key_of(gw, "enb7.enb.example.net");
	assert_non_null(k);
	assert_memory_equal(k->secret, "exact-secret", 12);
	/* an exact id in other letter case is the same identity: its own key,
	 * never the pattern's or the group's */
	k = key_of(gw, "ENB7.Enb.Example.NET");
	assert_memory_equal(k->secret, "exact-secret", 12);
	k = key_of(gw, "OPS@example.net");
	assert_memory_equal(k->secret, "mail-secret", 11);
	/* the pattern, case-insensitive */
	k = key_of(gw, "ENB1.enb.example.net");
	assert_memory_equal(k->secret, "enb-secret-1", 12);
	/* wildcard for the rest, including the wrong type with the same text */
	k = key_of(gw, "rfc822:enb1.enb.example.net");
	assert_memory_equal(k->secret, "wildcard-secret", 15);
	k = key_of(gw, "keyid:#a1b2");
	assert_int_equal(k->len, 10);
	assert_int_equal(k->secret[9], 0x99);
	k = key_of(gw, "ops@example.net");
	assert_memory_equal(k->secret, "mail-secret", 11);
	k = key_of(gw, "192.0.2.1");
	assert_memory_equal(k->secret, "wildcard-secret", 15);
	/* no identity: the catch-all key */
	k = ike_conf_find_psk(gw, NULL);
	assert_memory_equal(k->secret, "wildcard-secret", 15);
	/* x2 has only a wildcard */
	gw = ike_conf_gateway_by_name(&c, "x2");
	assert_non_null(key_of(gw, "192.0.2.1"));
	ike_conf_free(&c);
}

static void expect_error(const char *text, const char *want)
{
	struct ike_conf c;
	char err[256];

	assert_int_equal(ike_conf_parse("x.conf", text, &c, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
	assert_int_equal(c.n_gateways, 0);	/* nothing left behind */
}

#define GW(body) "gateway g {\n local 192.0.2.1;\n psk \"12345678\";\n remote-ts 10.0.0.0/8;\n" body "}\n"
#define CGW(body) "gateway g {\n local 192.0.2.1;\n auth cert;\n remote-ts 10.0.0.0/8;\n" body "}\n"

/* auth cert and its options, as ikud.conf(5) has them */
static void test_cert_options(void **state)
{
	static const char text[] =
		"gateway g {\n local 192.0.2.1;\n auth cert;\n remote-ts 10.0.0.0/8;\n"
		" cert /etc/sgw/gw.pem;\n key /etc/sgw/gw.key;\n"
		" ca /etc/sgw/ca.pem for id *.enb.example.net;\n ca /etc/sgw/cas;\n"
		" crl /etc/sgw/crls;\n revocation require;\n ocsp http://192.0.2.9:8080/;\n"
		" fragmentation no size 1400;\n}\n"
		"gateway h {\n local 192.0.2.2;\n psk \"12345678\";\n remote-ts 10.0.0.0/8;\n}\n";
	const struct ike_conf_gateway *g, *h;
	struct ike_id id;
	struct ike_conf c;
	char err[256];

	(void)state;
	assert_int_equal(ike_conf_parse("t.conf", text, &c, err, sizeof(err)), 0);
	g = ike_conf_gateway_by_name(&c, "g");
	h = ike_conf_gateway_by_name(&c, "h");
	assert_int_equal(g->auth, IKE_CONF_AUTH_CERT);
	assert_string_equal(g->cert.path, "/etc/sgw/gw.pem");
	assert_string_equal(g->key.path, "/etc/sgw/gw.key");
	assert_int_equal(g->n_cas, 2);
	assert_int_equal(ike_id_from_string("ENB3.enb.example.net", &id, NULL, 0), 0);
	assert_true(ike_id_match(&g->cas[0].id, &id));
	assert_true(ike_id_pattern_is_any(&g->cas[1].id));
	assert_int_equal(g->n_crls, 1);
	assert_int_equal(g->revocation, IKE_CONF_REV_REQUIRE);
	assert_string_equal(g->ocsp, "http://192.0.2.9:8080/");
	assert_false(g->fragmentation);
	assert_int_equal(g->fragment_size, 1400);
	/* the defaults */
	assert_int_equal(h->auth, IKE_CONF_AUTH_PSK);
	assert_int_equal(h->revocation, IKE_CONF_REV_IF_AVAILABLE);
	assert_true(h->fragmentation);
	assert_int_equal(h->fragment_size, 1280);
	ike_conf_free(&c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("bogus 1;\n", "x.conf:1: unknown statement 'bogus'");
	expect_error("\n\nlog-level loud;\n", "x.conf:3: unknown log level");
	expect_error("peer-history 1000001;\n", "not a number in [0, 1000000]");
	expect_error("peer-history;\n", "'peer-history' needs a value");
	expect_error("gateway g {\n local 192.0.2.1;\n", "missing '}'");
	expect_error("gateway g {\n local 192.0.2.300;\n}\n", "x.conf:2: '192.0.2.300' is not an IP address");
	expect_error("gateway g { psk \"12345678\"; remote-ts 10.0.0.0/8; }\n", "'local ADDRESS;' missing");
	expect_error(GW(" remote-ts 10.1.2.3/8;\n"), "x.conf:5: '10.1.2.3/8': address has bits set beyond the prefix length");
	expect_error(GW(" psk \"short\";\n"), "x.conf:5: key shorter than 8 bytes");
	expect_error(GW(" psk secret123;\n"), "quote the key");
	expect_error(GW(" ike-proposals aes128-sha1-modp1024;\n"), "legacy-groups yes");
	expect_error(GW(" ike-proposals aes128-sha1-blowfish;\n"), "unknown algorithm 'blowfish'");
	expect_error(GW(" dpd interval 0;\n"), "x.conf:5: dpd interval must be positive");
	expect_error(GW(" dpd interval 5 threshold 0;\n"), "not a number in [1, 100]");
	expect_error(GW(" lifetime child 30x;\n"), "not a duration");
	expect_error(GW(" lifetime child-bytes 10q;\n"), "'10q' is not a byte count");
	expect_error(GW(" lifetime child-bytes 99999999999T;\n"), "byte count '99999999999T' is too large");
	expect_error(GW(" auth cert;\n"), "x.conf:5: gateway g: 'auth cert;' with a 'psk'");
	expect_error(GW(" auth rsa;\n"), "usage: auth psk|cert;");
	expect_error(GW(" cert /etc/sgw/gw.pem;\n"), "x.conf:5: gateway g: cert, key and ca need 'auth cert;'");
	expect_error(GW(" ca etc/ca.pem;\n"), "'etc/ca.pem' is not an absolute path");
	expect_error(GW(" revocation maybe;\n"), "usage: revocation require|if-available|none;");
	expect_error(GW(" ocsp https://ocsp.example.net/;\n"), "is not an http:// URL");
	expect_error(GW(" fragmentation yes size 100;\n"), "not a number in [576, 65535]");
	expect_error(CGW(""), "'auth cert;' needs 'cert FILE;', 'key FILE;' and at least one 'ca FILE|DIR;'");
	expect_error(CGW(" cert /c.pem;\n key /k.pem;\n"), "at least one 'ca FILE|DIR;'");
	expect_error(CGW(" cert /c.pem;\n key /k.pem;\n ca /ca.pem for id;\n"),
		     "usage: ca FILE|DIR [for id IDENTITY];");
	expect_error(GW(" remote-ts 0.0.0.0/0;\n"), "would let a peer claim everything");
	expect_error(GW(" vrf x\n"), "missing ';' before '}'");
	expect_error(GW(" psk \"open;\n"), "unterminated string");
	expect_error(GW("") GW(""), "gateway g declared twice");
	expect_error("gateway a { local 192.0.2.1; psk \"12345678\"; remote-ts 10.0.0.0/8; }\n"
		     "gateway b { local 192.0.2.1; psk \"12345678\"; remote-ts 10.0.0.0/8; }\n",
		     "x.conf:2: gateway b: same local address as gateway a");
	expect_error("}\n", "'}' without a block");
	expect_error("gateway \"a b\" { }\n", "bad gateway name");
	expect_error(GW(" psk \"12345678\" for id x;\n psk \"abcdefgh\" for id x;\n"),
		     "second key for the same identity");
	expect_error(GW(" psk \"12345678\" for id enb1.x;\n psk \"abcdefgh\" for id ENB1.X;\n"),
		     "second key for the same identity");
	expect_error(GW(" peer enb1.x remote-ts 172.16.0.1/32;\n"),
		     "gateway g: peer prefix 172.16.0.1/32 is outside remote-ts");
	expect_error(GW(" peer enb1.x remote-ts 10.1.0.1/32;\n peer ENB1.x remote-ts 10.1.0.2/32;\n"),
		     "second peer line for 'ENB1.x'");
	expect_error(GW(" peer enb1.x 10.1.0.1/32;\n"), "usage: peer IDENTITY remote-ts PREFIX...;");
	expect_error(GW(" peer enb1.x remote-ts 10.1.0.1/33;\n"), "prefix length must be 0..32");
	expect_error(GW(" unbound-peers maybe;\n"), "usage: unbound-peers allow|refuse;");
	expect_error(GW(" max-claim 24;\n"), "max-claim: '24' is not /1../32");
	expect_error(GW(" max-claim /24 /129;\n"), "max-claim: '/129' is not /1../128");
	expect_error(GW(" peer-limit tunnels 0;\n"), "not a number in [1, 65536]");
	expect_error(GW(" peer-limit routes 4;\n"), "peer-limit: unknown limit 'routes'");
	expect_error(GW(" replay-window 5000;\n"), "not a number in [0, 4096]");
	expect_error(GW(" tunnel-mtu 1400;\n"), "gateway g: tunnel-mtu needs an xfrm-interface");
	expect_error(GW(" xfrm-interface x if_id 3;\n tunnel-mtu 1000;\n"), "not a number in [1280, 65535]");
	expect_error(GW(" ike-dscp AF44;\n"), "'AF44' is not a DSCP");
	expect_error(GW(" ike-dscp 64;\n"), "'64' is not a DSCP");
	expect_error(GW(" start later;\n"), "usage: start now|on-traffic;");
	expect_error(GW(" start on-traffic;\n"), "gateway g: start on-traffic needs exactly one 'initiate' peer");
	expect_error(GW(" start on-traffic;\n initiate 192.0.2.7 192.0.2.8;\n"),
		     "needs exactly one 'initiate' peer");
	expect_error(GW(" anycast;\n"), "x.conf:5:");
	expect_error(GW(" anycast a b;\n"), "x.conf:5:");
	expect_error(GW(" anycast waytoolongname;\n"), "anycast group name 'waytoolongname': 1 to 12 characters");
	expect_error(GW(" anycast a/b;\n"), "anycast group name 'a/b': no blanks, '/', ':' or '%'");
	expect_error(GW(" unknown-spi reply;\n"), "usage: unknown-spi notify|drop;");
}

/* anycast NAME: the group ikud is the IKE service of; none by default.
 * unknown-spi: INVALID_IKE_SPI for unknown SAs, by default. */
static void test_anycast(void **state)
{
	struct ike_conf c;
	char err[256];

	(void)state;
	assert_int_equal(ike_conf_parse("x.conf", GW(""), &c, err, sizeof(err)), 0);
	assert_string_equal(c.gateways[0].anycast, "");
	assert_true(c.gateways[0].unknown_spi_notify);
	ike_conf_free(&c);
	assert_int_equal(ike_conf_parse("x.conf", GW(" unknown-spi drop;\n"), &c, err, sizeof(err)), 0);
	assert_false(c.gateways[0].unknown_spi_notify);
	ike_conf_free(&c);
	assert_int_equal(ike_conf_parse("x.conf", GW(" anycast region1;\n"), &c, err, sizeof(err)), 0);
	assert_string_equal(c.gateways[0].anycast, "region1");
	ike_conf_free(&c);
}

/* Peer rules, claim width and limits: defaults and what the file says. */
static void test_claim_options(void **state)
{
	struct ike_conf c;
	char err[256];
	const struct ike_conf_gateway *gw;
	struct ike_id id;
	size_t n;

	(void)state;
	assert_int_equal(ike_conf_parse("x.conf", GW(""), &c, err, sizeof(err)), 0);
	gw = &c.gateways[0];
	assert_int_equal(gw->max_claim[0], 32);
	assert_int_equal(gw->max_claim[1], 128);
	assert_int_equal(gw->peer_tunnels_max, 8);
	assert_int_equal(gw->peer_prefixes_max, 32);
	assert_false(gw->unbound_refuse);
	assert_int_equal(gw->replay_window, 64);
	assert_int_equal(gw->tunnel_mtu, 0);
	assert_int_equal(gw->ike_dscp, -1);
	ike_conf_free(&c);
	/* the guide's per-tunnel options */
	assert_int_equal(ike_conf_parse("x.conf", GW(" replay-window 0;\n ike-dscp CS6;\n"
					" xfrm-interface x if_id 3;\n tunnel-mtu 2000;\n"),
					&c, err, sizeof(err)), 0);
	assert_int_equal(c.gateways[0].replay_window, 0);
	assert_int_equal(c.gateways[0].ike_dscp, 48);
	assert_int_equal(c.gateways[0].tunnel_mtu, 2000);
	ike_conf_free(&c);
	assert_int_equal(ike_conf_parse("x.conf", GW(" ike-dscp af41;\n"), &c, err, sizeof(err)), 0);
	assert_int_equal(c.gateways[0].ike_dscp, 34);
	ike_conf_free(&c);
	assert_int_equal(ike_conf_parse("x.conf", GW(" ike-dscp EF;\n"), &c, err, sizeof(err)), 0);
	assert_int_equal(c.gateways[0].ike_dscp, 46);
	assert_false(c.gateways[0].start_on_traffic);
	ike_conf_free(&c);
	assert_int_equal(ike_conf_parse("x.conf", GW(" initiate 192.0.2.7;\n start on-traffic;\n"),
					&c, err, sizeof(err)), 0);
	assert_true(c.gateways[0].start_on_traffic);
	ike_conf_free(&c);
	assert_int_equal(ike_conf_parse("x.conf", GW(" max-claim /24 /64;\n"
					" peer-limit prefixes 4 tunnels 2;\n unbound-peers refuse;\n"
					" peer *.site7.x remote-ts 10.7.0.0/16;\n"
					" peer enb1.site7.x remote-ts 10.7.1.0/24 10.7.2.0/24;\n"),
					&c, err, sizeof(err)), 0);
	gw = &c.gateways[0];
	assert_int_equal(gw->max_claim[0], 24);
	assert_int_equal(gw->max_claim[1], 64);
	assert_int_equal(gw->peer_tunnels_max, 2);
	assert_int_equal(gw->peer_prefixes_max, 4);
	assert_true(gw->unbound_refuse);
	ike_id_from_string("ENB1.site7.x", &id, NULL, 0);
	assert_non_null(ike_conf_claimable(gw, &id, &n));
	assert_int_equal(n, 2);			/* the exact rule wins */
	ike_id_from_string("enb2.site7.x", &id, NULL, 0);
	assert_non_null(ike_conf_claimable(gw, &id, &n));
	assert_int_equal(n, 1);
	ike_id_from_string("enb2.site8.x", &id, NULL, 0);
	assert_null(ike_conf_claimable(gw, &id, &n));	/* unbound: refused */
	ike_conf_free(&c);
}

static void test_sizes(void **state)
{
	struct ike_conf c;
	char err[256];

	(void)state;
	assert_int_equal(ike_conf_parse("x.conf", GW(" lifetime child-bytes 1m;\n"),
					&c, err, sizeof(err)), 0);
	assert_int_equal(c.gateways[0].child_bytes, 1048576);
	ike_conf_free(&c);
	assert_int_equal(ike_conf_parse("x.conf", GW(" lifetime child-bytes 2G;\n"),
					&c, err, sizeof(err)), 0);
	assert_int_equal(c.gateways[0].child_bytes, 2ULL << 30);
	ike_conf_free(&c);
}

static void test_legacy_allowed(void **state)
{
	struct ike_conf c;
	char err[256];

	(void)state;
	assert_int_equal(ike_conf_parse("x.conf", GW(" legacy-groups yes;\n"
					" ike-proposals aes128-sha1-modp1024;\n"),
					&c, err, sizeof(err)), 0);
	assert_true(c.gateways[0].legacy_groups);
	ike_conf_free(&c);
}

static void test_missing_file(void **state)
{
	struct ike_conf c;
	char err[256];

	(void)state;
	assert_int_equal(ike_conf_load("/nonexistent/ikud.conf", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/ikud.conf: No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_psk_lookup),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cert_options),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_claim_options),
		cmocka_unit_test(test_legacy_allowed),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_anycast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
