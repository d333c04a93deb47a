#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libsgw's kernel netlink clients (xfrm_client, rtnl_route) against the real
# kernel, through build/progs/xfrm_tool. The gateway side is configured only
# with the library (xfrm interface, VRF, SAs, policies, routes); the peer
# only with iproute2, so both must agree on every byte of the SAs for a ping
# to cross.
#
#   $gw (xfrm_tool)                               $peer (ip xfrm)
#  +---------------------------------+           +---------------------------+
#  | vrf red (table 100)             |           | lo 10.2.2.2/32            |
#  |   ipsec0 xfrm if_id 42          |           |    fd00:2::2/128          |
#  |     10.1.1.1/32 fd00:1::1/128   |           |                           |
#  |   routes proto 250 -> ipsec0    |           | policy-based IPsec        |
#  | veth0 192.0.2.1/24 =============|== ESP ====|== veth0 192.0.2.2/24      |
#  |       2001:db8:1::1/64          |           |   2001:db8:1::2/64        |
#  +---------------------------------+           +---------------------------+
#
# Cases: AES-GCM and AES-CBC+HMAC-SHA256 tunnels, IPv4 and IPv6 (and each
# inside the other), through the xfrm interface in the VRF (ping crosses; SA
# counters and the wire prove encryption); kernel SPI allocation; policy
# update and priority; NAT-T and marks; soft/hard expire and acquire events;
# flush of ours only (marked ones too); batches; RRI routes by protocol in the
# VRF table; bad input leaves no state, kernel rejections come back with their
# extack message.

source "$(dirname "$0")/lib.sh"

require_cmd ip ping nft
require_module esp4 esp6 xfrm_interface vrf xfrm_user

TOOL=${XFRM_TOOL:-$SGW_TOP/build/progs/xfrm_tool}
[ -x "$TOOL" ] || skip "$TOOL not built (make)"

PINGS=5
IF_ID=42
PROTO=250		# RRI route protocol used by this test
R=0x53000000		# first reqid of the library's default owned range

setup_ns gw peer
tool() { "$TOOL" -n "$gw" "$@"; }
pip() { ip -n "$peer" "$@"; }

# ---- topology -------------------------------------------------------------

ip link add veth0 netns "$gw" type veth peer name veth0 netns "$peer"
ip -n "$gw" addr add 192.0.2.1/24 dev veth0
ip -n "$gw" addr add 2001:db8:1::1/64 dev veth0 nodad
ip -n "$gw" link set veth0 up
pip addr add 192.0.2.2/24 dev veth0
pip addr add 2001:db8:1::2/64 dev veth0 nodad
pip link set veth0 up
pip addr add 10.2.2.2/32 dev lo
pip addr add fd00:2::2/128 dev lo
pip route add 10.1.1.1/32 dev veth0 src 10.2.2.2
pip -6 route add fd00:1::1/128 dev veth0 src fd00:2::2

tool vrf-add red table 100
log_test $? "VRF created through rtnl_vrf_add"
tool xfrmi-add ipsec0 if_id $IF_ID link veth0 vrf red
log_test $? "xfrm interface created and enslaved through rtnl_xfrmi_add"
ip -n "$gw" addr add 10.1.1.1/32 dev ipsec0
ip -n "$gw" addr add fd00:1::1/128 dev ipsec0 nodad

check_eq "$(tool vrf-table red)" 100 "rtnl_vrf_table finds the VRF's table"
check_eq "$(tool xfrmi-id ipsec0)" $IF_ID "rtnl_xfrmi_if_id reads the interface's if_id"
check_eq "$(tool link-index ipsec0)" "$(ip -n "$gw" -o link show ipsec0 | cut -d: -f1)" \
	"rtnl_link_index matches ip link"
check_eq "$(ip -n "$gw" -o link show ipsec0 | awk '{ for (i = 1; i < NF; i++) if ($i == "master") print $(i + 1) }')" red \
	"ipsec0 enslaved to red"
check_eq "$(tool link-master ipsec0)" "$(tool link-index red)" "rtnl_link_master finds the VRF"
check_eq "$(tool link-master veth0)" 0 "rtnl_link_master: veth0 has no master"
tool vrf-table veth0 2>/dev/null
check_eq $? 1 "rtnl_vrf_table refuses a device that is not a VRF"

