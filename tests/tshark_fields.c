/*
 * tshark_fields.c — sockscope's decoding of a capture file as facts named
 * the way tshark names its fields, for tests/e2e_tshark.sh to compare with
 * `tshark -T fields` on the same file.
 *
 * usage: tshark_fields FILE [KEY...]
 * Prints one line per fact: "<packet number>\t<tshark field>\t<value>",
 * packets numbered from 1 as tshark does.  A fact comes from the field tree
 * (so the tree the screens show is what is checked): each rule below names a
 * path of field names from a top-level layer down and how to read the
 * number or text out of the field's value.  Fields inside a packet quoted
 * by an ICMP error are not facts (their layers are not top-level), nor are
 * fields of any layer after the first with the same name (tshark's first
 * occurrence), except for keys that collect every occurrence (DNS answers),
 * whose values are joined with ','.  A few facts come from pkt_info and the
 * flow table: tcp.len, relative tcp.seq/tcp.ack and tcp.analysis flags.
 * Relative numbers are given only where both tools define them alike: for
 * a direction whose SYN was captured (tcp.seq) and whose peer's SYN was
 * (tcp.ack).  A connection joined mid-stream is numbered from 0 here, as
 * tcpdump does, and from 1 by tshark: a convention, not a decoding.
 * tcp.flags is tshark's 12-bit field: our Flags byte with the low nibble of
 * the data offset byte (the AE bit and the reserved bits) above it.
 * Values are printed as the field shows them, first word only where the
 * rule says so; tests/e2e_tshark.sh normalises numbers (hex or decimal) on
 * both sides.  With KEYs, only those facts are printed.
 */
#include "dissect/dissect.h"
#include "capfile/capfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum how {
	WORD,       /* the first word of the value: "60", "0x02", "127.0.0.1" */
	ALL,        /* the whole value */
	AFTER,      /* the word after `arg` in the value ("shift 7" -> 7) */
	PAREN,      /* the first word inside parentheses ("10 (40 bytes)" -> 40) */
	QUOTED,     /* between the first pair of double quotes */
	SETFLAG,    /* "set" -> 1, "not set" -> 0 */
	TAKEN,      /* the number after "taken as" when the value says it (a length not set
	               on the wire, which tshark shows as it takes it), else the first word */
	CKSTATUS,   /* a checksum's verdict as tshark's status: 0 bad, 1 good, 2 unverified;
	               "offloaded" is 0: the bytes do not check out (we also say why) */
};

struct rule {
	const char *path;   /* layer/field/sub-field names joined with '/' */
	const char *key;    /* tshark's field name */
	enum how how;
	const char *arg;
	bool multi;         /* collect every occurrence */
};

