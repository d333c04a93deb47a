# SPDX-License-Identifier: GPL-2.0
# Helpers of the ikud-against-strongSwan kselftests; source after lib.sh.
# The caller sets $dir (a scratch directory), $GW (ikud's netns) and $ENB
# (charon's netns), writes $dir/ikud.conf (control socket $dir/ikud.sock),
# $dir/strongswan.conf and $dir/swanctl.conf, and names its CHILD_SA "c".
#
#   start_ikud [-q] / stop_ikud [SIG]  ikud in $GW, log in $dir/ikud.log
#                                 (-q: at the configuration's level, not debug)
#   gw_lan [DEV]                  in $GW: the LAN behind the gateway (dummy
#                                 "lan", 10.2.0.1/24) and, with DEV, the xfrm
#                                 interface ipsec0 (if_id 42) on DEV
#   ctl ARGS                      sgwctl -j ike ARGS on ikud's control socket
#   ctl_at SOCKET ARGS            the same for another ikud's socket
#   ike_count [SOCKET], child_count [SOCKET], failures REASON, gw_states,
#   gw_policies
#   write_ikud_head               the global lines of $dir/ikud.conf (debug
#                                 log, control socket, two workers)
#   write_strongswan_conf [LINE...]   $dir/strongswan.conf, extra charon lines
#   swan_conn NAME [KEY=VALUE...] one swanctl connection (see below)
#   swan_conf FILE PSK CONN...    a swanctl.conf of swan_conn connections
#   start_charon / stop_charon [SIG]   charon in $ENB with a private /run
#   swan ARGS, load_swan, initiate, xfrm_in_packets, ping_ok [COUNT]
#   charon_spawn VAR NETNS CONF / swan_at PID ARGS   a further charon
#   delay_ike [TO_ENB TO_GW]      netem on IKE's ports of veth-g ($GW) and
#                                 veth-e ($ENB); no arguments: no delay

IKUD_PID=
CHARON_PID=

gw_lan() {	# [DEV]
	ip -n "$GW" link add lan type dummy
	ip -n "$GW" addr add 10.2.0.1/24 dev lan
	ip -n "$GW" link set lan up
	[ -n "${1:-}" ] || return 0
	ip -n "$GW" link add ipsec0 type xfrm dev "$1" if_id 42
	ip -n "$GW" link set ipsec0 up
}

start_ikud() {
	local debug=-d
	[ "${1:-}" != -q ] || debug=
	ip netns exec "$GW" "$IKUD" -c "$dir/ikud.conf" $debug >>"$dir/ikud.log" 2>&1 &
	IKUD_PID=$!
	wait_until 10 test -S "$dir/ikud.sock"
}

stop_ikud() {	# [SIGNAL], TERM by default
	[ -n "$IKUD_PID" ] || return
	kill -"${1:-TERM}" "$IKUD_PID" 2>/dev/null
	wait "$IKUD_PID" 2>/dev/null
	IKUD_PID=
	rm -f "$dir/ikud.sock"
}
at_exit stop_ikud

ctl_at() { "$SGWCTL" -j ike socket "$1" "${@:2}"; }

ctl() { ctl_at "$dir/ikud.sock" "$@"; }

# established IKE SAs and installed CHILD_SAs of the ikud at SOCKET (default
# $dir/ikud.sock)
ike_count() {
	ctl_at "${1:-$dir/ikud.sock}" sa show | jq '[.sas[] | select(.state == "established")] | length'
}
child_count() {
	ctl_at "${1:-$dir/ikud.sock}" sa show | jq '[.sas[].children[]] | length'
}
failures() { ctl stats | jq --arg r "$1" '.failures[$r]'; }
gw_states() { ip -n "$GW" xfrm state | grep -c '^src'; }
# policies of tunnels (not the per-socket bypass policies of the IKE sockets)
gw_policies() { ip -n "$GW" xfrm policy | grep -cE '^\s+dir (in|out|fwd) '; }

# charon with a /run of its own (its vici socket and pid file live there);
# swanctl reaches it by entering its mount namespace.
# charon_spawn VAR NETNS CONF: a charon in NETNS configured by CONF (a
# strongswan.conf); its pid goes into the variable VAR. The caller stops it.
charon_spawn() {
	ip netns exec "$2" unshare -m sh -c \
		"mount -t tmpfs none /run && STRONGSWAN_CONF=$3 exec /usr/lib/ipsec/charon" \
		>>"$dir/charon.out" 2>&1 &
	eval "$1=$!"
	wait_until 15 swan_at "$!" --stats
}