# What crosses the wire, counted where the peer receives it (decrypted
# packets pass PRE_ROUTING again with a secpath: those were not on the wire).
ip netns exec "$peer" nft -f - <<'NFT'
table inet wire {
	counter esp_pkts {}
	counter clear_pings {}
	chain pre {
		type filter hook prerouting priority -300;
		iifname "veth0" meta l4proto esp counter name esp_pkts
		iifname "veth0" icmp type { echo-request, echo-reply } meta ipsec missing counter name clear_pings
		iifname "veth0" icmpv6 type { echo-request, echo-reply } meta ipsec missing counter name clear_pings
	}
}
NFT
log_test $? "wire counters installed on the peer"

wire_counter() {
	ip netns exec "$peer" nft list counter inet wire "$1" |
		awk '$1 == "packets" { print $2 }'
}

# sa_field DST SPI FIELD: one field of `xfrm_tool sa-get` on the gateway.
sa_field() {
	tool sa-get dst "$1" spi "$2" | awk -v f="$3" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }'
}

hexkey() { # hexkey BYTES SEED: a deterministic test key
	printf '0x'
	for ((i = 0; i < $1; i++)); do printf '%02x' $(((i * 7 + $2) & 255)); done
}

# ---- tunnels --------------------------------------------------------------

# tunnel_case NAME OUTER(4|6) INNER(4|6) ALG(gcm|cbc) SPI_BASE REQID
# The gateway's inbound SPI comes from the kernel (spi-alloc, then sa-upd),
# its outbound SPI is SPI_BASE.
tunnel_case() {
	local name=$1 outer=$2 inner=$3 alg=$4 spi_out=$5 reqid=$6
	local gwo po gwi pi ilen spi_in out in ek ik ak gw_alg peer_out peer_in peer_flags

	if [ "$outer" = 4 ]; then gwo=192.0.2.1 po=192.0.2.2; else gwo=2001:db8:1::1 po=2001:db8:1::2; fi
	if [ "$inner" = 4 ]; then gwi=10.1.1.1 pi=10.2.2.2 ilen=32; else gwi=fd00:1::1 pi=fd00:2::2 ilen=128; fi
	# Our SAs always accept either inner family; iproute2's need the flag.
	peer_flags=(flag esn)
	[ "$outer" = "$inner" ] || peer_flags+=(flag af-unspec)

	echo "# tunnel: $name"
	spi_in=$(tool spi-alloc src $po dst $gwo reqid "$reqid" if_id $IF_ID min 0x1000 max 0x1fff | awk '{ print $2 }')
	check_range "$((spi_in))" $((0x1000)) $((0x1fff)) "$name: kernel allocated the inbound SPI in range"

	if [ "$alg" = gcm ]; then
		ek=$(hexkey 36 1) ik=$(hexkey 36 2)	# AES-256 key + salt
		gw_alg="aead rfc4106(gcm(aes))"
		out=(aead 'rfc4106(gcm(aes))' key "$ek")
		in=(aead 'rfc4106(gcm(aes))' key "$ik")
		peer_out=(aead 'rfc4106(gcm(aes))' "$ek" 128)
		peer_in=(aead 'rfc4106(gcm(aes))' "$ik" 128)
	else
		ek=$(hexkey 16 3) ik=$(hexkey 16 4) ak=$(hexkey 32 5)
		gw_alg="enc cbc(aes) auth hmac(sha256)"
		out=(enc 'cbc(aes)' key "$ek" auth 'hmac(sha256)' akey "$ak")
		in=(enc 'cbc(aes)' key "$ik" auth 'hmac(sha256)' akey "$ak")
		peer_out=(enc 'cbc(aes)' "$ek" auth-trunc 'hmac(sha256)' "$ak" 128)
		peer_in=(enc 'cbc(aes)' "$ik" auth-trunc 'hmac(sha256)' "$ak" 128)
	fi

	# Gateway: library only. Inbound SA with ESN and a 128-packet window.
	tool sa-add src $gwo dst $po spi "$spi_out" reqid "$reqid" if_id $IF_ID "${out[@]}" esn &&
	tool sa-upd src $po dst $gwo spi "$spi_in" reqid "$reqid" if_id $IF_ID "${in[@]}" esn replay 128 &&
	tool policy-add dir out src $gwi dst $pi tsrc $gwo tdst $po reqid "$reqid" if_id $IF_ID &&
	tool policy-add dir in src $pi dst $gwi tsrc $po tdst $gwo reqid "$reqid" if_id $IF_ID &&
	tool policy-add dir fwd src $pi dst $gwi tsrc $po tdst $gwo reqid "$reqid" if_id $IF_ID &&
	tool route-replace prefix $pi/$ilen vrf red dev ipsec0 proto $PROTO metric 10
	log_test $? "$name: SAs ($gw_alg), policies and route installed by the library"

	# Peer: iproute2 only.
	pip xfrm state add src $gwo dst $po proto esp spi "$spi_out" reqid 1 mode tunnel \
		"${peer_out[@]}" "${peer_flags[@]}" replay-window 128 &&
	pip xfrm state add src $po dst $gwo proto esp spi "$spi_in" reqid 1 mode tunnel \
		"${peer_in[@]}" "${peer_flags[@]}" replay-window 32 &&
	pip xfrm policy add dir out src $pi/$ilen dst $gwi/$ilen \
		tmpl src $po dst $gwo proto esp reqid 1 mode tunnel &&
	pip xfrm policy add dir in src $gwi/$ilen dst $pi/$ilen \
		tmpl src $gwo dst $po proto esp reqid 1 mode tunnel
	log_test $? "$name: peer configured with ip xfrm"

	ip netns exec "$peer" nft reset counter inet wire esp_pkts >/dev/null
	ip netns exec "$peer" nft reset counter inet wire clear_pings >/dev/null
	ip netns exec "$gw" ping -$inner -q -c $PINGS -i 0.2 -W 3 -I red $pi >/dev/null
	log_test $? "$name: ping from the VRF crosses the tunnel"

	check_eq "$(sa_field $po "$spi_out" packets)" $PINGS "$name: outbound SA encrypted every request"
	check_eq "$(sa_field $gwo "$spi_in" packets)" $PINGS "$name: inbound SA decrypted every reply"
	check_eq "$(sa_field $gwo "$spi_in" integrity_failed)" 0 "$name: no integrity failures"
	check_eq "$(sa_field $gwo "$spi_in" if_id)" $IF_ID "$name: SA carries the if_id"
	check_eq "$(sa_field $po "$spi_out" oseq)" $PINGS "$name: outbound sequence number counts the packets"
	check_eq "$(wire_counter esp_pkts)" $PINGS "$name: ESP packets on the wire"
	check_eq "$(wire_counter clear_pings)" 0 "$name: no clear ping on the wire"

	# Tear down: delete through the API, then check nothing is left.
	tool sa-del dst $po spi "$spi_out" && tool sa-del dst $gwo spi "$spi_in" &&
	tool policy-del dir out src $gwi dst $pi if_id $IF_ID &&
	tool policy-del dir in src $pi dst $gwi if_id $IF_ID &&
	tool policy-del dir fwd src $pi dst $gwi if_id $IF_ID
	log_test $? "$name: SAs and policies deleted through the API"
	check_eq "$(ip -n "$gw" xfrm state | grep -c '^src')" 0 "$name: no SA left"
	check_eq "$(ip -n "$gw" xfrm policy | grep -c '^src')" 0 "$name: no policy left"
	pip xfrm state flush
	pip xfrm policy flush
}

