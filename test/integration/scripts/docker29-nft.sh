#!/bin/sh
# Builds, in the sandbox's host namespace, what Docker 29 with --firewall-backend nftables
# builds for moby's "usernet-portmap" scenario: docker0 (no containers), a user network
# br-5f1e0c3a9b2d (172.18.0.0/16) with containers c1 (172.18.0.2) and c2 (172.18.0.3) as
# network namespaces on veths, each serving its name over HTTP on port 80 (busybox httpd),
# forwarding on, and Docker's `ip docker-bridges` table loaded from the fixture.
# Usage: docker29-nft.sh RULESET.nft WWWDIR
set -eu
ruleset=$1 www=$2
br=br-5f1e0c3a9b2d
sysctl -qw net.ipv4.ip_forward=1
ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up
ip link add $br type bridge && ip addr add 172.18.0.1/16 dev $br && ip link set $br up
n=2
for c in c1 c2; do
	ip netns add $c
	ip link add veth-$c type veth peer name eth0 netns $c
	ip link set veth-$c master $br up
	ip -n $c addr add 172.18.0.$n/16 dev eth0
	ip -n $c link set lo up
	ip -n $c link set eth0 up
	ip -n $c route add default via 172.18.0.1
	mkdir -p "$www/$c" && echo $c >"$www/$c/index.html"
	n=$((n + 1))
done
nft -f "$ruleset"
