#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel path every sgw tunnel takes: an ESP tunnel (AES-GCM) that ends
# on an xfrm interface enslaved to a VRF, as a security gateway terminates
# an eNodeB. Proves the harness has ESP, VRF and xfrm interfaces, and that
# traffic is really encrypted: the SA counters must grow with the pings and
# no clear ICMP may cross the wire (it fails if traffic bypasses IPsec).
#
#   $enb                                     $gw
#  +------------------------+               +----------------------------------+
#  | lo    10.1.1.1/32      |               | vrf s1 (table 100)               |
#  | veth1 192.0.2.2/24 ====|== ESP (GCM) ==|== veth0  192.0.2.1/24            |
#  | policy-based IPsec     |               |    ipsec0 xfrm if_id 42 dev veth0|
#  +------------------------+               |    mme0   10.0.0.1/32 (dummy)    |
#                                           +----------------------------------+

source "$(dirname "$0")/lib.sh"

require_cmd ip nft jq ping
require_module esp4 vrf xfrm_interface

PINGS=5
KEY_OUT=0x$(printf '%040x' 1)	# 16-byte AES key + 4-byte salt
KEY_IN=0x$(printf '%040x' 2)

setup_ns enb gw

ip link add veth1 netns "$enb" type veth peer name veth0 netns "$gw"

# Gateway: everything in VRF s1.
ip -n "$gw" link add s1 type vrf table 100
ip -n "$gw" link set s1 up
ip -n "$gw" link set veth0 master s1 up
ip -n "$gw" addr add 192.0.2.1/24 dev veth0
ip -n "$gw" link add mme0 type dummy
ip -n "$gw" link set mme0 master s1 up
ip -n "$gw" addr add 10.0.0.1/32 dev mme0
ip -n "$gw" link add ipsec0 type xfrm dev veth0 if_id 42
ip -n "$gw" link set ipsec0 master s1 up
ip -n "$gw" route add 10.1.1.1/32 dev ipsec0 table 100

ip -n "$gw" xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x1001 \
	mode tunnel reqid 1 if_id 42 aead 'rfc4106(gcm(aes))' "$KEY_IN" 128 \
	sel src 10.1.1.1/32 dst 10.0.0.1/32
ip -n "$gw" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x2001 \
	mode tunnel reqid 1 if_id 42 aead 'rfc4106(gcm(aes))' "$KEY_OUT" 128 \
	sel src 10.0.0.1/32 dst 10.1.1.1/32
ip -n "$gw" xfrm policy add dir out src 10.0.0.1/32 dst 10.1.1.1/32 if_id 42 \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode tunnel
ip -n "$gw" xfrm policy add dir in src 10.1.1.1/32 dst 10.0.0.1/32 if_id 42 \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 1 mode tunnel

# eNodeB: plain policy-based IPsec.
ip -n "$enb" link set veth1 up
ip -n "$enb" addr add 192.0.2.2/24 dev veth1
ip -n "$enb" addr add 10.1.1.1/32 dev lo
ip -n "$enb" route add 10.0.0.1/32 via 192.0.2.1 src 10.1.1.1
ip -n "$enb" xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x1001 \
	mode tunnel reqid 1 aead 'rfc4106(gcm(aes))' "$KEY_IN" 128
ip -n "$enb" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x2001 \
	mode tunnel reqid 1 aead 'rfc4106(gcm(aes))' "$KEY_OUT" 128
ip -n "$enb" xfrm policy add dir out src 10.1.1.1/32 dst 10.0.0.1/32 \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 1 mode tunnel
ip -n "$enb" xfrm policy add dir in src 10.0.0.1/32 dst 10.1.1.1/32 \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode tunnel

# What crosses the wire, counted where the eNodeB receives it (decrypted
# packets pass PRE_ROUTING again, with a secpath: those were not on the wire).
ip netns exec "$enb" nft -f - <<'NFT'
table inet wire {
	counter esp_pkts {}
	counter icmp_pkts {}
	chain pre {
		type filter hook prerouting priority -300;
		iifname "veth1" meta l4proto esp counter name esp_pkts
		iifname "veth1" meta l4proto icmp meta ipsec missing counter name icmp_pkts
	}
}
NFT
log_test $? "wire counters installed"

wire_counter() {
	ip netns exec "$enb" nft -j list counter inet wire "$1" |
		jq '[.nftables[] | select(.counter) | .counter.packets][0]'
}

sa_packets() { # sa_packets NS SPI: packets the SA has processed
	ip -n "$1" -s xfrm state get src "$2" dst "$3" proto esp spi "$4" |
		awk '/lifetime current:/ { getline; sub(/\(.*/, "", $2); print $2; exit }'
}

ip netns exec "$enb" ping -q -c "$PINGS" -W 2 -I 10.1.1.1 10.0.0.1 >/dev/null
log_test $? "ping from the eNodeB's inner address reaches the VRF through the tunnel"

check_eq "$(sa_packets "$gw" 192.0.2.2 192.0.2.1 0x1001)" "$PINGS" "gateway inbound SA decrypted every request"
check_eq "$(sa_packets "$gw" 192.0.2.1 192.0.2.2 0x2001)" "$PINGS" "gateway outbound SA encrypted every reply"
check_eq "$(wire_counter esp_pkts)" "$PINGS" "ESP packets seen on the wire at the eNodeB"
check_eq "$(wire_counter icmp_pkts)" 0 "no clear ICMP on the wire"

rx=$(ip -n "$gw" -s -j link show ipsec0 | jq '.[0].stats64.rx.packets')
check_eq "$rx" "$PINGS" "decrypted packets entered through the xfrm interface"

# Without the gateway's SAs, nothing may get through in the clear.
ip -n "$gw" xfrm state flush
ip netns exec "$enb" ping -q -c 2 -W 1 -I 10.1.1.1 10.0.0.1 >/dev/null 2>&1
[ $? -ne 0 ]
log_test $? "no SA, no traffic"

test_exit