tunnel_case "IPv4 AES-GCM-256" 4 4 gcm 0x2001 $((R + 1))
tunnel_case "IPv4 AES-CBC-128 HMAC-SHA256" 4 4 cbc 0x2002 $((R + 2))
tunnel_case "IPv6 AES-GCM-256" 6 6 gcm 0x2003 $((R + 3))
tunnel_case "IPv6 AES-CBC-128 HMAC-SHA256" 6 6 cbc 0x2004 $((R + 4))
tunnel_case "IPv4 in IPv6 AES-GCM-256" 6 4 gcm 0x2005 $((R + 13))
tunnel_case "IPv6 in IPv4 AES-CBC-128 HMAC-SHA256" 4 6 cbc 0x2006 $((R + 14))

# Every integrity algorithm ikud offers is accepted by the kernel as built.
for a in "sha1 20" "sha256 32" "sha384 48" "sha512 64"; do
	set -- $a
	tool sa-add src 192.0.2.1 dst 192.0.2.2 spi 0x3000 reqid $((R + 5)) \
		enc 'cbc(aes)' key "$(hexkey 32 6)" auth "hmac($1)" akey "$(hexkey $2 7)" &&
	ip -n "$gw" xfrm state get src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x3000 | grep -q "hmac($1)" &&
	tool sa-del dst 192.0.2.2 spi 0x3000
	log_test $? "kernel accepts AES-CBC-256 with HMAC-${1^^}"
