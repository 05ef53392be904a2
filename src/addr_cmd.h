/*
 * addr_cmd.h — `sockscope addr TEXT...`: the address explorer on the command
 * line.  For each argument: IPv4, IPv6 or not an address (and why), its
 * bytes, its bits, the canonical text and its class (src/common/ipaddr.h).
 */
#ifndef SOCKSCOPE_ADDR_CMD_H
#define SOCKSCOPE_ADDR_CMD_H

/* argv[0] is "addr".  Returns 0 when every argument is an address, 1 when
 * one is not, 2 for a usage error. */
int addr_main(int argc, char **argv);

#endif
