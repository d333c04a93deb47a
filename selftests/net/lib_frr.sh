# SPDX-License-Identifier: GPL-2.0
# FRR (zebra + bgpd) per network namespace, for the kselftests. Source it
# after lib.sh:
#
#   frr_start NS ZEBRA_CONF BGPD_CONF   start zebra then bgpd inside NS; their
#                      configuration, sockets, pid files and start-up output
#                      live in a private directory ($(frr_dir NS)); stopped
#                      at exit. On failure the daemon's output is printed.
#                      bgpd.conf is dry-run first (bgpd -C): a line bgpd
#                      rejects fails the start.
#   frr_vtysh NS CMD...       run vtysh commands (-c each) against NS's daemons
#   frr_config NS LINE...     "configure terminal" then LINE..., in one vtysh call
#   frr_bgp_established NS VRF PEER   true once PEER is Established in VRF
#   frr_bgp_paths NS VRF      one line per path of "show bgp vrf VRF ipv4 json":
#                      "PREFIX NEXTHOP LOCPREF MED best|-", sorted
#   frr_rib_has NS VRF PREFIX PROTO   true if zebra's RIB for VRF holds PREFIX
#                      with route type PROTO (kernel, connected, bgp ...)
#
# Configuration writers (print bgpd.conf lines):
#   frr_rri_map NAME PREFIX LOCPREF METRIC   prefix-list NAME-PFX and route-map
#                      NAME: RRI routes inside PREFIX (/32s, "ge 32") with
#                      ikud's METRIC get LOCPREF; anything else is denied
#   frr_bgp_vrf VRF ROUTER_ID REDIST_MAP PEER...   iBGP (AS 65000) in VRF
#                      with fast timers; REDIST_MAP "-" redistributes nothing
#
# The daemons run as FRR's user (frr) with the TCP vty off (-P 0); every
# path is given on the command line so that several instances never share a
# file.

FRR_SBIN=${FRR_SBIN:-/usr/lib/frr}
frr_base=""

frr_dir() {
	echo "$frr_base/$1"
}

frr_stop_all() {
	local f
	[ -n "$frr_base" ] || return 0
	for f in "$frr_base"/*/*.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$frr_base"
}

frr_start() {
	local ns=$1 zconf=$2 bconf=$3 dir
	if [ -z "$frr_base" ]; then
		frr_base=$(mktemp -d /tmp/sgw-frr.XXXXXX) || return 1
		chmod 755 "$frr_base"
		at_exit frr_stop_all
	fi
	dir=$(frr_dir "$ns")
	mkdir -p "$dir"
	chown frr:frr "$dir"	# the daemons drop to user frr
	printf '%s\n' "$zconf" >"$dir/zebra.conf"
	printf '%s\n' "$bconf" >"$dir/bgpd.conf"
	# A dry run first: bgpd skips a line it cannot take and runs on, so
	# a test would pass on a configuration other than the one it wrote.
	if "$FRR_SBIN/bgpd" -C -f "$dir/bgpd.conf" 2>&1 | grep 'config line' >&2; then
		echo "frr_start: $ns: bgpd rejects these lines of its configuration" >&2
		return 1
	fi
	ip netns exec "$ns" "$FRR_SBIN/zebra" -d -P 0 \
		-f "$dir/zebra.conf" -i "$dir/zebra.pid" -z "$dir/zserv.api" \
		--vty_socket "$dir" >"$dir/zebra.out" 2>&1 &&
	wait_until 5 test -S "$dir/zserv.api" || { cat "$dir/zebra.out"; return 1; }
	ip netns exec "$ns" "$FRR_SBIN/bgpd" -d -P 0 \
		-f "$dir/bgpd.conf" -i "$dir/bgpd.pid" -z "$dir/zserv.api" \
		--vty_socket "$dir" >"$dir/bgpd.out" 2>&1 &&
	wait_until 5 test -S "$dir/bgpd.vty" || { cat "$dir/bgpd.out"; return 1; }
}

frr_vtysh() {
	local ns=$1 c args=()
	shift
	for c in "$@"; do args+=(-c "$c"); done
	ip netns exec "$ns" vtysh --vty_socket "$(frr_dir "$ns")" "${args[@]}"
}

frr_config() {
	local ns=$1
	shift
	frr_vtysh "$ns" "configure terminal" "$@"
}

frr_bgp_established() {
	local ns=$1 vrf=$2 peer=$3
	frr_vtysh "$ns" "show bgp vrf $vrf neighbors $peer json" |
		jq -e --arg peer "$peer" '.[$peer].bgpState == "Established"' >/dev/null
}

frr_bgp_paths() {
	local ns=$1 vrf=$2
	frr_vtysh "$ns" "show bgp vrf $vrf ipv4 json" |
		jq -r '(.routes // {}) | to_entries[] | .key as $pfx | .value[] |
			"\($pfx) \(.nexthops[0].ip // "-") \(.locPrf // "-") \(.metric // "-")" +
			(if .bestpath then " best" else " -" end)' | sort -V
}

frr_rib_has() {
	local ns=$1 vrf=$2 prefix=$3 proto=$4
	frr_vtysh "$ns" "show ip route vrf $vrf $prefix json" |
		jq -e --arg pfx "$prefix" --arg proto "$proto" 'any(.[$pfx][]?; .protocol == $proto)' >/dev/null
}

frr_rri_map() {
	local name=$1 prefix=$2 lp=$3 metric=$4
	cat <<EOF
ip prefix-list $name-PFX seq 10 permit $prefix ge 32
route-map $name permit 10
 match ip address prefix-list $name-PFX
 match metric $metric
 set local-preference $lp
route-map $name deny 100
EOF
}

frr_bgp_vrf() {
	local vrf=$1 id=$2 map=$3 peer
	shift 3
	printf 'router bgp 65000 vrf %s\n bgp router-id %s\n no bgp default ipv4-unicast\n' "$vrf" "$id"
	# advertisement-interval belongs to the router node: inside the
	# address family bgpd runs it one node up and leaves the family.
	for peer in "$@"; do
		printf ' neighbor %s remote-as internal\n neighbor %s timers 3 9\n' "$peer" "$peer"
		printf ' neighbor %s timers connect 1\n neighbor %s advertisement-interval 0\n' \
			"$peer" "$peer"
	done
	echo " address-family ipv4 unicast"
	for peer in "$@"; do
		printf '  neighbor %s activate\n' "$peer"
	done
	[ "$map" != - ] && echo "  redistribute kernel route-map $map"
	echo " exit-address-family"
}