done

# ---- policy update, priority -------------------------------------------------

pol_count() { ip -n "$gw" xfrm policy | grep -c '^src'; }
tool policy-add dir out src 10.1.1.0/24 dst 10.2.2.0/24 tsrc 192.0.2.1 tdst 192.0.2.2 \
	reqid $((R + 10)) if_id $IF_ID priority 100
log_test $? "policy with priority 100 installed"
tool policy-add dir out src 10.1.1.0/24 dst 10.2.2.0/24 tsrc 192.0.2.1 tdst 192.0.2.2 \
	reqid $((R + 10)) if_id $IF_ID priority 100 2>/dev/null
check_eq $? 1 "the same policy again is refused (EEXIST)"
tool policy-upd dir out src 10.1.1.0/24 dst 10.2.2.0/24 tsrc 192.0.2.1 tdst 192.0.2.2 \
	reqid $((R + 11)) if_id $IF_ID priority 50
log_test $? "policy replaced in place (UPDPOLICY)"
check_eq "$(pol_count)" 1 "one policy after the update"
ip -n "$gw" xfrm policy | grep -qw "priority 50" &&
	ip -n "$gw" xfrm policy | grep -qw "reqid $((R + 11))"
log_test $? "the update carries the new priority and template reqid"
tool policy-del dir out src 10.1.1.0/24 dst 10.2.2.0/24 if_id $IF_ID
log_test $? "policy deleted by selector and if_id (no template given)"
check_eq "$(pol_count)" 0 "no policy left after the delete"
# A protocol and port selector, as for SCTP to an MME (S1AP, port 36412).
tool policy-add dir out src 10.1.1.1 dst 10.3.0.0/16 proto 132 dport 36412 \
	tsrc 192.0.2.1 tdst 192.0.2.2 reqid $((R + 10)) if_id $IF_ID
log_test $? "policy with protocol and port installed"
ip -n "$gw" xfrm policy | grep -q "proto sctp dport 36412"
log_test $? "the kernel holds the protocol and port selector"
tool policy-del dir out src 10.1.1.1 dst 10.3.0.0/16 proto 132 dport 36412 if_id $IF_ID
check_eq "$(pol_count)" 0 "policy with ports deleted by its selector"

# ---- NAT-T and marks ---------------------------------------------------------

# Kept until the flush below, which must find and delete them with their mark.
tool sa-add src 192.0.2.1 dst 192.0.2.2 spi 0x6001 reqid $((R + 12)) \
	aead 'rfc4106(gcm(aes))' key "$(hexkey 20 12)" natt natt-sport 4501 natt-dport 4502 \
	mark 0x7/0xff
log_test $? "NAT-T SA with a mark installed"
ip -n "$gw" xfrm state get src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x6001 mark 7 mask 0xff |
	grep -q "encap type espinudp sport 4501 dport 4502"
log_test $? "the kernel holds UDP encapsulation with the given ports"
tool sa-get dst 192.0.2.2 spi 0x6001 >/dev/null 2>&1
check_eq $? 1 "the marked SA is not found without its mark"
check_eq "$(tool sa-get dst 192.0.2.2 spi 0x6001 mark 0x7/0xff | awk '{ print $16 }')" \
	"$(printf '0x%x' $((R + 12)))" "the marked SA is found with its mark"
tool policy-add dir out src 10.5.0.0/16 dst 10.6.0.0/16 tsrc 192.0.2.1 tdst 192.0.2.2 \
	reqid $((R + 12)) mark 0x7/0xff
log_test $? "policy with a mark installed"

# ---- expire events --------------------------------------------------------

