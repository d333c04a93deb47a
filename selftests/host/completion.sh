#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bash completion of sgwctl (dist/bash-completion/sgwctl): what it offers
# for command lines of every object, with sgwctl and ip replaced by stubs
# that answer as a gateway with prefix lists, policers, VRFs and ikud SAs
# would; and every keyword it offers is one the built sgwctl's help names,
# so the completion cannot drift from the grammar. Exit codes: 0 pass,
# 1 fail, 4 skip.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
sgwctl_bin=$top/build/sgwctl
[ -f /usr/share/bash-completion/bash_completion ] ||
	{ echo "SKIP: bash-completion not installed (make deps)"; exit 4; }
[ -x "$sgwctl_bin" ] || { echo "SKIP: $sgwctl_bin not built"; exit 4; }

# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1091
source "$top/dist/bash-completion/sgwctl"

# Stubs: sgwctl -j ... show, ip ... (the real ones need the module, ikud).
sgwctl() {
	local ns=
	[ "$1" = -n ] && { ns=$2; shift 2; }
	case "$*" in
	"-j prefix-list show") echo '[{"name":"mme","count":2,"users":1,"prefixes":["198.51.100.0/28","2001:db8:100::/48"]},{"name":"enb'"$ns"'","count":0,"users":0,"prefixes":[]}]' ;;
	"-j prefix-list show mme") echo '[{"name":"mme","count":2,"users":1,"prefixes":["198.51.100.0/28","2001:db8:100::/48"]}]' ;;
	"-j engine show") echo '[{"name":"e1","cpus":"1","state":"up","sas":2},{"name":"spare","cpus":"3","state":"standby","sas":0}]' ;;
	"-j policer show") echo '[{"name":"mme-s1","vrf":"s1","dst_list":"mme"},{"name":"mme-init","vrf":"s1","dst_list":"mme"}]' ;;
	"-j ike sa show"|"-j ike socket /tmp/x.sock sa show")
		echo '{"sas":[{"id":7,"gateway":"s1","remote":"192.0.2.2","remote_id":"enb1.example.net","spi_i":"00000000000000aa","children":[{"spi_in":"c0ffee01"}]},{"id":9,"gateway":"x2","remote":"192.0.2.3","remote_id":"enb2.example.net","spi_i":"00000000000000bb","children":[]}]}' ;;
	*) return 1 ;;
	esac
}
ip() {
	case "$*" in
	"-br link show type vrf") printf 's1 UP 0a:00:00:00:00:01 <NOARP,MASTER,UP,LOWER_UP>\nx2 UP 0a:00:00:00:00:02 <NOARP,MASTER,UP,LOWER_UP>\n' ;;
	"-n gw -br link show type vrf") printf 'red UP 0a:00:00:00:00:03 <NOARP,MASTER,UP,LOWER_UP>\n' ;;
	"netns list") printf 'gw (id: 0)\nenb\n' ;;
	*) return 1 ;;
	esac
}

# complete LINE: the candidates for the end of LINE, sorted, one line
complete_line() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_sgwctl sgwctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}

ret=0
offered=()
expect() {	# LINE WANT
	local got
	got=$(complete_line "$1")
	if [ "$got" = "$2" ]; then
		echo "ok - '$1' -> $got"
	else
		echo "not ok - '$1' -> '$got', want '$2'"
		ret=1
	fi
	offered+=($got)
}

expect "sgwctl " "engine help ike monitor policer prefix-list"
expect "sgwctl p" "policer prefix-list"
expect "sgwctl -j -p pol" "policer"
expect "sgwctl -" "-V -b -batch -h -help -j -json -n -netns -p -pretty -s -statistics -version"
expect "sgwctl -n " "enb gw"
expect "sgwctl prefix-list " "add del help show"
expect "sgwctl prefix-list show " "enb mme"
expect "sgwctl -n gw prefix-list del " "enbgw mme"
expect "sgwctl prefix-list del mme " "198.51.100.0/28 2001:db8:100::/48"
expect "sgwctl prefix-list add mme 10.0.0.0/8 " ""
expect "sgwctl policer " "add del help reset set show"
expect "sgwctl policer set " "mme-init mme-s1"
expect "sgwctl policer show mme-s1 " "-s"
expect "sgwctl policer add p1 " "burst chunk dst-list per-source rate src-list vrf"
expect "sgwctl policer add p1 vrf " "default s1 x2"
expect "sgwctl -n gw policer add p1 vrf " "default red"
expect "sgwctl policer add p1 vrf s1 dst-list " "enb mme"
expect "sgwctl policer add p1 vrf s1 dst-list mme chunk " "all init"
expect "sgwctl policer add p1 vrf s1 dst-list mme rate " ""
expect "sgwctl policer add p1 vrf s1 dst-list mme rate 10mbit burst 15k " "chunk per-source src-list"
expect "sgwctl policer add p1 vrf s1 dst-list mme per-source " "burst chunk max-sources rate src-list"
expect "sgwctl policer set mme-s1 rate 1mbit " "burst chunk dst-list max-sources no-per-source no-src-list per-source src-list vrf"
expect "sgwctl engine " "add bind del help sa set show"
expect "sgwctl engine set " "e1 spare"
expect "sgwctl engine show e1 " "-s"
expect "sgwctl engine add e2 " "cpus standby"
expect "sgwctl engine add e2 cpus " ""
expect "sgwctl engine add e2 cpus 2 " "standby"
expect "sgwctl engine set e1 down " "active cpus standby"
expect "sgwctl engine bind " "if_id"
expect "sgwctl engine bind if_id 7 " "auto engine"
expect "sgwctl engine bind if_id 7 engine " "e1 spare"
expect "sgwctl engine sa " "show"
expect "sgwctl engine sa show " "engine"
expect "sgwctl engine sa show engine " "e1 spare"
expect "sgwctl monitor " "help"
expect "sgwctl ike " "help reload sa socket stats"
expect "sgwctl ike socket /tmp/x.sock " "help reload sa stats"
expect "sgwctl ike sa " "rekey show terminate"
expect "sgwctl ike sa terminate " "all gateway id peer remote-id spi"
expect "sgwctl ike sa terminate id " "7 9"
expect "sgwctl ike socket /tmp/x.sock sa terminate gateway " "s1 x2"
expect "sgwctl ike sa terminate peer " "192.0.2.2 192.0.2.3"
expect "sgwctl ike sa terminate remote-id " "enb1.example.net enb2.example.net"
expect "sgwctl ike sa terminate spi " "00000000000000aa 00000000000000bb"
expect "sgwctl ike sa rekey " "child ike"
expect "sgwctl ike sa rekey child " "c0ffee01"
expect "sgwctl ike sa show " ""

# Every keyword offered is in the help of the sgwctl that was built.
help=$("$sgwctl_bin" help; for o in prefix-list policer engine monitor ike; do "$sgwctl_bin" "$o" help; done)
unknown=
for w in $(printf '%s\n' "${offered[@]}" | sort -u); do
	case $w in
	-*|[0-9]*|*.*|*/*|mme*|enb*|s1|x2|red|gw|default|c0ffee01|e1|spare) continue ;;	# options, stub data
	esac
	grep -qw -- "$w" <<<"$help" || unknown="$unknown $w"
done
if [ -z "$unknown" ]; then
	echo "ok - every keyword offered is in sgwctl's help"
else
	echo "not ok - offered but not in sgwctl's help:$unknown"
	ret=1
fi
exit $ret