swan_at() { nsenter -t "$1" -m -n swanctl "${@:2}"; }

# The MME (10.9.0.10/24, namespace $MME) behind the CSR (10.9.0.1, VRF s1
# of namespace $CSR), and the CSR forwarding.
csr_mme_net() {
	ip link add mme netns "$CSR" type veth peer name eth0 netns "$MME" &&
	ip -n "$CSR" link set mme master s1 up &&
	ip -n "$CSR" addr add 10.9.0.1/24 dev mme &&
	ip -n "$MME" link set eth0 up &&
	ip -n "$MME" addr add 10.9.0.10/24 dev eth0 &&
	ip -n "$MME" route add default via 10.9.0.1 &&
	ip netns exec "$CSR" sysctl -qw net.ipv4.ip_forward=1
}

# charon_run VAR PSK CONN...: $dir/swanctl.conf with these connections, a
# charon in $ENB under $dir/strongswan.conf (its pid in VAR), them loaded
charon_run() {
	swan_conf "$dir/swanctl.conf" "$2" "${@:3}" &&
	charon_spawn "$1" "$ENB" "$dir/strongswan.conf" &&
	swan_at "${!1}" --load-all --file "$dir/swanctl.conf" >"$dir/load.out" 2>&1
}

# charon_stop VAR [SIGNAL]: stop the charon whose pid VAR holds (TERM by
# default) and clear VAR
charon_stop() {
	local pid=${!1}
	[ -n "$pid" ] || return 0
	kill -"${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	printf -v "$1" '%s' ""
}

# swan_initiate_each PID PARALLEL CONN...: each connection's CHILD_SA s1
# initiated through the charon PID, at most PARALLEL at a time (under
# emulation a burst of setups outlasts the eNodeBs' retransmissions)
swan_initiate_each() {
	local pid=$1 par=$2
	shift 2
	printf '%s\n' "$@" | xargs -P "$par" -I{} timeout 120 \
		nsenter -t "$pid" -m -n swanctl --initiate --ike {} --child s1 \
		>>"$dir/initiate.out" 2>&1
}

start_charon() { charon_spawn CHARON_PID "$ENB" "$dir/strongswan.conf"; }

swan() { swan_at "$CHARON_PID" "$@"; }

stop_charon() { charon_stop CHARON_PID "${1:-TERM}"; }	# [SIGNAL]
at_exit stop_charon

write_ikud_head() {
	printf 'log-level debug;\ncontrol %s/ikud.sock;\nworkers 2;\n' "$dir"
}

# swan_conn NAME [KEY=VALUE...]: one swanctl connection, IKEv2 with PSK both
# ways and one CHILD_SA. Keys, with their defaults:
#   laddr=192.0.2.2 raddr=192.0.2.1 lid=enb1.enb.example.net rid=RADDR
#   ike=aes128gcm16-prfsha256-ecp256 esp=aes128gcm16 lts=10.1.0.1/32
#   rts=10.2.0.0/24 child=c (the CHILD_SA's name)
#   auth=psk (auth=pubkey: certificates both ways) cert= (the local
#   certificate, a file of swanctl's x509 directory)
#   c.KEY=VALUE, ch.KEY=VALUE: one more line of the connection, of the CHILD_SA
swan_conn() {
	local name=$1 laddr=192.0.2.2 raddr=192.0.2.1 lid=enb1.enb.example.net rid=
	local ike=aes128gcm16-prfsha256-ecp256 esp=aes128gcm16 lts=10.1.0.1/32
	local rts=10.2.0.0/24 child=c conn_lines="" child_lines="" kv
	local auth=psk cert_line=""
	shift
	for kv; do
		case $kv in
		laddr=*) laddr=${kv#*=} ;;
		raddr=*) raddr=${kv#*=} ;;
		lid=*) lid=${kv#*=} ;;
		rid=*) rid=${kv#*=} ;;
		ike=*) ike=${kv#*=} ;;
		esp=*) esp=${kv#*=} ;;
		lts=*) lts=${kv#*=} ;;
		rts=*) rts=${kv#*=} ;;
		child=*) child=${kv#*=} ;;
		auth=*) auth=${kv#*=} ;;
		cert=*) cert_line="			certs = ${kv#*=}"$'\n' ;;
		c.*=*) kv=${kv#c.}; conn_lines+="		${kv%%=*} = ${kv#*=}"$'\n' ;;
		ch.*=*) kv=${kv#ch.}; child_lines+="				${kv%%=*} = ${kv#*=}"$'\n' ;;
		*) echo "swan_conn: unknown '$kv'" >&2; return 1 ;;
		esac
	done
	printf '\t%s {\n\t\tversion = 2\n\t\tlocal_addrs = %s\n\t\tremote_addrs = %s\n' \
		"$name" "$laddr" "$raddr"
	printf '\t\tproposals = %s\n%s' "$ike" "$conn_lines"
	printf '\t\tlocal {\n\t\t\tauth = %s\n%s\t\t\tid = %s\n\t\t}\n' "$auth" "$cert_line" "$lid"
	printf '\t\tremote {\n\t\t\tauth = %s\n\t\t\tid = %s\n\t\t}\n' "$auth" "${rid:-$raddr}"
	printf '\t\tchildren {\n\t\t\t%s {\n\t\t\t\tlocal_ts = %s\n' "$child" "$lts"
	printf '\t\t\t\tremote_ts = %s\n\t\t\t\tesp_proposals = %s\n%s' "$rts" "$esp" "$child_lines"
	printf '\t\t\t}\n\t\t}\n\t}\n'
}