# A soft packet limit crossed by traffic, then a soft and a hard time limit.
ev=$(mktemp) everr=$(mktemp)
at_exit rm -f "$ev" "$everr"
tool monitor count 3 timeout 30 >"$ev" 2>"$everr" &
mon=$!
wait_until 5 grep -q listening "$everr"
log_test $? "expire monitor subscribed"
tool sa-add src 192.0.2.1 dst 192.0.2.2 spi 0x4001 reqid $((R + 6)) if_id $IF_ID \
	aead 'rfc4106(gcm(aes))' key "$(hexkey 20 8)" soft-packets 3 hard-packets 1000
tool sa-add src 192.0.2.1 dst 192.0.2.2 spi 0x4002 reqid $((R + 7)) \
	aead 'rfc4106(gcm(aes))' key "$(hexkey 20 9)" soft-secs 1 hard-secs 3
tool policy-add dir out src 10.1.1.1 dst 10.2.2.2 tsrc 192.0.2.1 tdst 192.0.2.2 reqid $((R + 6)) if_id $IF_ID
# The peer has no SA: the pings only need to leave through 0x4001.
ip netns exec "$gw" ping -q -c 4 -i 0.2 -W 1 -I red 10.2.2.2 >/dev/null 2>&1
wait $mon
log_test $? "three expire events received"
cat "$ev" | sed 's/^/#   /'
grep -q "^expire soft spi 0x00004001 proto 50 src 192.0.2.1 dst 192.0.2.2 reqid $(printf '0x%x' $((R + 6))) if_id $IF_ID" "$ev"
log_test $? "soft expire after 3 packets reported with spi, proto, dst, reqid, if_id"
grep -q "^expire soft spi 0x00004002 " "$ev"
log_test $? "soft expire after 1 s reported"
grep -q "^expire hard spi 0x00004002 " "$ev"
log_test $? "hard expire after 3 s reported"
tool sa-get dst 192.0.2.2 spi 0x4002 >/dev/null 2>&1
check_eq $? 1 "hard-expired SA is gone"

# ---- flush removes only ours -------------------------------------------------

# Foreign state: plain ip xfrm (small reqid) and another owner's reqid range.
ip -n "$gw" xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x9999 reqid 5 \
	mode tunnel aead 'rfc4106(gcm(aes))' "$(hexkey 20 10)" 128
ip -n "$gw" xfrm policy add dir out src 10.7.0.0/16 dst 10.8.0.0/16 \
	tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 5 mode tunnel
"$TOOL" -n "$gw" -R 0x54000000-0x5400ffff sa-add src 192.0.2.1 dst 192.0.2.9 spi 0x9998 \
	reqid 0x54000001 aead 'rfc4106(gcm(aes))' key "$(hexkey 20 11)"
"$TOOL" -n "$gw" -R 0x54000000-0x5400ffff policy-add dir in src 10.8.0.0/16 dst 10.7.0.0/16 \
	tsrc 192.0.2.9 tdst 192.0.2.1 reqid 0x54000001
# Ours: a larval SA from spi-alloc, a full SA, policies in three directions.
tool spi-alloc src 192.0.2.2 dst 192.0.2.1 reqid $((R + 8)) >/dev/null
tool policy-add dir in src 10.2.2.2 dst 10.1.1.1 tsrc 192.0.2.2 tdst 192.0.2.1 reqid $((R + 6)) if_id $IF_ID
tool policy-add dir fwd src 10.2.2.2 dst 10.1.1.1 tsrc 192.0.2.2 tdst 192.0.2.1 reqid $((R + 6)) if_id $IF_ID
check_eq "$(ip -n "$gw" xfrm state | grep -c '^src')" 5 "before flush: 3 ours (one larval, one marked) + 2 foreign SAs"
check_eq "$(ip -n "$gw" xfrm policy | grep -c '^src')" 6 "before flush: 4 ours (one marked) + 2 foreign policies"
check_eq "$(tool flush)" "flushed sas 3 policies 4" "flush reports what it removed"
check_eq "$(ip -n "$gw" xfrm state | grep -c '^src')" 2 "after flush: 2 SAs left"
ip -n "$gw" xfrm state get src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x9999 >/dev/null &&
ip -n "$gw" xfrm state get src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x9998 >/dev/null
log_test $? "the ip xfrm SA and the other owner's SA survive"
check_eq "$(ip -n "$gw" xfrm policy | grep -c '^src')" 2 "after flush: the 2 foreign policies survive"
check_eq "$(tool flush)" "flushed sas 0 policies 0" "a second flush finds nothing of ours"