static const struct rule rules[] = {
	{ "Point-to-Point Protocol/Protocol", "ppp.protocol", WORD, NULL, false },
	{ "PPP over Ethernet/Code", "pppoe.code", WORD, NULL, false },
	{ "PPP over Ethernet/Session ID", "pppoe.session_id", WORD, NULL, false },
	{ "Cisco HDLC/Address", "chdlc.address", WORD, NULL, false },
	{ "Cisco HDLC/Protocol", "chdlc.protocol", WORD, NULL, false },
	{ "Frame Relay/DLCI", "fr.dlci", WORD, NULL, false },
	{ "Frame Relay/NLPID", "fr.nlpid", WORD, NULL, true },
	{ "ARCNET/Source", "arcnet.src", WORD, NULL, false },
	{ "ARCNET/Destination", "arcnet.dst", WORD, NULL, false },
	{ "ARCNET/Protocol ID", "arcnet.protID", WORD, NULL, false },
	{ "ARCNET/Split flag", "arcnet.split_flag", WORD, NULL, false },
	{ "ARCNET/Sequence number", "arcnet.sequence", WORD, NULL, false },
	{ "Solaris IPNET/Family", "ipnet.family", WORD, NULL, false },
	{ "Solaris IPNET/Type", "ipnet.htype", WORD, NULL, false },
	{ "Solaris IPNET/Packet length", "ipnet.pktlen", WORD, NULL, false },
	{ "Solaris IPNET/Interface index", "ipnet.ifindex", WORD, NULL, false },
	{ "IP over InfiniBand/Type", "ipoib.type", WORD, NULL, false },
	{ "IP over InfiniBand/Destination GID", "ipoib.dgid", WORD, NULL, false },
	{ "MPLS label stack/Label stack entry/Label", "mpls.label", WORD, NULL, false },
	{ "MPLS label stack/Label stack entry/Traffic class", "mpls.exp", WORD, NULL, false },
	{ "MPLS label stack/Label stack entry/Bottom of stack", "mpls.bottom", SETFLAG, NULL, false },
	{ "MPLS label stack/Label stack entry/TTL", "mpls.ttl", WORD, NULL, false },
	{ "MACsec/Association number", "macsec.AN", WORD, NULL, false },
	{ "IEEE 802.11/BSSID", "wlan.bssid", WORD, NULL, false },
	{ "IEEE 802.11/Source address", "wlan.sa", WORD, NULL, false },
	{ "IEEE 802.11/Destination address", "wlan.da", WORD, NULL, false },
	{ "IEEE 802.11/Duration", "wlan.duration", WORD, NULL, false },
	{ "Radiotap header/Channel", "radiotap.channel.freq", WORD, NULL, false },
	{ "Radiotap header/Rate", "radiotap.datarate", WORD, NULL, false },
	{ "Radiotap header/Antenna signal", "radiotap.dbm_antsignal", WORD, NULL, false },
	{ "Per-Packet Information/Link type", "ppi.dlt", WORD, NULL, false },
	{ "pf log/Action", "pflog.action", WORD, NULL, false },
	{ "pf log/Interface", "pflog.ifname", WORD, NULL, false },
	{ "pf log/Rule number", "pflog.rulenr", WORD, NULL, false },
	{ "Linux netfilter log (NFLOG)/Log group", "nflog.res_id", WORD, NULL, false },
	{ "Linux netfilter log (NFLOG)/Prefix", "nflog.prefix", WORD, NULL, false },
	{ "Apple PKTAP/Link type", "pktap.dlt", WORD, NULL, false },
	{ "Apple PKTAP/Process ID", "pktap.pid", WORD, NULL, false },
	{ "Generic Routing Encapsulation/Flags and version", "gre.flags_and_version", WORD, NULL, false },
	{ "Generic Routing Encapsulation/Protocol type", "gre.proto", WORD, NULL, false },
	{ "Generic Routing Encapsulation/Key", "gre.key", WORD, NULL, false },
	{ "Generic Routing Encapsulation/Sequence number", "gre.sequence_number", WORD, NULL, false },
	{ "ERSPAN type II/VLAN", "erspan.vlan", WORD, NULL, false },
	{ "ERSPAN type II/Session ID", "erspan.spanid", WORD, NULL, false },
	{ "Virtual eXtensible LAN/VNI", "vxlan.vni", WORD, NULL, false },
	{ "Geneve/Protocol type", "geneve.proto_type", WORD, NULL, false },
	{ "Geneve/VNI", "geneve.vni", WORD, NULL, false },
	{ "Network Service Header/TTL", "nsh.ttl", WORD, NULL, false },
	{ "Network Service Header/Service path ID", "nsh.spi", WORD, NULL, false },
	{ "Network Service Header/Service index", "nsh.si", WORD, NULL, false },
	{ "MACsec/Packet number", "macsec.PN", WORD, NULL, false },
	{ "Ethernet II/Type", "eth.type", WORD, NULL, false },
	{ "802.1Q VLAN tag/VLAN ID", "vlan.id", WORD, NULL, false },
	{ "802.1Q VLAN tag/Priority", "vlan.priority", WORD, NULL, false },
	{ "802.1Q VLAN tag/Type", "vlan.etype", WORD, NULL, false },
	{ "802.1ad service tag/VLAN ID", "ieee8021ad.id", WORD, NULL, false },
	{ "802.1ad service tag/Priority", "ieee8021ad.priority", WORD, NULL, false },
	{ "Address Resolution Protocol/Hardware type", "arp.hw.type", WORD, NULL, false },
	{ "Address Resolution Protocol/Protocol type", "arp.proto.type", WORD, NULL, false },
	{ "Address Resolution Protocol/Hardware size", "arp.hw.size", WORD, NULL, false },
	{ "Address Resolution Protocol/Protocol size", "arp.proto.size", WORD, NULL, false },
	{ "Address Resolution Protocol/Opcode", "arp.opcode", WORD, NULL, false },
	{ "Address Resolution Protocol/Sender hardware address", "arp.src.hw_mac", WORD, NULL, false },
	{ "Address Resolution Protocol/Sender protocol address", "arp.src.proto_ipv4", WORD, NULL, false },
	{ "Address Resolution Protocol/Target hardware address", "arp.dst.hw_mac", WORD, NULL, false },
	{ "Address Resolution Protocol/Target protocol address", "arp.dst.proto_ipv4", WORD, NULL, false },
	{ "Internet Protocol version 4/Header length", "ip.hdr_len", WORD, NULL, false },
	{ "Internet Protocol version 4/Differentiated services", "ip.dsfield", WORD, NULL, false },
	{ "Internet Protocol version 4/Total length", "ip.len", TAKEN, NULL, false },
	{ "Internet Protocol version 4/Identification", "ip.id", WORD, NULL, false },
	{ "Internet Protocol version 4/Flags", "ip.flags", WORD, NULL, false },
	{ "Internet Protocol version 4/Flags/Don't fragment", "ip.flags.df", SETFLAG, NULL, false },
	{ "Internet Protocol version 4/Flags/More fragments", "ip.flags.mf", SETFLAG, NULL, false },
	{ "Internet Protocol version 4/Fragment offset", "ip.frag_offset", WORD, NULL, false },
	{ "Internet Protocol version 4/Time to live", "ip.ttl", WORD, NULL, false },
	{ "Internet Protocol version 4/Protocol", "ip.proto", WORD, NULL, false },
	{ "Internet Protocol version 4/Header checksum", "ip.checksum", WORD, NULL, false },
	{ "Internet Protocol version 4/Header checksum", "ip.checksum.status", CKSTATUS, NULL, false },
	{ "Internet Protocol version 4/Source address", "ip.src", WORD, NULL, false },
	{ "Internet Protocol version 4/Destination address", "ip.dst", WORD, NULL, false },
	{ "Internet Protocol version 6/Flow label", "ipv6.flow", WORD, NULL, false },
	{ "Internet Protocol version 6/Payload length", "ipv6.plen", WORD, NULL, false },
	{ "Internet Protocol version 6/Next header", "ipv6.nxt", WORD, NULL, false },
	{ "Internet Protocol version 6/Hop limit", "ipv6.hlim", WORD, NULL, false },
	{ "Internet Protocol version 6/Source address", "ipv6.src", WORD, NULL, false },
	{ "Internet Protocol version 6/Destination address", "ipv6.dst", WORD, NULL, false },
	{ "IPv6 fragment header/Fragment offset", "ipv6.fraghdr.offset", WORD, NULL, false },
	{ "IPv6 fragment header/More fragments", "ipv6.fraghdr.more", SETFLAG, NULL, false },
	{ "IPv6 fragment header/Identification", "ipv6.fraghdr.ident", WORD, NULL, false },
	{ "IPv6 routing header/Routing type", "ipv6.routing.type", WORD, NULL, false },
	{ "IPv6 routing header/Segments left", "ipv6.routing.segleft", WORD, NULL, false },
	{ "Transmission Control Protocol/Source port", "tcp.srcport", WORD, NULL, false },
	{ "Transmission Control Protocol/Destination port", "tcp.dstport", WORD, NULL, false },
	{ "Transmission Control Protocol/Sequence number", "tcp.seq_raw", WORD, NULL, false },
	{ "Transmission Control Protocol/Acknowledgment number", "tcp.ack_raw", WORD, NULL, false },
	{ "Transmission Control Protocol/Data offset", "tcp.hdr_len", PAREN, NULL, false },
	{ "Transmission Control Protocol/Flags", "tcp.flags", WORD, NULL, false },
	{ "Transmission Control Protocol/Reserved", "(tcp.reserved)", WORD, NULL, false },
	{ "Transmission Control Protocol/Window", "tcp.window_size_value", WORD, NULL, false },
	{ "Transmission Control Protocol/Checksum", "tcp.checksum", WORD, NULL, false },
	{ "Transmission Control Protocol/Checksum", "tcp.checksum.status", CKSTATUS, NULL, false },
	{ "Transmission Control Protocol/Urgent pointer", "tcp.urgent_pointer", WORD, NULL, false },
	{ "Transmission Control Protocol/Options/Maximum segment size", "tcp.options.mss_val", WORD, NULL, false },
	{ "Transmission Control Protocol/Options/Window scale", "tcp.options.wscale.shift", AFTER, "shift", false },
	{ "Transmission Control Protocol/Options/Timestamps", "tcp.options.timestamp.tsval", AFTER, "TSval", false },
	{ "Transmission Control Protocol/Options/Timestamps", "tcp.options.timestamp.tsecr", AFTER, "TSecr", false },
	{ "User Datagram Protocol/Source port", "udp.srcport", WORD, NULL, false },
	{ "User Datagram Protocol/Destination port", "udp.dstport", WORD, NULL, false },
	{ "User Datagram Protocol/Length", "udp.length", WORD, NULL, false },
	{ "User Datagram Protocol/Checksum", "udp.checksum", WORD, NULL, false },
	{ "User Datagram Protocol/Checksum", "udp.checksum.status", CKSTATUS, NULL, false },
	{ "Internet Control Message Protocol/Type", "icmp.type", WORD, NULL, false },
	{ "Internet Control Message Protocol/Code", "icmp.code", WORD, NULL, false },
	{ "Internet Control Message Protocol/Checksum", "icmp.checksum", WORD, NULL, false },
	{ "Internet Control Message Protocol/Checksum", "icmp.checksum.status", CKSTATUS, NULL, false },
	{ "Internet Control Message Protocol/Identifier", "icmp.ident", WORD, NULL, false },
	{ "Internet Control Message Protocol/Sequence number", "icmp.seq", WORD, NULL, false },
	{ "Internet Control Message Protocol/Next-hop MTU", "icmp.mtu", WORD, NULL, false },
	{ "Internet Control Message Protocol v6/Type", "icmpv6.type", WORD, NULL, false },
	{ "Internet Control Message Protocol v6/Code", "icmpv6.code", WORD, NULL, false },
	{ "Internet Control Message Protocol v6/Checksum", "icmpv6.checksum", WORD, NULL, false },
	{ "Internet Control Message Protocol v6/Checksum", "icmpv6.checksum.status", CKSTATUS, NULL, false },
	{ "Internet Control Message Protocol v6/Identifier", "icmpv6.echo.identifier", WORD, NULL, false },
	{ "Internet Control Message Protocol v6/Sequence number", "icmpv6.echo.sequence_number", WORD, NULL, false },
	{ "Internet Control Message Protocol v6/Target address", "icmpv6.nd.ns.target_address", WORD, NULL, false },
	{ "Domain Name System/Transaction ID", "dns.id", WORD, NULL, false },
	{ "Domain Name System/Flags", "dns.flags", WORD, NULL, false },
	{ "Domain Name System/Questions", "dns.count.queries", WORD, NULL, false },
	{ "Domain Name System/Answer RRs", "dns.count.answers", WORD, NULL, false },
	{ "Domain Name System/Authority RRs", "dns.count.auth_rr", WORD, NULL, false },
	{ "Domain Name System/Additional RRs", "dns.count.add_rr", WORD, NULL, false },
	{ "Domain Name System/Queries/Question/Name", "dns.qry.name", WORD, NULL, true },
	{ "Domain Name System/Queries/Question/Type", "dns.qry.type", WORD, NULL, true },
	{ "Domain Name System/Answers/Answer/Address", "dns.a", WORD, NULL, true },
	{ "Domain Name System/Answers/Answer/Canonical name", "dns.cname", WORD, NULL, true },
	{ "Domain Name System/Answers/Answer/Time to live", "dns.resp.ttl", WORD, NULL, true },
	/* tshark's dns.a, dns.cname and dns.resp.ttl cover every section. */
	{ "Domain Name System/Authority/Authority record/Address", "dns.a", WORD, NULL, true },
	{ "Domain Name System/Authority/Authority record/Canonical name", "dns.cname", WORD, NULL, true },
	{ "Domain Name System/Authority/Authority record/Time to live", "dns.resp.ttl", WORD, NULL, true },
	{ "Domain Name System/Additional/Additional record/Address", "dns.a", WORD, NULL, true },
	{ "Domain Name System/Additional/Additional record/Canonical name", "dns.cname", WORD, NULL, true },
	{ "Domain Name System/Additional/Additional record/Time to live", "dns.resp.ttl", WORD, NULL, true },
	{ "Hypertext Transfer Protocol/Request line/Method", "http.request.method", WORD, NULL, false },
	{ "Hypertext Transfer Protocol/Request line/Request target", "http.request.uri", ALL, NULL, false },
	{ "Hypertext Transfer Protocol/Request line/Version", "http.request.version", WORD, NULL, false },
	{ "Hypertext Transfer Protocol/Status line/Status code", "http.response.code", WORD, NULL, false },
	{ "Hypertext Transfer Protocol/Status line/Version", "http.response.version", WORD, NULL, false },
	{ "Transport Layer Security/Record/Content type", "tls.record.content_type", WORD, NULL, false },
	{ "Transport Layer Security/Record/Version", "tls.record.version", WORD, NULL, false },
	{ "Transport Layer Security/Record/Length", "tls.record.length", WORD, NULL, false },
	{ "Transport Layer Security/Record/Handshake/Type", "tls.handshake.type", WORD, NULL, false },
	{ "Transport Layer Security/Record/Handshake/Version", "tls.handshake.version", WORD, NULL, false },
	{ "Transport Layer Security/Record/Handshake/Cipher suite", "tls.handshake.ciphersuite", WORD, NULL, true },
	{ "Transport Layer Security/Record/Handshake/Cipher suites/Cipher suite", "tls.handshake.ciphersuite", WORD, NULL, true },
	{ "Transport Layer Security/Record/Handshake/Extensions/Server name/Host name", "tls.handshake.extensions_server_name", WORD, NULL, false },
	{ "Transport Layer Security/Record/Handshake/Extensions/ALPN/Protocol", "tls.handshake.extensions_alpn_str", WORD, NULL, true },
	{ "Transport Layer Security/Record/Handshake/Extensions/Supported versions/Version", "tls.handshake.extensions.supported_version", WORD, NULL, true },
	{ "Dynamic Host Configuration Protocol/Message type", "dhcp.type", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Transaction ID", "dhcp.id", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Client address", "dhcp.ip.client", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Your address", "dhcp.ip.your", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Server address", "dhcp.ip.server", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Client hardware address", "dhcp.hw.mac_addr", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Options/DHCP message type", "dhcp.option.dhcp", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Options/Server identifier", "dhcp.option.dhcp_server_id", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Options/Subnet mask", "dhcp.option.subnet_mask", WORD, NULL, false },
	{ "Dynamic Host Configuration Protocol/Options/Lease time", "dhcp.option.ip_address_lease_time", WORD, NULL, false },
	{ "Network Time Protocol/Flags/Leap indicator", "ntp.flags.li", WORD, NULL, false },
	{ "Network Time Protocol/Flags/Version", "ntp.flags.vn", WORD, NULL, false },
	{ "Network Time Protocol/Flags/Mode", "ntp.flags.mode", WORD, NULL, false },
	{ "Network Time Protocol/Stratum", "ntp.stratum", WORD, NULL, false },
	{ "Network Time Protocol/Poll", "ntp.ppoll", WORD, NULL, false },
	{ "Network Time Protocol/Root delay", "ntp.rootdelay", WORD, NULL, false },
	{ "Network Time Protocol/Root dispersion", "ntp.rootdispersion", WORD, NULL, false },
	{ "Network Time Protocol/Reference ID", "ntp.refid", WORD, NULL, false },
	{ "Network Time Protocol/Extension field/Field type", "ntp.ext.type", WORD, NULL, false },
	{ "Network Time Protocol/Extension field/Length", "ntp.ext.length", WORD, NULL, false },
	{ "Network Time Protocol/Control flags/Opcode", "ntp.ctrl.flags2.opcode", WORD, NULL, false },
	{ "Network Time Protocol/Sequence", "ntp.ctrl.sequence", WORD, NULL, false },
	{ "Network Time Protocol/Association ID", "ntp.ctrl.associd", WORD, NULL, false },
	{ "Network Time Protocol/Count", "ntp.ctrl.count", WORD, NULL, false },
	{ "DHCPv6/Message type", "dhcpv6.msgtype", WORD, NULL, false },
	{ "DHCPv6/Transaction ID", "dhcpv6.xid", WORD, NULL, false },
	{ "DHCPv6/Hop count", "dhcpv6.hopcount", WORD, NULL, false },
	{ "DHCPv6/Link address", "dhcpv6.linkaddr", WORD, NULL, false },
	{ "DHCPv6/Peer address", "dhcpv6.peeraddr", WORD, NULL, false },
	{ "DHCPv6/.../Option code", "dhcpv6.option.type", WORD, NULL, true },
	{ "DHCPv6/.../Length", "dhcpv6.option.length", WORD, NULL, true },
	{ "DHCPv6/.../DUID type", "dhcpv6.duid.type", WORD, NULL, true },
	{ "DHCPv6/.../IAID", "dhcpv6.iaid", WORD, NULL, true },
	{ "DHCPv6/.../T1", "dhcpv6.iaid.t1", WORD, NULL, true },
	{ "DHCPv6/.../T2", "dhcpv6.iaid.t2", WORD, NULL, true },
	{ "DHCPv6/.../IA address/Address", "dhcpv6.iaaddr.ip", WORD, NULL, true },
	{ "DHCPv6/.../IA address/Preferred lifetime", "dhcpv6.iaaddr.pref_lifetime", WORD, NULL, true },
	{ "DHCPv6/.../IA address/Valid lifetime", "dhcpv6.iaaddr.valid_lifetime", WORD, NULL, true },
	{ "DHCPv6/.../IA prefix/Prefix length", "dhcpv6.iaprefix.pref_len", WORD, NULL, true },
	{ "DHCPv6/.../IA prefix/Preferred lifetime", "dhcpv6.iaprefix.pref_lifetime", WORD, NULL, true },
	{ "DHCPv6/.../IA prefix/Valid lifetime", "dhcpv6.iaprefix.valid_lifetime", WORD, NULL, true },
	{ "DHCPv6/.../IA prefix/Prefix", "dhcpv6.iaprefix.pref_addr", WORD, NULL, true },
	{ "DHCPv6/.../Requested option", "dhcpv6.requested_option_code", WORD, NULL, true },
	{ "DHCPv6/.../Status", "dhcpv6.status_code", WORD, NULL, true },
	{ "DHCPv6/.../DNS server", "dhcpv6.dns_server", WORD, NULL, true },
	{ "Open Shortest Path First/Version", "ospf.version", WORD, NULL, false },
	{ "Open Shortest Path First/Message type", "ospf.msg", WORD, NULL, false },
	{ "Open Shortest Path First/Packet length", "ospf.packet_length", WORD, NULL, false },
	{ "Open Shortest Path First/Source router", "ospf.srcrouter", WORD, NULL, false },
	{ "Open Shortest Path First/Area ID", "ospf.area_id", WORD, NULL, false },
	{ "Open Shortest Path First/Checksum", "ospf.checksum", WORD, NULL, false },
	{ "Open Shortest Path First/Authentication type", "ospf.auth.type", WORD, NULL, false },
	{ "Open Shortest Path First/Authentication", "ospf.auth.simple", QUOTED, NULL, false },
	{ "Open Shortest Path First/Instance ID", "ospf.instance_id", WORD, NULL, false },
	{ "Open Shortest Path First/Hello/Network mask", "ospf.hello.network_mask", WORD, NULL, false },
	{ "Open Shortest Path First/Hello/Hello interval", "ospf.hello.hello_interval", WORD, NULL, false },
	{ "Open Shortest Path First/Hello/Router priority", "ospf.hello.router_priority", WORD, NULL, false },
	{ "Open Shortest Path First/Hello/Router dead interval", "ospf.hello.router_dead_interval", WORD, NULL, false },
	{ "Open Shortest Path First/Hello/Designated router", "ospf.hello.designated_router", WORD, NULL, false },
	{ "Open Shortest Path First/Hello/Backup designated router", "ospf.hello.backup_designated_router", WORD, NULL, false },
	{ "Open Shortest Path First/Hello/Active neighbor", "ospf.hello.active_neighbor", WORD, NULL, true },
	{ "Open Shortest Path First/Hello/Interface ID", "ospf.hello.interface_id", WORD, NULL, false },
	{ "Open Shortest Path First/Database description/Interface MTU", "ospf.db.interface_mtu", WORD, NULL, false },
	{ "Open Shortest Path First/Database description/Flags", "ospf.dbd", WORD, NULL, false },
	{ "Open Shortest Path First/Database description/DD sequence number", "ospf.db.dd_sequence", WORD, NULL, false },
	{ "Open Shortest Path First/Link state update/Number of LSAs", "ospf.ls.number_of_lsas", WORD, NULL, false },
	{ "Open Shortest Path First/.../LSA header/LS age", "ospf.lsa.age", WORD, NULL, true },
	{ "Open Shortest Path First/.../LSA header/Link state ID", "ospf.lsa.id", WORD, NULL, true },
	{ "Open Shortest Path First/.../LSA header/Sequence number", "ospf.lsa.seqnum", WORD, NULL, true },
	{ "Open Shortest Path First/.../LSA header/Length", "ospf.lsa.length", WORD, NULL, true },
	{ "Open Shortest Path First/.../LSA header/Opaque type", "ospf.lsid_opaque_type", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Length", "bgp.length", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Type", "bgp.type", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Version", "bgp.open.version", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/My AS", "bgp.open.myas", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Hold time", "bgp.open.holdtime", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/BGP identifier", "bgp.open.identifier", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Optional parameters length", "bgp.open.opt.len", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Capability code", "bgp.cap.type", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Capability length", "bgp.cap.length", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Error code", "bgp.notify.major_error", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Withdrawn routes length", "bgp.update.withdrawn_routes.length", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/Total path attribute length", "bgp.update.path_attributes.length", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Path attribute/Flags", "bgp.update.path_attribute.flags", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Path attribute/Type code", "bgp.update.path_attribute.type_code", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Path attribute/Length", "bgp.update.path_attribute.length", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Origin", "bgp.update.path_attribute.origin", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Next hop", "bgp.update.path_attribute.next_hop", WORD, NULL, true },
	{ "Border Gateway Protocol/.../MED", "bgp.update.path_attribute.multi_exit_disc", WORD, NULL, true },
	{ "Border Gateway Protocol/.../Local preference", "bgp.update.path_attribute.local_pref", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/AFI", "bgp.route_refresh.afi", WORD, NULL, true },
	{ "Border Gateway Protocol/Message/SAFI", "bgp.route_refresh.safi", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Source port", "sctp.srcport", WORD, NULL, false },
	{ "Stream Control Transmission Protocol/Destination port", "sctp.dstport", WORD, NULL, false },
	{ "Stream Control Transmission Protocol/Verification tag", "sctp.verification_tag", WORD, NULL, false },
	{ "Stream Control Transmission Protocol/Checksum", "sctp.checksum", WORD, NULL, false },
	{ "Stream Control Transmission Protocol/Checksum", "sctp.checksum.status", CKSTATUS, NULL, false },
	{ "Stream Control Transmission Protocol/Chunk/Chunk type", "sctp.chunk_type", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Chunk flags", "sctp.chunk_flags", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Chunk length", "sctp.chunk_length", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/TSN", "sctp.data_tsn_raw", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Stream identifier", "sctp.data_sid", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Stream sequence number", "sctp.data_ssn", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Payload protocol identifier", "sctp.data_payload_proto_id", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Cumulative TSN ack", "sctp.sack_cumulative_tsn_ack_raw", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Gap ack blocks", "sctp.sack_number_of_gap_blocks", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Duplicate TSNs", "sctp.sack_number_of_duplicated_tsns", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Initiate tag", "sctp.initiate_tag", WORD, NULL, true },
	{ "Stream Control Transmission Protocol/Chunk/Outbound streams", "sctp.init_nr_out_streams", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Version", "vrrp.version", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Type", "vrrp.type", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Virtual router ID", "vrrp.virt_rtr_id", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Priority", "vrrp.prio", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Address count", "vrrp.addr_count", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Authentication type", "vrrp.auth_type", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Advertisement interval", "vrrp.adver_int", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Maximum advertisement interval", "vrrp.short_adver_int", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Checksum", "vrrp.checksum", WORD, NULL, false },
	{ "Virtual Router Redundancy Protocol/Checksum", "vrrp.checksum.status", CKSTATUS, NULL, false },
	{ "Virtual Router Redundancy Protocol/Virtual address", "vrrp.ip_addr", WORD, NULL, true },
	{ "Virtual Router Redundancy Protocol/Authentication data", "vrrp.auth_string", QUOTED, NULL, false },
	{ "Session Initiation Protocol/Request line", "sip.Request-Line", ALL, NULL, false },
	{ "Session Initiation Protocol/Request line/Method", "sip.Method", WORD, NULL, false },
	{ "Session Initiation Protocol/Request line/Request-URI", "sip.r-uri", ALL, NULL, false },
	{ "Session Initiation Protocol/Status line", "sip.Status-Line", ALL, NULL, false },
	{ "Session Initiation Protocol/Status line/Status code", "sip.Status-Code", WORD, NULL, false },
	{ "Session Initiation Protocol/Call-ID", "sip.Call-ID", ALL, NULL, false },
	{ "Session Initiation Protocol/CSeq", "sip.CSeq", ALL, NULL, false },
	{ "Session Initiation Protocol/From", "sip.From", ALL, NULL, false },
	{ "Session Initiation Protocol/To", "sip.To", ALL, NULL, false },
	{ "Session Initiation Protocol/Content-Type", "sip.Content-Type", ALL, NULL, false },
	{ "Session Initiation Protocol/Content-Length", "sip.Content-Length", WORD, NULL, false },
	{ "Simple Network Management Protocol/Version", "snmp.version", WORD, NULL, false },
	{ "Simple Network Management Protocol/Community", "snmp.community", QUOTED, NULL, false },
	{ "Simple Network Management Protocol/PDU/Request ID", "snmp.request_id", WORD, NULL, false },
	{ "Simple Network Management Protocol/PDU/Error status", "snmp.error_status", WORD, NULL, false },
	{ "Simple Network Management Protocol/PDU/Error index", "snmp.error_index", WORD, NULL, false },
	{ "Simple Network Management Protocol/Header data/Message ID", "snmp.msgID", WORD, NULL, false },
	{ "Simple Network Management Protocol/Header data/Maximum size", "snmp.msgMaxSize", WORD, NULL, false },
	{ "Simple Network Management Protocol/Header data/Security model", "snmp.msgSecurityModel", WORD, NULL, false },
	{ "Real-time Transport Control Protocol/Packet/Version", "rtcp.version", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Packet type", "rtcp.pt", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Length", "rtcp.length", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Sender SSRC", "rtcp.senderssrc", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/RTP timestamp", "rtcp.timestamp.rtp", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Sender's packet count", "rtcp.sender.packetcount", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Sender's octet count", "rtcp.sender.octetcount", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Report block/Source SSRC", "rtcp.ssrc.identifier", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Report block/Fraction lost", "rtcp.ssrc.fraction", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Report block/Cumulative packets lost", "rtcp.ssrc.cum_nr", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Report block/Highest sequence number", "rtcp.ssrc.high_seq", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Report block/Interarrival jitter", "rtcp.ssrc.jitter", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Report block/Last SR timestamp", "rtcp.ssrc.lsr", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Report block/Delay since last SR", "rtcp.ssrc.dlsr", WORD, NULL, true },
	{ "Real-time Transport Control Protocol/Packet/Source", "rtcp.ssrc.identifier", WORD, NULL, true },
	{ "QUIC/Packet/First byte/Long header", "quic.header_form", SETFLAG, NULL, true },
	{ "QUIC/Packet/First byte/Packet type", "quic.long.packet_type", WORD, NULL, true },
	{ "QUIC/Packet/Version", "quic.version", WORD, NULL, true },
	{ "QUIC/Packet/Destination connection ID length", "quic.dcil", WORD, NULL, true },
	{ "QUIC/Packet/Destination connection ID", "quic.dcid", WORD, NULL, true },
	{ "QUIC/Packet/Source connection ID length", "quic.scil", WORD, NULL, true },
	{ "QUIC/Packet/Source connection ID", "quic.scid", WORD, NULL, true },
	{ "QUIC/Packet/Token length", "quic.token_length", WORD, NULL, true },
	{ "QUIC/Packet/Length", "quic.length", WORD, NULL, true },
	{ "QUIC/Packet/Supported version", "quic.supported_version", WORD, NULL, true },
};
enum { NRULES = sizeof rules / sizeof rules[0], MAXDEPTH = 8 };

/* The facts of one packet, so multi-valued keys can be joined. */
struct fact {
	const char *key;
	char value[512];
};
static struct fact facts[256];
static size_t nfacts;
static char **want;
static int nwant;

static void add(const char *key, const char *value, bool multi)
{
	for (size_t i = 0; i < nfacts; i++) {
		if (strcmp(facts[i].key, key) != 0)
			continue;
		if (multi) {
			size_t n = strlen(facts[i].value);
			snprintf(facts[i].value + n, sizeof facts[i].value - n, ",%s", value);
		}
		return;   /* else the first occurrence stands */
	}
	if (nfacts < sizeof facts / sizeof facts[0]) {
		facts[nfacts].key = key;
		snprintf(facts[nfacts].value, sizeof facts[nfacts].value, "%s", value);
		nfacts++;
	}
}

static void addu(const char *key, unsigned long v)
{
	char b[24];
	snprintf(b, sizeof b, "%lu", v);
	add(key, b, false);
}

static void extract(const struct rule *ru, const char *v, char *out, size_t n)
{
	const char *s = v;
	out[0] = '\0';
	switch (ru->how) {
	case ALL:
		snprintf(out, n, "%s", v);
		return;
	case SETFLAG:
		snprintf(out, n, "%d", strcmp(v, "set") == 0);
		return;
	case CKSTATUS:
		if (strstr(v, "(correct)"))
			snprintf(out, n, "1");
		else if (strstr(v, "(incorrect") || strstr(v, "offloaded"))
			snprintf(out, n, "0");
		else if (strstr(v, "(unverified"))
			snprintf(out, n, "2");
		return;
	case AFTER:
		s = strstr(v, ru->arg);
		if (!s)
			return;
		s += strlen(ru->arg);
		while (*s == ' ')
			s++;
		break;
	case PAREN:
		s = strchr(v, '(');
		if (!s)
			return;
		s++;
		break;
	case QUOTED: {
		const char *a = strchr(v, '"'), *b = a ? strchr(a + 1, '"') : NULL;
		if (b)
			snprintf(out, n, "%.*s", (int)(b - a - 1), a + 1);
		return;
	}
	case TAKEN:
		if (strstr(v, "taken as "))
			s = strstr(v, "taken as ") + 9;
		break;
	case WORD:
		break;
	}
	size_t k = strcspn(s, " ,");
	snprintf(out, n, "%.*s", (int)k, s);
}

/* A rule's path names every step, or "Layer/.../Name": Name at any depth
 * under Layer (options that nest, such as DHCPv6's). */
static bool path_match(const char *rule, const char *joined)
{
	const char *gap = strstr(rule, "/.../");
	if (!gap)
		return strcmp(rule, joined) == 0;
	size_t head = (size_t)(gap - rule) + 1, jl = strlen(joined), tl = strlen(gap + 4);
	return strncmp(rule, joined, head) == 0 && jl > head + tl && strcmp(joined + jl - tl, gap + 4) == 0;
}

/* The layer names already seen at depth 0 in this packet: a second layer
 * of the same name (IP in IP) is not the first occurrence. */
static void tree_facts(const struct dissection *d)
{
	const char *path[MAXDEPTH];
	char joined[FIELD_NAME_MAX * MAXDEPTH];
	char seen[16][FIELD_NAME_MAX];
	size_t nseen = 0;
	bool skip_layer = false;
	for (size_t i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];
		if (f->depth >= MAXDEPTH)
			continue;
		path[f->depth] = f->name;
		if (f->depth == 0) {
			skip_layer = false;
			for (size_t k = 0; k < nseen; k++)
				skip_layer = skip_layer || strcmp(seen[k], f->name) == 0;
			if (!skip_layer && nseen < 16)
				snprintf(seen[nseen++], FIELD_NAME_MAX, "%s", f->name);
			continue;
		}
		joined[0] = '\0';
		for (unsigned k = 0; k <= f->depth; k++) {
			size_t n = strlen(joined);
			snprintf(joined + n, sizeof joined - n, "%s%s", k ? "/" : "", path[k]);
		}
		for (size_t r = 0; r < NRULES; r++) {
			if (!path_match(rules[r].path, joined))
				continue;
			if (skip_layer && !rules[r].multi)
				continue;
			char v[FIELD_VALUE_MAX];
			extract(&rules[r], f->value, v, sizeof v);
			if (!v[0])
				continue;
			const char *key = rules[r].key;
			if (!strcmp(key, "dns.a") && strchr(v, ':'))
				key = "dns.aaaa";   /* the same field name holds an AAAA record's address */
			add(key, v, rules[r].multi);
		}
	}
}

/* Directions whose SYN was captured: "src sport dst dport" lines. */
static char syns[4096][110];
static size_t nsyns;

static void dir_key(const struct pkt_info *i, bool reverse, char *buf, size_t n)
{
	if (reverse)
		snprintf(buf, n, "%s %u %s %u", i->dst, i->dport, i->src, i->sport);
	else
		snprintf(buf, n, "%s %u %s %u", i->src, i->sport, i->dst, i->dport);
}

static bool syn_seen(const struct pkt_info *i, bool reverse)
{
	char k[110];
	dir_key(i, reverse, k, sizeof k);
	for (size_t n = 0; n < nsyns; n++)
		if (!strcmp(syns[n], k))
			return true;
	return false;
}

static const char *fact(const char *key)
{
	for (size_t k = 0; k < nfacts; k++)
		if (!strcmp(facts[k].key, key))
			return facts[k].value;
	return NULL;
}

static bool wanted(const char *key)
{
	if (!nwant)
		return true;
	for (int i = 0; i < nwant; i++)
		if (!strcmp(want[i], key))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: tshark_fields FILE [KEY...]\n");
		return 2;
	}
	want = argv + 2;
	nwant = argc - 2;
	enum capfile_error why;
	char err[256];
	struct capfile *cf = capfile_open(argv[1], &why, err, sizeof err);
	if (!cf) {
		fprintf(stderr, "tshark_fields: %s\n", err);
		return 1;
	}
	while (capfile_index_step(cf, 65536) == CAPFILE_SCANNING)
		;
	struct flowtab *t = flowtab_new();
	struct dissection d;
	memset(&d, 0, sizeof d);
	for (uint64_t n = 0; n < capfile_count(cf); n++) {
		struct capfile_packet p;
		if (!capfile_packet(cf, n, &p))
			break;
		dissect_frame_opt(p.linktype, p.data, p.caplen, p.wirelen, DISSECT_REUSE, &d);
		nfacts = 0;
		tree_facts(&d);
		const struct pkt_info *i = &d.info;
		if (i->tcp) {
			uint32_t seq, ack;
			unsigned a = flowtab_analyse(t, &d);
			flowtab_relative(t, &d, &seq, &ack);
			if ((i->tcp_flags & TCPF_SYN) && !syn_seen(i, false) && nsyns < sizeof syns / sizeof syns[0])
				dir_key(i, false, syns[nsyns++], sizeof syns[0]);
			const char *fl = fact("tcp.flags"), *res = fact("(tcp.reserved)");
			if (fl && res) {
				char v[16];
				snprintf(v, sizeof v, "0x%03lx", strtoul(res, NULL, 0) << 8 | strtoul(fl, NULL, 0));
				for (size_t k = 0; k < nfacts; k++)
					if (!strcmp(facts[k].key, "tcp.flags"))
						snprintf(facts[k].value, sizeof facts[k].value, "%s", v);
			}
			/* The findings as one sorted list, "none" when there are none:
			 * tests/e2e_tshark.sh builds the same from tshark's flags. */
			static const struct { unsigned bit; const char *name; } an[] = {
				{ TCPA_DUP_ACK, "duplicate_ack" }, { TCPA_KEEP_ALIVE, "keep_alive" },
				{ TCPA_LOST, "lost_segment" }, { TCPA_OUT_OF_ORDER, "out_of_order" },
				{ TCPA_RETRANS, "retransmission" }, { TCPA_WINDOW_UPDATE, "window_update" },
				{ TCPA_ZERO_WINDOW, "zero_window" },
			};
			char al[160] = "";
			for (size_t k = 0; k < sizeof an / sizeof an[0]; k++)
				if (a & an[k].bit)
					snprintf(al + strlen(al), sizeof al - strlen(al), "%s%s", al[0] ? "," : "", an[k].name);
			add("tcp.analysis", al[0] ? al : "none", false);
			if (a & TCPA_DUP_ACK)
				addu("tcp.analysis.duplicate_ack_num", i->tcp_dupack);
			addu("tcp.len", i->payload_len);
			if (syn_seen(i, false))
				addu("tcp.seq", seq);
			if (i->tcp_flags & TCPF_ACK && syn_seen(i, true))
				addu("tcp.ack", ack);
		}
		char sum[512];
		dissect_summary(&d, t, sum, sizeof sum);
		for (size_t k = 0; k < nfacts; k++)
			if (facts[k].key[0] != '(' && wanted(facts[k].key))
				printf("%llu\t%s\t%s\n", (unsigned long long)n + 1, facts[k].key, facts[k].value);
	}
	dissection_free(&d);
	flowtab_free(t);
	capfile_close(cf);
	return 0;
}