# swan_conf FILE PSK CONN...: a swanctl.conf with these connections
# (swan_conn's output) and one IKE key for all of them (none if PSK is empty:
# certificates, their keys in swanctl's private directory)
swan_conf() {
	{
		echo "connections {"
		printf '%s\n' "${@:3}"
		echo "}"
		[ -z "$2" ] || printf 'secrets {\n\tike-1 {\n\t\tsecret = "%s"\n\t}\n}\n' "$2"
	} >"$1"
}

# $dir/strongswan.conf: charon with Debian's plugins, no routes or virtual
# IPs of its own, a log in $dir/charon.log; each argument is one more line
# of the charon section (retransmission settings and the like).
# SWAN_LOG="DEFAULT IKE" sets the log levels (default "1 2"; "-1 -1": none).
write_strongswan_conf() {
	local levels
	read -r -a levels <<<"${SWAN_LOG:-1 2}"
	{
		printf 'charon {\n\tload_modular = yes\n\tinstall_routes = no\n\tinstall_virtual_ip = no\n'
		[ $# = 0 ] || printf '\t%s\n' "$@"
		cat <<EOF
	plugins {
		include /etc/strongswan.d/charon/*.conf
	}
	filelog {
		charon {
			path = $dir/charon.log
			default = ${levels[0]}
			ike = ${levels[1]}
			append = yes
			flush_line = yes
		}
	}
}
EOF
	} >"$dir/strongswan.conf"
}

# delay_ike [TO_ENB TO_GW]: IKE (UDP 500, 4500) from ikud waits TO_ENB (on
# veth-g, in $GW), IKE from the peer TO_GW (on veth-e, in $ENB); ESP is not
# delayed. Without arguments, back to normal.
delay_ike() {
	qdisc_delay "$GW" veth-g "${1:-}"
	qdisc_delay "$ENB" veth-e "${2:-}"
}

qdisc_delay() {	# NETNS DEV [DELAY]
	local port
	if [ -z "$3" ]; then
		tc -n "$1" qdisc del dev "$2" root 2>/dev/null
		return
	fi
	tc -n "$1" qdisc add dev "$2" root handle 1: prio
	tc -n "$1" qdisc add dev "$2" parent 1:3 handle 30: netem delay "$3"
	for port in 500 4500; do
		tc -n "$1" filter add dev "$2" parent 1: protocol ip u32 \
			match ip protocol 17 0xff match ip dport $port 0xffff flowid 1:3
	done
}

load_swan() { swan --load-all --file "$dir/swanctl.conf" >"$dir/load.out" 2>&1; }
initiate() { timeout 60 nsenter -t "$CHARON_PID" -m -n swanctl --initiate --child c >"$dir/initiate.out" 2>&1; }

xfrm_in_packets() {	# packets counted on ikud's inbound SA(s)
	ip -n "$GW" -s xfrm state | awk '
		/^src 192.0.2.2 dst 192.0.2.1/ { inb = 1; next }
		/^src/ { inb = 0 }
		inb && /lifetime current:/ { getline; sub(/\(packets\)/, ""); n += $2 }
		END { print n + 0 }'
}

ping_ok() { ip netns exec "$ENB" ping -c "${1:-3}" -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1; }