# ACQUIRE: a packet meets our policy and no SA exists.
tool monitor count 1 timeout 20 >"$ev" 2>"$everr" &
mon=$!
wait_until 5 grep -q listening "$everr"
tool policy-add dir out src 10.1.1.1 dst 10.9.9.9 tsrc 192.0.2.1 tdst 192.0.2.9 \
	reqid $((R + 9)) if_id $IF_ID
ip -n "$gw" route add 10.9.9.9/32 dev ipsec0 vrf red
ip netns exec "$gw" ping -q -c 1 -W 1 -I red 10.9.9.9 >/dev/null 2>&1
wait $mon
log_test $? "acquire event received"
sed 's/^/#   /' "$ev"
grep -q "^acquire soft spi 0x00000000 proto 50 src 192.0.2.1 dst 192.0.2.9 reqid $(printf '0x%x' $((R + 9))) if_id $IF_ID sel 10.1.1.1/32 10.9.9.9/32 dir 1$" "$ev"
log_test $? "acquire reported with template endpoints, reqid, if_id and the packet's selector"
# The kernel's larval ACQUIRE state (SPI 0) cannot be deleted by netlink: it
# expires by itself (net.core.xfrm_acq_expires); flush removes the policy.
check_eq "$(tool flush)" "flushed sas 0 policies 1" "flush removes the policy behind the acquire"
ip -n "$gw" xfrm state flush
ip -n "$gw" xfrm policy flush

# ---- batches ----------------------------------------------------------------

# 300 SAs cross the 256-requests-per-sendmsg boundary; installing them again
# must report every duplicate through the batch callback, not stop early.
out=$(tool sa-bench src 192.0.2.1 dst 192.0.2.2 count 300 batch keep)
check_eq "$(awk '{ print $2, $4 }' <<<"$out")" "300 0" "batch installs 300 SAs, 0 failures"
check_eq "$(ip -n "$gw" xfrm state | grep -c '^src')" 300 "the kernel holds the 300 SAs"
out=$(tool sa-bench src 192.0.2.1 dst 192.0.2.2 count 300 batch keep)
check_eq "$(awk '{ print $2, $4 }' <<<"$out")" "0 300" "a second batch reports 300 duplicates"
check_eq "$(tool flush)" "flushed sas 300 policies 0" "flush deletes them in batches"

# ---- RRI routes by protocol ---------------------------------------------------

tool route-add prefix 10.50.0.0/24 vrf red dev ipsec0 proto $PROTO metric 10 &&
tool route-add prefix 10.51.0.0/24 vrf red dev ipsec0 proto $PROTO metric 10 &&
tool route-add prefix fd00:50::/64 vrf red dev ipsec0 proto $PROTO metric 10
log_test $? "routes added in the VRF table"
tool route-add prefix 10.50.0.0/24 vrf red dev ipsec0 proto $PROTO metric 10 2>/dev/null
check_eq $? 1 "adding the same route again is refused (EEXIST)"
tool route-replace prefix 10.50.0.0/24 vrf red dev ipsec0 proto $PROTO metric 10
log_test $? "replacing a route (rekey, make before break) succeeds"
ip -n "$gw" route add 10.60.0.0/24 dev ipsec0 vrf red proto 251
ip -n "$gw" route add 10.61.0.0/24 dev ipsec0 table 100
check_eq "$(ip -n "$gw" route show vrf red proto $PROTO | grep -c 'dev ipsec0')" 3 \
	"ip route show vrf red proto $PROTO lists ours (3 IPv4, incl. the tunnels')"
ip -n "$gw" route show vrf red proto $PROTO | grep -q '^10.50.0.0/24 dev ipsec0 .*metric 10'
log_test $? "route carries the metric"
check_eq "$(ip -n "$gw" -6 route show vrf red proto $PROTO | grep -c 'dev ipsec0')" 2 \
	"IPv6 route visible (plus the IPv6 tunnel's)"
check_eq "$(tool route-count vrf red proto $PROTO)" "routes 5" "rtnl_route_count_proto agrees"
check_eq "$(tool route-count vrf red proto $PROTO family 6)" "routes 2" "rtnl_route_count_proto for IPv6 only"
check_eq "$(tool route-count table 100 proto 251)" "routes 1" "rtnl_route_count_proto for another protocol"
check_eq "$(tool route-flush table 4242 proto $PROTO)" "flushed 0" "flushing a table that does not exist finds nothing"
check_eq "$(tool route-flush vrf red proto $PROTO)" "flushed 5" "flush by protocol removes them"
check_eq "$(ip -n "$gw" route show vrf red proto $PROTO | wc -l)" 0 "no IPv4 route of ours left"
check_eq "$(ip -n "$gw" -6 route show vrf red proto $PROTO | wc -l)" 0 "no IPv6 route of ours left"
ip -n "$gw" route show vrf red | grep -q '^10.60.0.0/24' &&
	ip -n "$gw" route show vrf red | grep -q '^10.61.0.0/24'
log_test $? "routes of other protocols survive"
tool route-add prefix 10.52.0.0/24 table 100 dev ipsec0 proto $PROTO &&
	tool route-del prefix 10.52.0.0/24 table 100 dev ipsec0 proto $PROTO
log_test $? "route deleted by prefix, table and protocol"

# ---- bad input leaves no state ---------------------------------------------

states() { ip -n "$gw" xfrm state | grep -c '^src'; }
before=$(states)
bad() { # bad "DESC" "EXPECTED MESSAGE" ARGS...
	local desc=$1 want=$2 out
	shift 2
	out=$(tool "$@" 2>&1)
	if [ $? -ne 0 ] && grep -q "$want" <<<"$out"; then
		log_test 0 "$desc: $out"
	else
		log_test 1 "$desc: '$out' lacks '$want'"
	fi
}
bad "unknown algorithm" "unknown AEAD algorithm" sa-add src 192.0.2.1 dst 192.0.2.2 spi 0x5001 \
	reqid $R aead 'rfc4106(gcm(des))' key "$(hexkey 20 1)"
bad "bad AEAD key length" "bad AEAD key length" sa-add src 192.0.2.1 dst 192.0.2.2 spi 0x5001 \
	reqid $R aead 'rfc4106(gcm(aes))' key "$(hexkey 16 1)"
bad "bad encryption key length" "bad encryption key length" sa-add src 192.0.2.1 dst 192.0.2.2 \
	spi 0x5001 reqid $R enc 'cbc(aes)' key "$(hexkey 15 1)" auth 'hmac(sha256)' akey "$(hexkey 32 1)"
bad "bad integrity key length" "bad integrity key length" sa-add src 192.0.2.1 dst 192.0.2.2 \
	spi 0x5001 reqid $R enc 'cbc(aes)' key "$(hexkey 16 1)" auth 'hmac(sha1)' akey "$(hexkey 32 1)"
bad "reqid outside the owned range" "outside the owned range" sa-add src 192.0.2.1 dst 192.0.2.2 \
	spi 0x5001 reqid 7 aead 'rfc4106(gcm(aes))' key "$(hexkey 20 1)"
bad "completing an SPI that was never allocated (kernel error)" "No such process" sa-upd \
	src 192.0.2.2 dst 192.0.2.1 spi 0x5002 reqid $R aead 'rfc4106(gcm(aes))' key "$(hexkey 20 1)"
bad "bad policy direction" "direction" policy-add dir sideways src 10.1.1.1 dst 10.2.2.2 \
	tsrc 192.0.2.1 tdst 192.0.2.2 reqid $R
bad "xfrm interface with if_id 0" "if_id must not be 0" xfrmi-add ipsec9 if_id 0
bad "route in a missing VRF" "no device" route-add prefix 10.70.0.0/24 vrf blue dev ipsec0 proto $PROTO
ip -n "$gw" link add ipsec1 type xfrm if_id 43
bad "route via a device that is down (the kernel's extack message)" "Device for nexthop is not up" \
	route-add prefix 10.80.0.0/24 table 100 dev ipsec1 proto $PROTO
tool link-del ipsec1
log_test $? "xfrm interface deleted through rtnl_link_del"
ip -n "$gw" link show ipsec1 >/dev/null 2>&1
check_eq $? 1 "ipsec1 is gone"
check_eq "$(states)" "$before" "no SA was left behind by bad input"
check_eq "$(ip -n "$gw" xfrm policy | grep -c '^src')" 0 "no policy was left behind by bad input"
ip -n "$gw" link show ipsec9 >/dev/null 2>&1
check_eq $? 1 "no interface was left behind by bad input"

test_exit
